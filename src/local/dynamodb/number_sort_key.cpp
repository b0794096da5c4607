#include "local/dynamodb/number_sort_key.hpp"

#include <cstdint>

namespace csv2ddb::local::dynamodb {
namespace {

constexpr int kExponentBias = 1000;
constexpr char kNegative = 0x40;
constexpr char kZero = static_cast<char>(0x80);
constexpr char kPositive = static_cast<char>(0xC0);

}  // namespace

std::string number_sort_key(std::string_view canonical) {
  const bool negative = !canonical.empty() && canonical.front() == '-';
  if (negative) canonical.remove_prefix(1);
  // Collect the digits and where the decimal point sits among them.
  std::string digits;
  digits.reserve(canonical.size());
  int point = -1;
  for (char c : canonical) {
    if (c == '.') {
      point = static_cast<int>(digits.size());
    } else {
      digits.push_back(c);
    }
  }
  if (point < 0) point = static_cast<int>(digits.size());
  std::size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return std::string(1, kZero);
  const std::size_t last = digits.find_last_not_of('0');
  const int exponent = point - static_cast<int>(first);
  const auto biased = static_cast<std::uint16_t>(exponent + kExponentBias);
  std::string key;
  key.reserve(last - first + 5);
  key.push_back(negative ? kNegative : kPositive);
  const auto high = static_cast<unsigned char>(biased >> 8);
  const auto low = static_cast<unsigned char>(biased & 0xFF);
  key.push_back(static_cast<char>(negative ? 0xFF - high : high));
  key.push_back(static_cast<char>(negative ? 0xFF - low : low));
  for (std::size_t i = first; i <= last; ++i) {
    const auto digit = static_cast<unsigned char>(digits[i]);
    key.push_back(static_cast<char>(negative ? 0xFF - digit : digit));
  }
  if (negative) key.push_back(static_cast<char>(0xFF));
  return key;
}

std::string number_from_sort_key(std::string_view key) {
  if (key.size() == 1 && key.front() == kZero) return "0";
  if (key.size() < 4) return "";
  const bool negative = key.front() == kNegative;
  if (!negative && key.front() != kPositive) return "";
  auto byte = [&](std::size_t i) {
    const auto b = static_cast<unsigned char>(key[i]);
    return negative ? static_cast<unsigned char>(0xFF - b) : b;
  };
  const int exponent = ((byte(1) << 8) | byte(2)) - kExponentBias;
  std::string digits;
  const std::size_t end = negative ? key.size() - 1 : key.size();
  for (std::size_t i = 3; i < end; ++i) {
    const unsigned char d = byte(i);
    if (d < '0' || d > '9') return "";
    digits.push_back(static_cast<char>(d));
  }
  if (digits.empty()) return "";
  std::string out = negative ? "-" : "";
  const int count = static_cast<int>(digits.size());
  if (exponent <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-exponent), '0');
    out += digits;
  } else if (exponent >= count) {
    out += digits;
    out.append(static_cast<std::size_t>(exponent - count), '0');
  } else {
    out += digits.substr(0, static_cast<std::size_t>(exponent));
    out += '.';
    out += digits.substr(static_cast<std::size_t>(exponent));
  }
  return out;
}

}  // namespace csv2ddb::local::dynamodb
