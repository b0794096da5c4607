// The AWS SDKs' "standard" retry mode as its own unit, shared by the ingest engine (BatchWriteItem
// attempts and UnprocessedItems) and the AWS clients (src/aws). Which wire errors are which
// RetryClass is decided in one table in src/aws (error_classification.hpp); this unit only
// knows the classes.
//
// What the SDKs and Tools reference guide and the 2026 retry update specify, and what we do:
// - Which failures are retried: throttling, transient ones (5xx, timeouts, connection errors).
//   Validation, access and missing-resource errors are not.
// - Backoff with full jitter: before retry n (n = 1, 2, ...) wait
//   random[0,1) * min(max_backoff, base * 2^(n-1)), base depending on the class of error:
//   for DynamoDB 25 ms for transient errors and 1 s for throttling, max_backoff 20 s.
// - Max attempts: 4 for DynamoDB (the first try and 3 retries, as the reference design retries).
// - A retry quota shared by every request of a client: 500 tokens; a retry costs 5 tokens
//   (throttling) or 14 (transient, including timeouts and connection errors); a successful
//   retry gives its cost back, a success on the first try adds 1 (up to the initial amount).
//   When the bucket cannot pay, the failure is final: in an outage we fail fast instead of
//   multiplying load. Every number is a RetryConfig field.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string_view>

#include "common/clock.hpp"

namespace csv2ddb {

// What retrying a failure can do for it.
enum class RetryClass : std::uint8_t {
  kNone,        // the request itself is wrong, or access is denied: retrying cannot help
  kThrottling,  // slow down, then retry (ProvisionedThroughputExceededException, SlowDown...)
  kTransient,   // 5xx, timeouts, dropped connections: retry with backoff
  kClockSkew,   // the local clock is off: correct it from the Date header, then retry
};

std::string_view retry_class_name(RetryClass retry);

// The SDKs' retry modes (AWS_RETRY_MODE, a profile's retry_mode):
//  - standard: full-jitter backoff and the retry quota (above);
//  - legacy: the older schedule, base * 2^(n-1) without jitter (DynamoDB's 50 ms base) and no
//    quota;
//  - adaptive: standard, plus client-side rate limiting of the calls (ClientRateLimiter) that
//    the writer's own pacer does not already pace.
enum class RetryStrategy : std::uint8_t { kStandard, kLegacy, kAdaptive };

struct RetryConfig {
  RetryStrategy strategy = RetryStrategy::kStandard;
  int max_attempts = 4;  // first attempt included
  std::chrono::microseconds legacy_base{50'000};
  std::chrono::microseconds transient_base{25'000};
  std::chrono::microseconds throttling_base{1'000'000};
  std::chrono::microseconds max_backoff{20'000'000};
  int quota_initial = 500;
  int throttling_retry_cost = 5;
  int transient_retry_cost = 14;
  int no_retry_increment = 1;
};

// Source of jitter: uniform in [0, 1). Injected so tests get exact delays.
class RandomSource {
 public:
  virtual ~RandomSource() = default;
  virtual double uniform() = 0;
};

// Thread-safe process-wide default: a seeded Mersenne Twister.
RandomSource& default_random_source();

// The token bucket. Thread-safe: every lane of a run (every request of a client) shares one.
class RetryQuota {
 public:
  explicit RetryQuota(const RetryConfig& config);
  // Takes the cost of retrying after an error of `retry_class`; returns the cost taken, or -1
  // when the bucket cannot pay (then do not retry).
  int acquire(RetryClass retry_class);
  // After a successful attempt: `retry_cost` is what the retry that succeeded had cost
  // (0 when the first attempt succeeded).
  void on_success(int retry_cost);
  int available() const;

 private:
  mutable std::mutex mutex_;
  int capacity_;
  int available_;
  int throttling_cost_;
  int transient_cost_;
  int no_retry_increment_;
};

struct RetryDecision {
  bool retry = false;
  std::chrono::microseconds delay{0};
  int cost = 0;  // tokens taken; give to RetryQuota::on_success if the retry succeeds
};

class RetryPolicy {
 public:
  RetryPolicy(RetryConfig config, RandomSource& random);

  // After attempt number `attempts_made` (1-based) failed with `retry_class`: retry or not,
  // and after how long. Takes tokens from the quota when it says retry. Only throttling and
  // transient failures are retried here (clock skew is the caller's to correct).
  RetryDecision after_failure(int attempts_made, RetryClass retry_class);
  void after_success(int last_retry_cost) { quota_.on_success(last_retry_cost); }

  // The jittered delay before retry `retry_number` (1-based); pure apart from the random draw.
  std::chrono::microseconds backoff(int retry_number, RetryClass retry_class);

  const RetryConfig& config() const { return config_; }
  RetryQuota& quota() { return quota_; }

 private:
  RetryConfig config_;
  RandomSource& random_;
  RetryQuota quota_;
};

}  // namespace csv2ddb
