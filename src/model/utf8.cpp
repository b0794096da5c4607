// UTF-8 validation. Most CSV text is ASCII, so eight bytes at a time are checked for a high bit
// before falling back to one sequence at a time.
#include <cstdint>
#include <cstring>
#include <string_view>

#include "model/json.hpp"
#include "model/utf8_sequence.hpp"

namespace csv2ddb::model {

std::optional<std::size_t> first_invalid_utf8(std::string_view bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t n = bytes.size();
  constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;
  std::size_t i = 0;
  while (i < n) {
    if (n - i >= 8) {
      std::uint64_t word;
      std::memcpy(&word, p + i, sizeof word);
      if ((word & kHighBits) == 0) {
        i += 8;
        continue;
      }
    }
    if (p[i] < 0x80) {
      ++i;
      continue;
    }
    const std::size_t length = detail::utf8_sequence_length(p + i, n - i);
    if (length == 0) return i;
    i += length;
  }
  return std::nullopt;
}

bool is_valid_utf8(std::string_view bytes) {
  return !first_invalid_utf8(bytes).has_value();
}

std::string displayable_utf8(std::string_view bytes, std::size_t max_bytes) {
  constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
  constexpr std::string_view kEllipsis = "\xE2\x80\xA6";     // U+2026
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  std::string out;
  out.reserve(bytes.size() < max_bytes ? bytes.size() : max_bytes + kEllipsis.size());
  std::size_t i = 0;
  while (i < bytes.size()) {
    const std::size_t length = detail::utf8_sequence_length(p + i, bytes.size() - i);
    const std::string_view piece = length == 0 ? kReplacement : bytes.substr(i, length);
    if (out.size() + piece.size() > max_bytes) {
      out.append(kEllipsis);
      return out;
    }
    out.append(piece);
    i += length == 0 ? 1 : length;
  }
  return out;
}

}  // namespace csv2ddb::model
