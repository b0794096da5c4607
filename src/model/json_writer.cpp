// JSON output. Strings are the hot path (every attribute of every item passes through here), so
// runs of bytes that need no escaping are found eight at a time and appended in one go.
#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "model/json.hpp"

namespace csv2ddb::model {
namespace {

constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;

// Non-zero when some byte of `word` is below 0x20 or is '"' or '\\' (it may also flag a byte
// after such a byte; the caller rescans byte by byte, so false positives only cost time).
std::uint64_t needs_escape_mask(std::uint64_t word) {
  const std::uint64_t control = (word - kOnes * 0x20) & ~word & kHighBits;
  const std::uint64_t quote_bits = word ^ (kOnes * '"');
  const std::uint64_t quote = (quote_bits - kOnes) & ~quote_bits & kHighBits;
  const std::uint64_t backslash_bits = word ^ (kOnes * '\\');
  const std::uint64_t backslash = (backslash_bits - kOnes) & ~backslash_bits & kHighBits;
  return control | quote | backslash;
}

constexpr std::array<bool, 256> make_escape_table() {
  std::array<bool, 256> table{};
  for (std::size_t c = 0; c < 0x20; ++c) table[c] = true;
  table['"'] = true;
  table['\\'] = true;
  return table;
}
constexpr std::array<bool, 256> kNeedsEscape = make_escape_table();

// How many bytes at the start of p[0..n) need no escaping: eight at a time, then one by one.
std::size_t clean_prefix(const unsigned char* p, std::size_t n) {
  std::size_t i = 0;
  for (; n - i >= 8; i += 8) {
    std::uint64_t word;
    std::memcpy(&word, p + i, sizeof word);
    if (needs_escape_mask(word) != 0) break;
  }
  while (i < n && !kNeedsEscape[p[i]]) ++i;
  return i;
}

void append_escape(std::string& out, unsigned char c) {
  switch (c) {
    case '"':
      out.append("\\\"");
      return;
    case '\\':
      out.append("\\\\");
      return;
    case '\n':
      out.append("\\n");
      return;
    case '\r':
      out.append("\\r");
      return;
    case '\t':
      out.append("\\t");
      return;
    case '\b':
      out.append("\\b");
      return;
    case '\f':
      out.append("\\f");
      return;
    default:
      break;
  }
  constexpr std::string_view kHex = "0123456789abcdef";
  const char escape[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
  out.append(escape, sizeof escape);
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = clean_prefix(p, n);
  if (i == n) {
    // Nearly every string: one copy, the quotes written in place.
    const std::size_t at = out.size();
    out.resize(at + n + 2);
    char* quoted = out.data() + at;
    quoted[0] = '"';
    std::memcpy(quoted + 1, s.data(), n);
    quoted[n + 1] = '"';
    return;
  }
  out.push_back('"');
  std::size_t run_start = 0;
  while (true) {
    out.append(s.data() + run_start, i - run_start);
    if (i == n) break;
    append_escape(out, p[i]);
    run_start = ++i;
    i += clean_prefix(p + i, n - i);
  }
  out.push_back('"');
}

void JsonWriter::string(std::string_view s) {
  append_json_string(out_, s);
}

void JsonWriter::value(const JsonValue& v) {
  switch (v.kind()) {
    case JsonValue::Kind::kNull:
      out_.append("null");
      return;
    case JsonValue::Kind::kBool:
      out_.append(v.as_bool() ? "true" : "false");
      return;
    case JsonValue::Kind::kNumber:
      out_.append(v.as_string());
      return;
    case JsonValue::Kind::kString:
      append_json_string(out_, v.as_string());
      return;
    case JsonValue::Kind::kArray: {
      out_.push_back('[');
      bool first = true;
      for (const JsonValue& element : v.as_array()) {
        if (!first) out_.push_back(',');
        first = false;
        value(element);
      }
      out_.push_back(']');
      return;
    }
    case JsonValue::Kind::kObject: {
      out_.push_back('{');
      bool first = true;
      for (const auto& [name, member] : v.as_object()) {
        if (!first) out_.push_back(',');
        first = false;
        append_json_string(out_, name);
        out_.push_back(':');
        value(member);
      }
      out_.push_back('}');
      return;
    }
  }
}

std::string to_json(const JsonValue& value) {
  std::string out;
  JsonWriter writer(out);
  writer.value(value);
  return out;
}

}  // namespace csv2ddb::model
