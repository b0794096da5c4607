#include "local/s3/byte_range.hpp"

#include <optional>

namespace csv2ddb::local::s3 {
namespace {

std::optional<std::uint64_t> parse_number(std::string_view text) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return value;
}

}  // namespace

RangeResult resolve_range(std::string_view header, std::uint64_t size) {
  constexpr std::string_view kUnit = "bytes=";
  if (!header.starts_with(kUnit)) return {};
  const std::string_view spec = header.substr(kUnit.size());
  if (spec.find(',') != std::string_view::npos) return {};
  const auto dash = spec.find('-');
  if (dash == std::string_view::npos) return {};
  const std::string_view first_text = spec.substr(0, dash);
  const std::string_view last_text = spec.substr(dash + 1);
  if (first_text.empty()) {  // suffix range: the last n bytes
    const auto n = parse_number(last_text);
    if (!n) return {};
    if (*n == 0 || size == 0) return {RangeKind::kUnsatisfiable, 0, 0};
    const std::uint64_t count = *n < size ? *n : size;
    return {RangeKind::kSatisfiable, size - count, size - 1};
  }
  const auto first = parse_number(first_text);
  if (!first) return {};
  std::uint64_t last = size == 0 ? 0 : size - 1;
  if (!last_text.empty()) {
    const auto parsed = parse_number(last_text);
    if (!parsed || *parsed < *first) return {};
    if (*parsed < last) last = *parsed;
  }
  if (*first >= size) return {RangeKind::kUnsatisfiable, 0, 0};
  return {RangeKind::kSatisfiable, *first, last};
}

}  // namespace csv2ddb::local::s3
