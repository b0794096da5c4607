#include "common/retry_policy.hpp"

#include <algorithm>
#include <cmath>
#include <random>

namespace csv2ddb {
namespace {

class MersenneRandom final : public RandomSource {
 public:
  double uniform() override {
    std::lock_guard lock(mutex_);
    return distribution_(engine_);
  }

 private:
  std::mutex mutex_;
  std::mt19937_64 engine_{std::random_device{}()};
  std::uniform_real_distribution<double> distribution_{0.0, 1.0};
};

}  // namespace

std::string_view retry_class_name(RetryClass retry) {
  switch (retry) {
    case RetryClass::kNone:
      return "none";
    case RetryClass::kThrottling:
      return "throttling";
    case RetryClass::kTransient:
      return "transient";
    case RetryClass::kClockSkew:
      return "clock-skew";
  }
  return "none";
}

RandomSource& default_random_source() {
  static MersenneRandom random;
  return random;
}

RetryQuota::RetryQuota(const RetryConfig& config)
    : capacity_(config.quota_initial),
      available_(config.quota_initial),
      throttling_cost_(config.throttling_retry_cost),
      transient_cost_(config.transient_retry_cost),
      no_retry_increment_(config.no_retry_increment) {}

int RetryQuota::acquire(RetryClass retry_class) {
  const int cost = retry_class == RetryClass::kThrottling ? throttling_cost_ : transient_cost_;
  std::lock_guard lock(mutex_);
  if (cost > available_) return -1;
  available_ -= cost;
  return cost;
}

void RetryQuota::on_success(int retry_cost) {
  std::lock_guard lock(mutex_);
  available_ =
      std::min(capacity_, available_ + (retry_cost > 0 ? retry_cost : no_retry_increment_));
}

int RetryQuota::available() const {
  std::lock_guard lock(mutex_);
  return available_;
}

RetryPolicy::RetryPolicy(RetryConfig config, RandomSource& random)
    : config_(config), random_(random), quota_(config_) {}

std::chrono::microseconds RetryPolicy::backoff(int retry_number, RetryClass retry_class) {
  if (config_.strategy == RetryStrategy::kLegacy) {
    const double delay = static_cast<double>(config_.legacy_base.count()) *
                         std::ldexp(1.0, std::max(0, retry_number - 1));
    return std::chrono::microseconds(static_cast<std::int64_t>(
        std::min(delay, static_cast<double>(config_.max_backoff.count()))));
  }
  const std::chrono::microseconds base =
      retry_class == RetryClass::kThrottling ? config_.throttling_base : config_.transient_base;
  // base * 2^(n-1), computed in double so large n saturates at the cap instead of overflowing.
  const double exponential =
      static_cast<double>(base.count()) * std::ldexp(1.0, std::max(0, retry_number - 1));
  const double ceiling = std::min(exponential, static_cast<double>(config_.max_backoff.count()));
  return std::chrono::microseconds(
      static_cast<std::int64_t>(std::floor(random_.uniform() * ceiling)));
}

RetryDecision RetryPolicy::after_failure(int attempts_made, RetryClass retry_class) {
  RetryDecision decision;
  const bool retryable =
      retry_class == RetryClass::kThrottling || retry_class == RetryClass::kTransient;
  if (!retryable || attempts_made >= config_.max_attempts) return decision;
  // The legacy mode has no retry quota.
  const int cost = config_.strategy == RetryStrategy::kLegacy ? 0 : quota_.acquire(retry_class);
  if (cost < 0) return decision;
  decision.cost = cost;
  decision.retry = true;
  decision.delay = backoff(attempts_made, retry_class);
  return decision;
}

}  // namespace csv2ddb
