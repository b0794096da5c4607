// The AWS SDKs' "standard" retry mode as its own unit, shared by the ingest engine (BatchWriteItem
// attempts and UnprocessedItems) and the AWS clients (src/aws), which reuse classify().
//
// What the SDKs and Tools reference guide and the 2026 retry update specify, and what we do:
// - Which failures are retried: throttling error codes, transient ones (5xx, timeouts,
//   connection errors). Validation, access and missing-resource errors are not.
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

namespace csv2ddb::ingest {

enum class ErrorClass : std::uint8_t {
  kThrottling,    // slow down: the service is protecting itself
  kTransient,     // 5xx, request timeouts, connection errors: likely to pass
  kNotRetryable,  // the request itself is wrong or not allowed: retrying cannot help
};

// Classifies a failed response. `http_status` 0 means no response at all (connection refused,
// reset, timeout), which is transient. The error code wins over the status where it is known
// (DynamoDB throttling comes as 400 ProvisionedThroughputExceededException).
ErrorClass classify(int http_status, std::string_view error_code);

struct RetryConfig {
  int max_attempts = 4;  // first attempt included
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

// How a lane waits before a retry. Injected so tests run instantly and record the delays.
class Sleeper {
 public:
  virtual ~Sleeper() = default;
  virtual void sleep(std::chrono::microseconds duration) = 0;
};

// Thread-safe process-wide defaults: a seeded Mersenne Twister and std::this_thread::sleep_for.
RandomSource& default_random_source();
Sleeper& default_sleeper();

// The token bucket. Thread-safe: every lane of a run (every request of a client) shares one.
class RetryQuota {
 public:
  explicit RetryQuota(const RetryConfig& config);
  // Takes the cost of retrying after an error of `error_class`; returns the cost taken, or -1
  // when the bucket cannot pay (then do not retry).
  int acquire(ErrorClass error_class);
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

  // After attempt number `attempts_made` (1-based) failed with `error_class`: retry or not,
  // and after how long. Takes tokens from the quota when it says retry.
  RetryDecision after_failure(int attempts_made, ErrorClass error_class);
  void after_success(int last_retry_cost) { quota_.on_success(last_retry_cost); }

  // The jittered delay before retry `retry_number` (1-based); pure apart from the random draw.
  std::chrono::microseconds backoff(int retry_number, ErrorClass error_class);

  const RetryConfig& config() const { return config_; }
  RetryQuota& quota() { return quota_; }

 private:
  RetryConfig config_;
  RandomSource& random_;
  RetryQuota quota_;
};

}  // namespace csv2ddb::ingest
