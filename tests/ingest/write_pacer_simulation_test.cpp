// WritePacer against two simulated tables, in simulated time (ManualClock): one that refuses
// requests at random whatever the rate (--fault throttle=0.5: the rate is not the cause, so
// cutting it only starves the load) and one with a fixed capacity (--fault capacity=N: the rate
// is the cause, so the pacer must come down to it). 32 lanes, 10 ms a request, 25 units each:
// unpaced, 80,000 units a second are offered.
#include <gtest/gtest.h>

#include <random>

#include "ingest/write_pacer.hpp"

namespace csv2ddb::ingest {
namespace {

using std::chrono::microseconds;

constexpr int kLanes = 32;
constexpr microseconds kLatency{10'000};
constexpr std::uint32_t kUnits = 25;

struct Outcome {
  double accepted_per_second = 0;  // over the second half of the run
  double throttled_share = 0;      // of the requests in the second half
};

// Requests one after another, each taking kLatency / kLanes of the clock (the lanes' share),
// for `seconds` of simulated time. `refuses(now)` says whether the table throttles a request.
template <typename Refuses>
Outcome simulate(bool adaptive, double seconds, Refuses refuses) {
  ManualClock clock;
  PacerConfig config;
  config.adaptive = adaptive;
  WritePacer pacer(config, clock, clock);
  const auto end = microseconds(static_cast<std::int64_t>(seconds * 1e6));
  const auto half = end / 2;
  double accepted = 0, requests = 0, throttled = 0;
  while (clock.now() < end) {
    const microseconds sent_at = pacer.acquire(kUnits);
    clock.advance(kLatency / kLanes);
    const bool refused = refuses(sent_at);
    if (refused) {
      pacer.on_throttle(sent_at, 0);
    } else {
      pacer.on_success(kUnits);
    }
    if (sent_at >= half) {
      requests += 1;
      throttled += refused ? 1 : 0;
      accepted += refused ? 0 : kUnits;
    }
  }
  return Outcome{accepted / (seconds / 2), requests > 0 ? throttled / requests : 0};
}

TEST(WritePacerSimulation, RandomRefusalsDoNotStarveTheLoad) {
  std::mt19937 random(7);
  auto coin = [&random](microseconds) { return std::bernoulli_distribution(0.5)(random); };
  const Outcome fixed = simulate(false, 60, coin);
  const Outcome adaptive = simulate(true, 60, coin);
  // At most twice the time of fixed concurrency: at least half its accepted rate.
  EXPECT_GE(adaptive.accepted_per_second, 0.5 * fixed.accepted_per_second)
      << "fixed " << fixed.accepted_per_second << " adaptive " << adaptive.accepted_per_second;
}

// A token bucket of `capacity` units a second holding one second, as --fault capacity=N.
class CapacityTable {
 public:
  explicit CapacityTable(double capacity) : capacity_(capacity), tokens_(capacity) {}
  bool refuses(microseconds now) {
    const double elapsed = static_cast<double>((now - last_).count()) / 1e6;
    last_ = now;
    tokens_ = std::min(capacity_, tokens_ + elapsed * capacity_);
    if (tokens_ < kUnits) return true;
    tokens_ -= kUnits;
    return false;
  }

 private:
  double capacity_;
  double tokens_;
  microseconds last_{0};
};

TEST(WritePacerSimulation, AFixedCapacityStillCutsTheRate) {
  CapacityTable fixed_table(5000), adaptive_table(5000);
  const Outcome fixed =
      simulate(false, 60, [&](microseconds now) { return fixed_table.refuses(now); });
  const Outcome adaptive =
      simulate(true, 60, [&](microseconds now) { return adaptive_table.refuses(now); });
  EXPECT_GT(fixed.throttled_share, 0.9);  // unpaced, nearly every request is refused
  EXPECT_LT(adaptive.throttled_share, 0.1) << adaptive.throttled_share;
  EXPECT_GE(adaptive.accepted_per_second, 0.8 * 5000) << adaptive.accepted_per_second;
}

}  // namespace
}  // namespace csv2ddb::ingest
