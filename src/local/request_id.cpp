#include "local/request_id.hpp"

#include <openssl/rand.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>

#include "aws/crypto.hpp"

namespace csv2ddb::local {

std::string new_request_id() {
  static std::atomic<std::uint64_t> counter{0};
  static const std::uint64_t start =
      static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count());
  constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  // splitmix64 over (process start, sequence number): distinct and well spread.
  std::uint64_t state = start ^ (counter.fetch_add(1) * 0x9E3779B97F4A7C15ULL);
  std::string id;
  id.reserve(52);
  while (id.size() < 52) {
    state += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    for (int i = 0; i < 10 && id.size() < 52; ++i) {
      id.push_back(kAlphabet[z % 36]);
      z /= 36;
    }
  }
  return id;
}

}  // namespace csv2ddb::local

namespace csv2ddb::local {

std::string new_uuid() {
  std::array<std::uint8_t, 16> bytes{};
  RAND_bytes(bytes.data(), static_cast<int>(bytes.size()));
  bytes[6] = static_cast<std::uint8_t>((bytes[6] & 0x0F) | 0x40);  // version 4
  bytes[8] = static_cast<std::uint8_t>((bytes[8] & 0x3F) | 0x80);  // RFC 4122 variant
  const std::string hex = aws::hex_encode(bytes);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

std::string random_token(std::size_t length, std::string_view alphabet) {
  std::string out;
  out.reserve(length);
  std::array<std::uint8_t, 64> bytes{};
  while (out.size() < length) {
    RAND_bytes(bytes.data(), static_cast<int>(bytes.size()));
    for (std::uint8_t byte : bytes) {
      // Rejection sampling keeps every character equally likely.
      const std::size_t limit = 256 - (256 % alphabet.size());
      if (byte >= limit) continue;
      out.push_back(alphabet[byte % alphabet.size()]);
      if (out.size() == length) break;
    }
  }
  return out;
}

}  // namespace csv2ddb::local
