// A strict RFC 8259 parser. Every error names the byte offset (0-based) where it was found,
// because the JSON comes from request bodies and files a person will have to look into.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "model/json.hpp"
#include "model/utf8_sequence.hpp"

namespace csv2ddb::model {
namespace {

// How the string scanner treats each byte.
enum class ByteClass : std::uint8_t { kPlain, kQuote, kBackslash, kControl, kNonAscii };

constexpr std::array<ByteClass, 256> make_byte_classes() {
  std::array<ByteClass, 256> table{};
  for (std::size_t c = 0; c < 0x20; ++c) table[c] = ByteClass::kControl;
  for (std::size_t c = 0x80; c < 0x100; ++c) table[c] = ByteClass::kNonAscii;
  table['"'] = ByteClass::kQuote;
  table['\\'] = ByteClass::kBackslash;
  return table;
}
constexpr std::array<ByteClass, 256> kByteClasses = make_byte_classes();

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string describe_byte(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (byte >= 0x21 && byte < 0x7F) return std::string("'") + c + "'";
  constexpr std::string_view kHex = "0123456789ABCDEF";
  return std::string("byte 0x") + kHex[byte >> 4] + kHex[byte & 0xF];
}

class Parser {
 public:
  Parser(std::string_view text, JsonParseOptions options) : text_(text), options_(options) {}

  Result<JsonValue> parse_document() {
    JsonValue value;
    skip_whitespace();
    if (!parse_value(value, 0)) return std::move(error_);
    skip_whitespace();
    if (pos_ != text_.size()) {
      unexpected();
      return std::move(error_);
    }
    return value;
  }

 private:
  bool at_end() const { return pos_ >= text_.size(); }

  void skip_whitespace() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
      ++pos_;
    }
  }

  bool fail(const std::string& what, std::size_t offset) {
    error_ = make_error("InvalidJson", what + " at byte " + std::to_string(offset));
    return false;
  }

  bool unexpected() {
    if (at_end()) return fail("unexpected end of input", pos_);
    return fail("unexpected " + describe_byte(text_[pos_]), pos_);
  }

  bool parse_value(JsonValue& out, std::size_t depth) {
    if (at_end()) return unexpected();
    switch (text_[pos_]) {
      case '{':
        return parse_object(out, depth + 1);
      case '[':
        return parse_array(out, depth + 1);
      case '"': {
        std::string s;
        if (!parse_string(s)) return false;
        out = JsonValue::string(std::move(s));
        return true;
      }
      case 't':
        return parse_literal("true", out, JsonValue::boolean(true));
      case 'f':
        return parse_literal("false", out, JsonValue::boolean(false));
      case 'n':
        return parse_literal("null", out, JsonValue::null());
      default:
        if (text_[pos_] == '-' || is_digit(text_[pos_])) return parse_number(out);
        return unexpected();
    }
  }

  bool parse_literal(std::string_view word, JsonValue& out, JsonValue value) {
    for (std::size_t i = 0; i < word.size(); ++i) {
      if (pos_ + i >= text_.size() || text_[pos_ + i] != word[i]) {
        pos_ += i;
        return unexpected();
      }
    }
    pos_ += word.size();
    out = std::move(value);
    return true;
  }

  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, kept as text.
  bool parse_number(JsonValue& out) {
    const std::size_t start = pos_;
    auto digits = [&] {
      const std::size_t from = pos_;
      while (!at_end() && is_digit(text_[pos_])) ++pos_;
      return pos_ - from;
    };
    if (text_[pos_] == '-') ++pos_;
    if (!at_end() && text_[pos_] == '0') {
      ++pos_;
      if (!at_end() && is_digit(text_[pos_])) {
        return fail("invalid number (leading zero)", start);
      }
    } else if (digits() == 0) {
      return fail("invalid number (no digits)", start);
    }
    if (!at_end() && text_[pos_] == '.') {
      ++pos_;
      if (digits() == 0) return fail("invalid number (no digits after '.')", start);
    }
    if (!at_end() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      if (!at_end() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      if (digits() == 0) return fail("invalid number (no digits in exponent)", start);
    }
    out = JsonValue::number_text(std::string(text_.substr(start, pos_ - start)));
    return true;
  }

  bool parse_hex4(std::uint32_t& value) {
    if (text_.size() - pos_ < 4) return fail("truncated \\u escape", pos_ - 2);
    value = 0;
    for (std::size_t i = 0; i < 4; ++i) {
      const int digit = hex_value(text_[pos_ + i]);
      if (digit < 0) return fail("invalid \\u escape", pos_ - 2);
      value = value * 16 + static_cast<std::uint32_t>(digit);
    }
    pos_ += 4;
    return true;
  }

  // After "\u": one escape, or a surrogate pair spelled as two escapes.
  bool parse_unicode_escape(std::string& out) {
    const std::size_t escape_start = pos_ - 2;
    std::uint32_t unit = 0;
    if (!parse_hex4(unit)) return false;
    if (unit >= 0xDC00 && unit <= 0xDFFF) {
      return fail("unpaired low surrogate in \\u escape", escape_start);
    }
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      if (text_.substr(pos_, 2) != "\\u") {
        return fail("unpaired high surrogate in \\u escape", escape_start);
      }
      pos_ += 2;
      std::uint32_t low = 0;
      if (!parse_hex4(low)) return false;
      if (low < 0xDC00 || low > 0xDFFF) {
        return fail("unpaired high surrogate in \\u escape", escape_start);
      }
      unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
    }
    detail::append_utf8(out, unit);
    return true;
  }

  bool parse_escape(std::string& out) {
    const std::size_t escape_start = pos_;
    ++pos_;  // the backslash
    if (at_end()) return unexpected();
    const char c = text_[pos_++];
    switch (c) {
      case '"':
        out.push_back('"');
        return true;
      case '\\':
        out.push_back('\\');
        return true;
      case '/':
        out.push_back('/');
        return true;
      case 'b':
        out.push_back('\b');
        return true;
      case 'f':
        out.push_back('\f');
        return true;
      case 'n':
        out.push_back('\n');
        return true;
      case 'r':
        out.push_back('\r');
        return true;
      case 't':
        out.push_back('\t');
        return true;
      case 'u':
        return parse_unicode_escape(out);
      default:
        if (static_cast<unsigned char>(c) >= 0x21 && static_cast<unsigned char>(c) < 0x7F) {
          return fail(std::string("invalid escape '\\") + c + "'", escape_start);
        }
        return fail("invalid escape: backslash followed by " + describe_byte(c), escape_start);
    }
  }

  bool parse_string(std::string& out) {
    ++pos_;  // the opening quote
    const auto* bytes = reinterpret_cast<const unsigned char*>(text_.data());
    const std::size_t n = text_.size();
    while (true) {
      const std::size_t run_start = pos_;
      while (pos_ < n && kByteClasses[bytes[pos_]] == ByteClass::kPlain) ++pos_;
      out.append(text_.data() + run_start, pos_ - run_start);
      if (pos_ >= n) return fail("unterminated string", pos_);
      switch (kByteClasses[bytes[pos_]]) {
        case ByteClass::kQuote:
          ++pos_;
          return true;
        case ByteClass::kBackslash:
          if (!parse_escape(out)) return false;
          break;
        case ByteClass::kControl:
          return fail("unescaped control character " + describe_byte(text_[pos_]) + " in string",
                      pos_);
        case ByteClass::kNonAscii: {
          const std::size_t length = detail::utf8_sequence_length(bytes + pos_, n - pos_);
          if (length == 0) return fail("invalid UTF-8 in string", pos_);
          out.append(text_.data() + pos_, length);
          pos_ += length;
          break;
        }
        case ByteClass::kPlain:
          break;
      }
    }
  }

  bool enter(std::size_t depth) {
    if (depth > options_.max_depth) {
      return fail("nesting deeper than " + std::to_string(options_.max_depth) + " levels", pos_);
    }
    return true;
  }

  bool parse_array(JsonValue& out, std::size_t depth) {
    if (!enter(depth)) return false;
    ++pos_;  // '['
    JsonValue::Array items;
    skip_whitespace();
    if (!at_end() && text_[pos_] == ']') {
      ++pos_;
      out = JsonValue::array(std::move(items));
      return true;
    }
    while (true) {
      skip_whitespace();
      items.emplace_back();
      if (!parse_value(items.back(), depth)) return false;
      skip_whitespace();
      if (at_end()) return unexpected();
      if (text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (text_[pos_] == ']') {
        ++pos_;
        out = JsonValue::array(std::move(items));
        return true;
      }
      return unexpected();
    }
  }

  bool parse_object(JsonValue& out, std::size_t depth) {
    if (!enter(depth)) return false;
    ++pos_;  // '{'
    JsonValue::Object members;
    skip_whitespace();
    if (!at_end() && text_[pos_] == '}') {
      ++pos_;
      out = JsonValue::object(std::move(members));
      return true;
    }
    while (true) {
      skip_whitespace();
      if (at_end() || text_[pos_] != '"') return unexpected();
      std::string key;
      if (!parse_string(key)) return false;
      skip_whitespace();
      if (at_end() || text_[pos_] != ':') return unexpected();
      ++pos_;
      skip_whitespace();
      members.emplace_back(std::move(key), JsonValue());
      if (!parse_value(members.back().second, depth)) return false;
      skip_whitespace();
      if (at_end()) return unexpected();
      if (text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (text_[pos_] == '}') {
        ++pos_;
        out = JsonValue::object(std::move(members));
        return true;
      }
      return unexpected();
    }
  }

  std::string_view text_;
  JsonParseOptions options_;
  std::size_t pos_ = 0;
  Error error_;
};

}  // namespace

Result<JsonValue> parse_json(std::string_view text, JsonParseOptions options) {
  Parser parser(text, options);
  return parser.parse_document();
}

}  // namespace csv2ddb::model
