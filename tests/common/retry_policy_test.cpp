// RetryPolicy: exact delays with a fixed random source, and the quota.
#include "common/retry_policy.hpp"

#include <gtest/gtest.h>

#include "common/client_rate_limiter.hpp"

namespace csv2ddb {
namespace {

using std::chrono::microseconds;

class FixedRandom final : public RandomSource {
 public:
  explicit FixedRandom(double value) : value_(value) {}
  double uniform() override { return value_; }

 private:
  double value_;
};

TEST(RetryPolicy, DefaultsMatchTheSdkStandardModeForDynamoDB) {
  const RetryConfig config;
  EXPECT_EQ(config.max_attempts, 4);  // the first try and the reference's 3 retries
  EXPECT_EQ(config.transient_base, microseconds(25'000));
  EXPECT_EQ(config.throttling_base, microseconds(1'000'000));
  EXPECT_EQ(config.max_backoff, microseconds(20'000'000));
  EXPECT_EQ(config.quota_initial, 500);
}

TEST(RetryPolicy, FullJitterExponentialBackoffCapped) {
  FixedRandom half(0.5);
  RetryPolicy policy(RetryConfig{}, half);
  EXPECT_EQ(policy.backoff(1, RetryClass::kThrottling), microseconds(500'000));
  EXPECT_EQ(policy.backoff(2, RetryClass::kThrottling), microseconds(1'000'000));
  EXPECT_EQ(policy.backoff(3, RetryClass::kThrottling), microseconds(2'000'000));
  EXPECT_EQ(policy.backoff(5, RetryClass::kThrottling), microseconds(8'000'000));
  EXPECT_EQ(policy.backoff(6, RetryClass::kThrottling), microseconds(10'000'000));  // 16 s * 0.5
  EXPECT_EQ(policy.backoff(7, RetryClass::kThrottling), microseconds(10'000'000));  // capped 20 s
  EXPECT_EQ(policy.backoff(200, RetryClass::kThrottling), microseconds(10'000'000));
  EXPECT_EQ(policy.backoff(1, RetryClass::kTransient), microseconds(12'500));
  EXPECT_EQ(policy.backoff(3, RetryClass::kTransient), microseconds(50'000));

  FixedRandom zero(0.0);
  RetryPolicy no_wait(RetryConfig{}, zero);
  EXPECT_EQ(no_wait.backoff(4, RetryClass::kThrottling), microseconds(0));
  FixedRandom almost_one(0.999999);
  RetryPolicy most(RetryConfig{}, almost_one);
  EXPECT_EQ(most.backoff(1, RetryClass::kTransient), microseconds(24'999));
}

TEST(RetryPolicy, StopsAfterMaxAttempts) {
  FixedRandom half(0.5);
  RetryPolicy policy(RetryConfig{}, half);
  RetryDecision first = policy.after_failure(1, RetryClass::kThrottling);
  EXPECT_TRUE(first.retry);
  EXPECT_EQ(first.delay, microseconds(500'000));
  EXPECT_EQ(first.cost, 5);
  EXPECT_TRUE(policy.after_failure(2, RetryClass::kTransient).retry);
  RetryDecision third = policy.after_failure(3, RetryClass::kTransient);
  EXPECT_TRUE(third.retry);
  EXPECT_EQ(third.delay, microseconds(50'000));
  EXPECT_EQ(third.cost, 14);
  EXPECT_FALSE(policy.after_failure(4, RetryClass::kThrottling).retry);
  EXPECT_EQ(policy.quota().available(), 500 - 5 - 14 - 14);
}

TEST(RetryPolicy, NotRetryableIsNeverRetriedAndCostsNothing) {
  FixedRandom half(0.5);
  RetryPolicy policy(RetryConfig{}, half);
  EXPECT_FALSE(policy.after_failure(1, RetryClass::kNone).retry);
  EXPECT_EQ(policy.quota().available(), 500);
}

TEST(RetryQuota, ExhaustionStopsRetriesAndSuccessRefills) {
  RetryConfig config;
  config.quota_initial = 30;
  FixedRandom half(0.5);
  RetryPolicy policy(config, half);
  EXPECT_EQ(policy.after_failure(1, RetryClass::kTransient).cost, 14);   // 16 left
  EXPECT_EQ(policy.after_failure(1, RetryClass::kTransient).cost, 14);   // 2 left
  EXPECT_FALSE(policy.after_failure(1, RetryClass::kTransient).retry);   // 14 > 2
  EXPECT_FALSE(policy.after_failure(1, RetryClass::kThrottling).retry);  // 5 > 2
  EXPECT_EQ(policy.quota().available(), 2);
  policy.after_success(14);  // a retry that succeeded gives its cost back
  EXPECT_EQ(policy.quota().available(), 16);
  policy.after_success(0);  // a first-try success adds 1
  EXPECT_EQ(policy.quota().available(), 17);
  for (int i = 0; i < 100; ++i) policy.after_success(0);
  EXPECT_EQ(policy.quota().available(), 30);  // never above the initial amount
  EXPECT_TRUE(policy.after_failure(1, RetryClass::kThrottling).retry);
}

TEST(RetryPolicy, LegacyModeDoublesFromFiftyMillisecondsWithoutJitterOrQuota) {
  FixedRandom half(0.5);
  RetryConfig config;
  config.strategy = RetryStrategy::kLegacy;
  config.max_attempts = 6;
  config.quota_initial = 0;  // a standard-mode policy could not retry at all
  RetryPolicy policy(config, half);
  for (int attempt = 1; attempt < 6; ++attempt) {
    RetryDecision decision = policy.after_failure(attempt, RetryClass::kThrottling);
    ASSERT_TRUE(decision.retry) << attempt;
    EXPECT_EQ(decision.delay, microseconds(50'000LL << (attempt - 1))) << attempt;
  }
  EXPECT_FALSE(policy.after_failure(6, RetryClass::kTransient).retry);
}

TEST(ClientRateLimiter, OffUntilThrottledThenSlowsAndRecovers) {
  using Clock = ClientRateLimiter::Clock;
  ClientRateLimiter limiter;
  Clock::time_point t{};
  // 100 requests a second, unthrottled: never waits.
  for (int i = 0; i < 100; ++i) {
    t += std::chrono::milliseconds(10);
    EXPECT_EQ(limiter.reserve(t), microseconds(0));
    limiter.on_response(false, t);
  }
  EXPECT_FALSE(limiter.enabled());
  limiter.on_response(true, t);  // throttled at about 100/s: 70/s from now on
  ASSERT_TRUE(limiter.enabled());
  EXPECT_NEAR(limiter.fill_rate(), 70.0, 3.0);
  // The bucket starts empty: back-to-back requests queue one token's time apart.
  const double token = 1e6 / limiter.fill_rate();
  EXPECT_NEAR(static_cast<double>(limiter.reserve(t).count()), token, 10.0);
  EXPECT_NEAR(static_cast<double>(limiter.reserve(t).count()), 2 * token, 10.0);
  double before = limiter.fill_rate();
  t += std::chrono::milliseconds(30);
  limiter.on_response(false, t);
  EXPECT_GT(limiter.fill_rate(), before);
}

}  // namespace
}  // namespace csv2ddb
