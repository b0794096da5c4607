// WritePacer with a ManualClock: exact spacing under --max-wcu, the adaptive cut on throttling
// and CUBIC's regrowth, all in simulated time.
#include "ingest/write_pacer.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <thread>
#include <vector>

namespace csv2ddb::ingest {
namespace {

using std::chrono::microseconds;

TEST(WriteUnits, OnePerStartedKilobyte) {
  EXPECT_EQ(write_units(0), 1u);
  EXPECT_EQ(write_units(1), 1u);
  EXPECT_EQ(write_units(1024), 1u);
  EXPECT_EQ(write_units(1025), 2u);
  EXPECT_EQ(write_units(400 * 1024), 400u);
}

TEST(WritePacer, MaxWcuSpacesRequestsByTheirUnits) {
  ManualClock clock;
  PacerConfig config;
  config.max_wcu = 100;
  config.adaptive = false;
  WritePacer pacer(config, clock, clock);
  std::vector<std::int64_t> sent_at;
  for (int i = 0; i < 6; ++i) {
    pacer.acquire(25);
    sent_at.push_back(clock.now().count());
  }
  // 25 units at 100 WCU/s: one request every 250 ms, the first at once.
  EXPECT_EQ(sent_at, (std::vector<std::int64_t>{0, 250000, 500000, 750000, 1000000, 1250000}));
  EXPECT_DOUBLE_EQ(pacer.rate(), 100);
}

TEST(WritePacer, NoSavedUpBurstAfterIdle) {
  ManualClock clock;
  PacerConfig config;
  config.max_wcu = 100;
  config.adaptive = false;
  WritePacer pacer(config, clock, clock);
  pacer.acquire(50);  // at 0, paid until 0.5 s
  clock.advance(microseconds(3'000'000));
  pacer.acquire(50);  // at 3 s: no wait
  EXPECT_EQ(clock.now().count(), 3'000'000);
  pacer.acquire(50);  // waits for the previous request's units: 0.5 s
  EXPECT_EQ(clock.now().count(), 3'500'000);
}

TEST(WritePacer, UnlimitedUntilTheFirstThrottle) {
  ManualClock clock;
  WritePacer pacer(PacerConfig{}, clock, clock);
  for (int i = 0; i < 100; ++i) pacer.acquire(25);
  EXPECT_EQ(clock.now().count(), 0);
  EXPECT_FALSE(pacer.adaptive_engaged());
  EXPECT_EQ(pacer.rate(), 0);
}

TEST(WritePacer, ThrottleCutsToBetaOfMeasuredRateThenCubicRegrowth) {
  ManualClock clock;
  PacerConfig config;
  config.recovery = microseconds(4'000'000);  // c = 160 * 0.3 / 4^3 = 0.75
  config.min_rate = 10;
  WritePacer pacer(config, clock, clock);
  pacer.acquire(100);                    // bucket 0: 100 units
  clock.advance(microseconds(500'000));  // bucket 1 opens: measured = 0.8 * 100 / 0.5 = 160
  pacer.acquire(100);
  EXPECT_DOUBLE_EQ(pacer.measured_rate(), 160);
  pacer.on_throttle();
  EXPECT_TRUE(pacer.adaptive_engaged());
  EXPECT_DOUBLE_EQ(pacer.rate(), 0.7 * 160);
  // Right after the throttle CUBIC's curve is at beta * W_max too.
  pacer.on_success();
  EXPECT_NEAR(pacer.rate(), 112, 1e-9);
  // K = 4 s later it is back at W_max (within 2x measured).
  clock.advance(microseconds(4'000'000));
  pacer.on_success();
  EXPECT_NEAR(pacer.rate(), 160, 1e-3);
  // Two seconds beyond K: W_max + 0.75 * 2^3 = 166.
  clock.advance(microseconds(2'000'000));
  pacer.on_success();
  EXPECT_NEAR(pacer.rate(), 166, 1e-3);
}

TEST(WritePacer, ThrottleInTheFirstMeasuringBucketCutsFromWhatWasSent) {
  ManualClock clock;
  PacerConfig config;
  config.min_rate = 10;
  WritePacer pacer(config, clock, clock);
  for (int i = 0; i < 8; ++i) pacer.acquire(25);  // 200 units in 100 ms: 2000 WCU/s
  clock.advance(microseconds(100'000));
  EXPECT_EQ(pacer.measured_rate(), 0);  // no bucket closed yet
  pacer.on_throttle();
  EXPECT_DOUBLE_EQ(pacer.rate(), 0.7 * 2000);  // not the floor
}

TEST(WritePacer, OneCutPerIntervalAndNoneForRequestsSentBeforeIt) {
  ManualClock clock;
  PacerConfig config;
  config.min_rate = 10;
  config.min_answers_to_judge = 1;  // the interval alone decides here
  WritePacer pacer(config, clock, clock);
  std::vector<microseconds> sent;
  for (int i = 0; i < 8; ++i) sent.push_back(pacer.acquire(25));
  clock.advance(microseconds(100'000));
  // Eight lanes' answers to requests sent at the old rate: one cut, not eight.
  for (const microseconds at : sent) pacer.on_throttle(at);
  EXPECT_DOUBLE_EQ(pacer.rate(), 1400);
  // Sent after the cut, but answered within the interval (1 s): the table's second is not
  // over, no second cut.
  const microseconds after = pacer.acquire(25);
  clock.advance(microseconds(10'000));
  pacer.on_throttle(after);
  EXPECT_DOUBLE_EQ(pacer.rate(), 1400);
  // Throttled again a second after the cut: cut to beta of what was sent, 250 units so far.
  const microseconds later = pacer.acquire(25);
  clock.advance(microseconds(1'000'000));
  pacer.on_throttle(later);
  EXPECT_NEAR(pacer.rate(), 0.7 * 250 / (static_cast<double>(clock.now().count()) / 1e6), 1e-9);
}

TEST(WritePacer, CutIsBoundedByWhatTheTableAccepted) {
  ManualClock clock;
  PacerConfig config;
  config.min_rate = 10;
  WritePacer pacer(config, clock, clock);
  // 400 units sent in 100 ms (4000 WCU/s); the table took 100 of them (1000 WCU/s).
  std::vector<microseconds> sent;
  for (int i = 0; i < 16; ++i) sent.push_back(pacer.acquire(25));
  clock.advance(microseconds(100'000));
  for (int i = 0; i < 4; ++i) pacer.on_success(25);
  for (int i = 4; i < 16; ++i) pacer.on_throttle(sent[static_cast<std::size_t>(i)], 0);
  EXPECT_DOUBLE_EQ(pacer.rate(), 0.7 * 1000);
}

TEST(WritePacer, RateNeverBelowTheFloorNorAboveTheCap) {
  ManualClock clock;
  PacerConfig config;
  config.max_wcu = 50;
  config.min_rate = 10;
  WritePacer pacer(config, clock, clock);
  EXPECT_DOUBLE_EQ(pacer.rate(), 50);  // the cap holds before any throttle
  for (int i = 0; i < 20; ++i) pacer.on_throttle();
  EXPECT_DOUBLE_EQ(pacer.rate(), 10);
}

TEST(WritePacer, SharedByThreadsTheCapStillHolds) {
  ManualClock clock;
  PacerConfig config;
  config.max_wcu = 1000;
  config.adaptive = false;
  WritePacer pacer(config, clock, clock);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) pacer.acquire(10);
    });
  }
  for (auto& thread : threads) thread.join();
  // 2000 units at 1000/s: the reservations end at 2 s whatever the interleaving; the clock (the
  // sum of all sleeps) has moved at least the last request's wait.
  pacer.acquire(1);
  EXPECT_GE(clock.now().count(), 1'990'000);
}

}  // namespace
}  // namespace csv2ddb::ingest
