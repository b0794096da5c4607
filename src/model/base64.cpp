// Standard base64 (RFC 4648 section 4, padded). Decoding is strict, as DynamoDB's is: the length
// is a multiple of four, padding only at the end, and unused bits of the last symbol are zero,
// so every binary value has exactly one accepted spelling.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "model/dynamodb_json.hpp"

namespace csv2ddb::model {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::uint8_t kInvalid = 0xFF;

constexpr std::array<std::uint8_t, 256> make_decode_table() {
  std::array<std::uint8_t, 256> table{};
  for (auto& entry : table) entry = kInvalid;
  for (std::size_t i = 0; i < kAlphabet.size(); ++i) {
    table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::uint8_t>(i);
  }
  return table;
}
constexpr std::array<std::uint8_t, 256> kDecode = make_decode_table();

Error base64_error(std::string message) {
  return make_error("InvalidBase64", std::move(message));
}

std::string describe(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (byte >= 0x20 && byte < 0x7F) return std::string("'") + c + "'";
  return "byte " + std::to_string(byte);
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
  std::string out;
  append_base64(out, bytes);
  return out;
}

void append_base64(std::string& out, std::string_view bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t n = bytes.size();
  const std::size_t start = out.size();
  out.resize(start + (n + 2) / 3 * 4, '=');
  char* o = out.data() + start;
  std::size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    const std::uint32_t group =
        (std::uint32_t{p[i]} << 16) | (std::uint32_t{p[i + 1]} << 8) | p[i + 2];
    *o++ = kAlphabet[(group >> 18) & 0x3F];
    *o++ = kAlphabet[(group >> 12) & 0x3F];
    *o++ = kAlphabet[(group >> 6) & 0x3F];
    *o++ = kAlphabet[group & 0x3F];
  }
  if (n - i == 1) {
    const std::uint32_t group = std::uint32_t{p[i]} << 16;
    o[0] = kAlphabet[(group >> 18) & 0x3F];
    o[1] = kAlphabet[(group >> 12) & 0x3F];
  } else if (n - i == 2) {
    const std::uint32_t group = (std::uint32_t{p[i]} << 16) | (std::uint32_t{p[i + 1]} << 8);
    o[0] = kAlphabet[(group >> 18) & 0x3F];
    o[1] = kAlphabet[(group >> 12) & 0x3F];
    o[2] = kAlphabet[(group >> 6) & 0x3F];
  }
}

Result<std::string> base64_decode(std::string_view text) {
  const std::size_t n = text.size();
  if (n % 4 != 0) {
    return base64_error("base64 length " + std::to_string(n) + " is not a multiple of 4");
  }
  if (n == 0) return std::string();
  std::size_t padding = 0;
  if (text[n - 1] == '=') padding = text[n - 2] == '=' ? 2 : 1;
  const std::size_t symbols = n - padding;
  std::string out;
  out.resize(n / 4 * 3 - padding);
  char* o = out.data();
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  auto symbol_error = [&](std::size_t at) {
    return base64_error("invalid base64 character " + describe(text[at]) + " at offset " +
                        std::to_string(at));
  };
  std::size_t i = 0;
  for (; i + 4 <= symbols; i += 4) {
    const std::uint8_t a = kDecode[p[i]], b = kDecode[p[i + 1]], c = kDecode[p[i + 2]],
                       d = kDecode[p[i + 3]];
    if (((a | b | c | d) & 0xC0) != 0) {  // only kInvalid has the high bits set
      for (std::size_t k = i; k < i + 4; ++k) {
        if (kDecode[p[k]] == kInvalid) return symbol_error(k);
      }
    }
    const std::uint32_t group =
        (std::uint32_t{a} << 18) | (std::uint32_t{b} << 12) | (std::uint32_t{c} << 6) | d;
    *o++ = static_cast<char>(group >> 16);
    *o++ = static_cast<char>((group >> 8) & 0xFF);
    *o++ = static_cast<char>(group & 0xFF);
  }
  if (padding == 0) return out;
  // The last group: 2 symbols + "==" (one byte) or 3 symbols + "=" (two bytes).
  std::uint32_t group = 0;
  const std::size_t remaining = symbols - i;
  for (std::size_t k = 0; k < remaining; ++k) {
    const std::uint8_t value = kDecode[p[i + k]];
    if (value == kInvalid) return symbol_error(i + k);
    group |= std::uint32_t{value} << (18 - 6 * k);
  }
  const std::uint32_t unused_bits = padding == 2 ? (group & 0xFFFF) : (group & 0xFF);
  if (unused_bits != 0) {
    return base64_error("base64 text '" + std::string(text.substr(n - 4)) +
                        "' ends in non-zero padding bits; it is not the canonical encoding");
  }
  *o++ = static_cast<char>(group >> 16);
  if (padding == 1) *o++ = static_cast<char>((group >> 8) & 0xFF);
  return out;
}

}  // namespace csv2ddb::model
