// One UTF-8 sequence at a time, shared by is_valid_utf8 and the JSON parser (which must also
// know where a bad sequence starts). Internal to the model layer.
#pragma once

#include <cstddef>
#include <cstdint>

namespace csv2ddb::model::detail {

// Length of the well-formed UTF-8 sequence starting at `p` (1 to 4), or 0 when the bytes there
// are not one: overlong forms, UTF-16 surrogates (U+D800..U+DFFF), code points above U+10FFFF,
// stray continuation bytes and sequences cut short by the end of the input are all rejected,
// following the table of well-formed byte sequences in the Unicode standard (section 3.9).
inline std::size_t utf8_sequence_length(const unsigned char* p, std::size_t remaining) {
  const unsigned char lead = p[0];
  if (lead < 0x80) return 1;
  auto continuation = [](unsigned char c) { return (c & 0xC0) == 0x80; };
  if (lead < 0xC2) return 0;  // continuation byte, or C0/C1 (overlong two-byte forms)
  if (lead < 0xE0) return remaining >= 2 && continuation(p[1]) ? 2 : 0;
  if (lead < 0xF0) {
    if (remaining < 3) return 0;
    const unsigned char second = p[1];
    // E0 needs A0..BF (else overlong); ED needs 80..9F (else a surrogate).
    const unsigned char low = lead == 0xE0 ? 0xA0 : 0x80;
    const unsigned char high = lead == 0xED ? 0x9F : 0xBF;
    if (second < low || second > high || !continuation(p[2])) return 0;
    return 3;
  }
  if (lead < 0xF5) {
    if (remaining < 4) return 0;
    const unsigned char second = p[1];
    // F0 needs 90..BF (else overlong); F4 needs 80..8F (else above U+10FFFF).
    const unsigned char low = lead == 0xF0 ? 0x90 : 0x80;
    const unsigned char high = lead == 0xF4 ? 0x8F : 0xBF;
    if (second < low || second > high || !continuation(p[2]) || !continuation(p[3])) return 0;
    return 4;
  }
  return 0;  // F5..FF never appear in UTF-8
}

// Appends the UTF-8 encoding of a Unicode scalar value (no surrogates, at most U+10FFFF).
template <typename String>
void append_utf8(String& out, std::uint32_t code_point) {
  if (code_point < 0x80) {
    out.push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else if (code_point < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (code_point >> 18)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

}  // namespace csv2ddb::model::detail
