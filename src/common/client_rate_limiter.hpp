// The client-side rate limiting of the SDKs' "adaptive" retry mode, for the calls the writer's
// pacer does not pace (S3, Lambda, DescribeTable): off until the service throttles; then the
// send rate drops to 70% of the rate measured when it throttled and climbs back by 5% (at
// least half a request a second) per success, never past twice the measured rate. A simpler
// curve than the SDKs' CUBIC, with the same shape: back off hard, recover gradually.
#pragma once

#include <chrono>
#include <mutex>

namespace csv2ddb {

class ClientRateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  // Takes a token; returns how long to wait before sending (zero while not throttled).
  std::chrono::microseconds reserve(Clock::time_point now = Clock::now());
  void on_response(bool throttled, Clock::time_point now = Clock::now());

  bool enabled() const;
  double fill_rate() const;  // requests a second

 private:
  void measure(Clock::time_point now);

  mutable std::mutex mutex_;
  bool enabled_ = false;
  double fill_rate_ = 0;
  double tokens_ = 0;
  Clock::time_point last_refill_{};
  double measured_rate_ = 0;  // requests a second over the last half second
  int window_count_ = 0;
  Clock::time_point window_start_{};
};

}  // namespace csv2ddb
