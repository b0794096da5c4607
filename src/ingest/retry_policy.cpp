#include "ingest/retry_policy.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <random>
#include <thread>

namespace csv2ddb::ingest {
namespace {

// Error codes the SDKs treat as throttling (standard mode's list, plus DynamoDB's own).
constexpr std::array<std::string_view, 14> kThrottlingCodes = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "EC2ThrottledException",
    "ThrottlingError",
};

constexpr std::array<std::string_view, 13> kTransientCodes = {
    "RequestTimeout",
    "RequestTimeoutException",
    "PriorRequestNotComplete",
    "InternalError",
    "InternalServerError",
    "InternalFailure",
    "ServiceUnavailable",
    "ServiceUnavailableException",
    "IDPCommunicationError",
    "ConnectionRefused",
    "ConnectionReset",
    "ConnectionFailed",
    "DnsFailure",
};

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& codes, std::string_view code) {
  return std::find(codes.begin(), codes.end(), code) != codes.end();
}

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

class ThreadSleeper final : public Sleeper {
 public:
  void sleep(std::chrono::microseconds duration) override { std::this_thread::sleep_for(duration); }
};

}  // namespace

ErrorClass classify(int http_status, std::string_view error_code) {
  if (contains(kThrottlingCodes, error_code)) return ErrorClass::kThrottling;
  if (contains(kTransientCodes, error_code)) return ErrorClass::kTransient;
  if (http_status == 429) return ErrorClass::kThrottling;
  if (http_status == 0 || http_status == 500 || http_status == 502 || http_status == 503 ||
      http_status == 504) {
    return ErrorClass::kTransient;
  }
  return ErrorClass::kNotRetryable;
}

RandomSource& default_random_source() {
  static MersenneRandom random;
  return random;
}

Sleeper& default_sleeper() {
  static ThreadSleeper sleeper;
  return sleeper;
}

RetryQuota::RetryQuota(const RetryConfig& config)
    : capacity_(config.quota_initial),
      available_(config.quota_initial),
      throttling_cost_(config.throttling_retry_cost),
      transient_cost_(config.transient_retry_cost),
      no_retry_increment_(config.no_retry_increment) {}

int RetryQuota::acquire(ErrorClass error_class) {
  const int cost = error_class == ErrorClass::kThrottling ? throttling_cost_ : transient_cost_;
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

std::chrono::microseconds RetryPolicy::backoff(int retry_number, ErrorClass error_class) {
  const std::chrono::microseconds base =
      error_class == ErrorClass::kThrottling ? config_.throttling_base : config_.transient_base;
  // base * 2^(n-1), computed in double so large n saturates at the cap instead of overflowing.
  const double exponential =
      static_cast<double>(base.count()) * std::ldexp(1.0, std::max(0, retry_number - 1));
  const double ceiling = std::min(exponential, static_cast<double>(config_.max_backoff.count()));
  return std::chrono::microseconds(
      static_cast<std::int64_t>(std::floor(random_.uniform() * ceiling)));
}

RetryDecision RetryPolicy::after_failure(int attempts_made, ErrorClass error_class) {
  RetryDecision decision;
  if (error_class == ErrorClass::kNotRetryable || attempts_made >= config_.max_attempts) {
    return decision;
  }
  const int cost = quota_.acquire(error_class);
  if (cost < 0) return decision;
  decision.cost = cost;
  decision.retry = true;
  decision.delay = backoff(attempts_made, error_class);
  return decision;
}

}  // namespace csv2ddb::ingest
