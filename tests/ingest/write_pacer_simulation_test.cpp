// WritePacer against simulated tables, in simulated time (ManualClock): one that refuses
// requests at random whatever the rate (--fault throttle=0.5: the rate is not the cause, so
// cutting it only starves the load), one with a fixed capacity (--fault capacity=N: the rate
// is the cause, so the pacer must come down to it), both met by requests one after another
// (32 lanes, 10 ms a request, 25 units each: unpaced, 80,000 units a second are offered); and
// lanes in flight at once against a capacity, one writer or several (LanesAgainstCapacity), as
// a run's lanes and a fanned-out import's workers meet it.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <queue>
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

// A token bucket of `capacity` units a second holding one second, as --fault capacity=N: a
// request is refused when the bucket cannot pay all of it.
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

// Lanes in flight against a table that takes C units a second, as the lanes of a run meet
// `csv2ddb local --fault capacity=C`: each lane reserves its turn with the pacer and waits for
// it (a cut while it waits sends it back to reserve again), its request reaches the table half
// a latency later, where BatchWriteItem takes as many of its items as the bucket holds (one
// unit each) and returns the rest as UnprocessedItems, and the answer comes back after the
// latency. Items not taken are retried after the lanes' backoff for throttling (jittered, from
// 1 s, doubling). Events in time order, in simulated time.
class LanesAgainstCapacity {
 public:
  // `writers`: pacers (fanned-out workers), each with `lanes` lanes.
  LanesAgainstCapacity(double capacity, int lanes, microseconds latency, int writers = 1)
      : capacity_(capacity),
        tokens_(capacity),
        lanes_(lanes),
        latency_(latency),
        writers_(writers) {}

  // Runs `seconds`; returns the units accepted a second and the throttled share of the
  // requests, both over the second half.
  Outcome run(double seconds) {
    SetClock clock;
    std::vector<std::unique_ptr<WritePacer>> pacers;
    for (int writer = 0; writer < writers_; ++writer) {
      pacers.push_back(std::make_unique<WritePacer>(PacerConfig{}, clock, clock));
      for (int lane = 0; lane < lanes_; ++lane)
        events_.push(Event{.units = kUnits, .writer = writer});
    }
    const auto end = microseconds(static_cast<std::int64_t>(seconds * 1e6));
    while (!events_.empty() && events_.top().at < end) {
      Event event = events_.top();
      events_.pop();
      clock.now_ = event.at;
      step(*pacers[event.writer], event, event.sent_at >= end / 2);
    }
    return Outcome{accepted_ / (seconds / 2), requests_ > 0 ? throttled_ / requests_ : 0};
  }

 private:
  // A clock the events set, and waits that only say how long: the lane's next event is
  // scheduled at the end of its wait instead.
  class SetClock final : public Clock, public Sleeper {
   public:
    microseconds now() override { return now_; }
    void sleep(microseconds /*duration*/) override {}
    microseconds now_{0};
  };
  enum class Step : std::uint8_t { kReserve, kSend, kArrive, kAnswer };
  struct Event {
    microseconds at{0};
    Step step = Step::kReserve;
    std::uint32_t units = 0;  // of the request
    int attempt = 1;
    WritePacer::Slot slot{};
    microseconds sent_at{0};
    std::uint32_t taken = 0;  // by the table
    int writer = 0;
  };
  struct Later {
    bool operator()(const Event& a, const Event& b) const { return a.at > b.at; }
  };

  void step(WritePacer& pacer, Event event, bool counted) {
    switch (event.step) {
      case Step::kReserve:
        event.slot = pacer.reserve(event.units);
        event.at = event.slot.sent_at;
        event.step = Step::kSend;
        break;
      case Step::kSend:
        event.step = pacer.confirm(event.slot) ? Step::kArrive : Step::kReserve;
        event.sent_at = event.slot.sent_at;
        if (event.step == Step::kArrive) event.at += latency_ / 2;
        break;
      case Step::kArrive:
        event.taken = take(event.at, event.units);
        event.at = event.sent_at + latency_;
        event.step = Step::kAnswer;
        break;
      case Step::kAnswer:
        answer(pacer, event, counted);
        break;
    }
    events_.push(event);
  }

  std::uint32_t take(microseconds now, std::uint32_t units) {
    const double elapsed = static_cast<double>((now - table_time_).count()) / 1e6;
    table_time_ = now;
    tokens_ = std::min(capacity_, tokens_ + elapsed * capacity_);
    const auto taken = static_cast<std::uint32_t>(std::min<double>(units, std::floor(tokens_)));
    tokens_ -= taken;
    return taken;
  }

  // Tells the pacer, counts, and turns `event` into the lane's next request.
  void answer(WritePacer& pacer, Event& event, bool counted) {
    const bool refused = event.taken < event.units;
    if (refused) {
      pacer.on_throttle(event.sent_at, event.taken);
    } else {
      pacer.on_success(event.taken);
    }
    if (counted) {
      requests_ += 1;
      throttled_ += refused ? 1 : 0;
      accepted_ += event.taken;
    }
    Event next{.at = event.at, .units = kUnits, .writer = event.writer};
    if (refused) {
      const double cap = std::min(20.0, std::pow(2.0, event.attempt - 1));
      const double delay = std::uniform_real_distribution<double>(0, cap)(random_);
      next.at += microseconds(static_cast<std::int64_t>(delay * 1e6));
      next.units = event.units - event.taken;
      next.attempt = event.attempt + 1;
    }
    event = next;
  }

  double capacity_;
  double tokens_;
  microseconds table_time_{0};
  int lanes_;
  microseconds latency_;
  int writers_;
  std::mt19937 random_{1};
  std::priority_queue<Event, std::vector<Event>, Later> events_;
  double accepted_ = 0, requests_ = 0, throttled_ = 0;
};

// The capacity proof of fan-out (issue 19) in simulated time: at 1,000, 5,000 and 20,000 units
// a second, 32 lanes settle at the capacity with at most 2% of their requests throttled. The
// SDKs' fixed curve probed a slow table every few seconds (16% throttled at 1,000), and the
// requests queued before a cut kept overloading it for most of a second after.
TEST(WritePacerSimulation, LanesSettleAtTheCapacityWithFewThrottles) {
  for (const double capacity : {1000.0, 5000.0, 20000.0}) {
    for (const microseconds latency : {microseconds(3'000), microseconds(10'000)}) {
      const Outcome outcome = LanesAgainstCapacity(capacity, 32, latency).run(120);
      EXPECT_GE(outcome.accepted_per_second, 0.95 * capacity) << capacity << " " << latency.count();
      EXPECT_LE(outcome.throttled_share, 0.02) << capacity << " " << latency.count();
    }
  }
}

// The same for the workers of a fanned-out import: four writers of 16 lanes, each with its own
// pacer, sharing one table's capacity without telling each other.
TEST(WritePacerSimulation, WritersSharingATableSettleAtItsCapacity) {
  for (const double capacity : {1000.0, 5000.0, 20000.0}) {
    const Outcome outcome = LanesAgainstCapacity(capacity, 16, microseconds(5'000), 4).run(120);
    EXPECT_GE(outcome.accepted_per_second, 0.95 * capacity) << capacity;
    EXPECT_LE(outcome.throttled_share, 0.02) << capacity;
  }
}

}  // namespace
}  // namespace csv2ddb::ingest
