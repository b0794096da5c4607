// UTF-8 validation. Most CSV text is ASCII, so eight bytes at a time are checked for a high bit
// before falling back to one sequence at a time.
#include <cstdint>
#include <cstring>
#include <string_view>

#include "model/json.hpp"
#include "model/utf8_sequence.hpp"

namespace csv2ddb::model {

bool is_valid_utf8(std::string_view bytes) {
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
    if (length == 0) return false;
    i += length;
  }
  return true;
}

}  // namespace csv2ddb::model
