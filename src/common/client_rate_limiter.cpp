#include "common/client_rate_limiter.hpp"

#include <algorithm>

namespace csv2ddb {
namespace {

constexpr double kBeta = 0.7;     // the share of the measured rate kept after a throttle
constexpr double kMinRate = 0.5;  // requests a second
constexpr auto kWindow = std::chrono::milliseconds(500);

double seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

}  // namespace

void ClientRateLimiter::measure(Clock::time_point now) {
  if (window_start_ == Clock::time_point{}) window_start_ = now;
  ++window_count_;
  if (now - window_start_ >= kWindow) {
    measured_rate_ = window_count_ / seconds(now - window_start_);
    window_count_ = 0;
    window_start_ = now;
  }
}

std::chrono::microseconds ClientRateLimiter::reserve(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (!enabled_) return std::chrono::microseconds(0);
  tokens_ = std::min(std::max(1.0, fill_rate_), tokens_ + seconds(now - last_refill_) * fill_rate_);
  last_refill_ = now;
  tokens_ -= 1;
  if (tokens_ >= 0) return std::chrono::microseconds(0);
  return std::chrono::microseconds(static_cast<long long>(-tokens_ / fill_rate_ * 1e6));
}

void ClientRateLimiter::on_response(bool throttled, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  measure(now);
  const double measured = std::max(measured_rate_, kMinRate);
  if (throttled) {
    const double before = enabled_ ? std::min(measured, fill_rate_) : measured;
    fill_rate_ = std::max(kMinRate, before * kBeta);
    if (!enabled_) {
      last_refill_ = now;
      tokens_ = 0;
    }
    enabled_ = true;
    return;
  }
  if (enabled_) {
    fill_rate_ = std::min(fill_rate_ + std::max(kMinRate, fill_rate_ * 0.05), 2 * measured);
  }
}

bool ClientRateLimiter::enabled() const {
  std::lock_guard lock(mutex_);
  return enabled_;
}

double ClientRateLimiter::fill_rate() const {
  std::lock_guard lock(mutex_);
  return fill_rate_;
}

}  // namespace csv2ddb
