#include "local/request_id.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>

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
