// The seams through which the engine and the AWS clients see time: a monotonic Clock and a
// Sleeper that waits. Injected everywhere time matters (retry backoff, pacing, checkpoint
// intervals), so tests drive both exactly with ManualClock.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace csv2ddb {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::microseconds now() = 0;
};

// How a thread waits (before a retry, for the pacer).
class Sleeper {
 public:
  virtual ~Sleeper() = default;
  virtual void sleep(std::chrono::microseconds duration) = 0;
};

// std::chrono::steady_clock since the process started, and std::this_thread::sleep_for.
Clock& default_clock();
Sleeper& default_sleeper();

// Simulated time for tests: sleep() advances now(). Thread-safe; with several threads sleeping,
// time is the sum of their sleeps, which is enough for counting what happens per second.
class ManualClock final : public Clock, public Sleeper {
 public:
  std::chrono::microseconds now() override { return std::chrono::microseconds(now_.load()); }
  void sleep(std::chrono::microseconds duration) override { now_ += duration.count(); }
  void advance(std::chrono::microseconds duration) { now_ += duration.count(); }

 private:
  std::atomic<std::int64_t> now_{0};
};

}  // namespace csv2ddb
