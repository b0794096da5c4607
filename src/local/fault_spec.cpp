#include "local/fault_spec.hpp"

#include <charconv>
#include <cmath>
#include <string>

namespace csv2ddb::local {
namespace {

Error bad(std::string_view pair, std::string_view why) {
  return make_error(
      "InvalidFaultSpec",
      "--fault: '" + std::string(pair) + "' " + std::string(why) +
          " (expected throttle=R, slowdown=R, unprocessed=R, error=R, drop=R, latency=MS, "
          "capacity=N or partition=N)");
}

}  // namespace

Result<FaultSpec> parse_fault_spec(std::string_view text) {
  FaultSpec spec;
  unsigned seen = 0;
  bool more = !text.empty();
  while (more) {
    const std::size_t comma = text.find(',');
    const std::string_view pair = text.substr(0, comma);
    more = comma != std::string_view::npos;  // "a=1," has an empty last pair: an error
    text = more ? text.substr(comma + 1) : std::string_view();
    const std::size_t equals = pair.find('=');
    if (equals == std::string_view::npos) return bad(pair, "is not name=value");
    const std::string_view name = pair.substr(0, equals);
    const std::string_view value = pair.substr(equals + 1);
    if (name == "latency") {
      long long ms = -1;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), ms);
      if (value.empty() || ec != std::errc() || end != value.data() + value.size() || ms < 0 ||
          ms > 60000) {
        return bad(pair, "needs whole milliseconds from 0 to 60000");
      }
      if (seen & 16u) return bad(pair, "is given twice");
      seen |= 16u;
      spec.latency = std::chrono::milliseconds(ms);
      continue;
    }
    if (name == "capacity" || name == "partition") {
      long long units = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), units);
      if (value.empty() || ec != std::errc() || end != value.data() + value.size() || units < 1 ||
          units > 1'000'000'000) {
        return bad(pair, "needs whole write units a second from 1 to 1000000000");
      }
      const unsigned unit_bit = name == "capacity" ? 64u : 128u;
      if (seen & unit_bit) return bad(pair, "is given twice");
      seen |= unit_bit;
      (name == "capacity" ? spec.capacity : spec.partition) = static_cast<double>(units);
      continue;
    }
    double* rate = nullptr;
    unsigned bit = 0;
    if (name == "throttle")
      rate = &spec.throttle, bit = 1;
    else if (name == "unprocessed")
      rate = &spec.unprocessed, bit = 2;
    else if (name == "error")
      rate = &spec.error, bit = 4;
    else if (name == "drop")
      rate = &spec.drop, bit = 8;
    else if (name == "slowdown")
      rate = &spec.slowdown, bit = 32;
    else
      return bad(pair, "names no fault");
    if (seen & bit) return bad(pair, "is given twice");
    seen |= bit;
    double parsed = -1;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
    if (value.empty() || ec != std::errc() || end != value.data() + value.size() ||
        !std::isfinite(parsed) || parsed < 0 || parsed > 1) {
      return bad(pair, "needs a rate from 0 to 1");
    }
    *rate = parsed;
  }
  return spec;
}

bool FaultInjector::roll(double rate) {
  if (rate <= 0) return false;
  if (rate >= 1) return true;
  std::lock_guard<std::mutex> lock(mutex_);
  return std::uniform_real_distribution<double>(0.0, 1.0)(random_) < rate;
}

}  // namespace csv2ddb::local
