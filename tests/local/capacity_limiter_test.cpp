#include "local/capacity_limiter.hpp"

#include <gtest/gtest.h>

namespace csv2ddb::local {
namespace {

using std::chrono::milliseconds;
const CapacityLimiter::Time kStart{std::chrono::hours(1)};

TEST(CapacityLimiter, NoLimitTakesEverything) {
  CapacityLimiter limiter(0, 0);
  EXPECT_FALSE(limiter.enabled());
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(limiter.take(1, "a", 400));
}

TEST(CapacityLimiter, TableBucketHoldsOneSecondAndRefills) {
  CapacityLimiter limiter(100, 0);
  // Starts full: 100 units at once, then nothing more at the same instant.
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(limiter.take(1, "k" + std::to_string(i), 1, kStart));
  EXPECT_FALSE(limiter.take(1, "x", 1, kStart));
  // 10 ms refill 1 unit; a 2-unit write waits for 20 ms.
  EXPECT_FALSE(limiter.take(1, "x", 2, kStart + milliseconds(10)));
  EXPECT_TRUE(limiter.take(1, "x", 1, kStart + milliseconds(10)));
  EXPECT_TRUE(limiter.take(1, "x", 2, kStart + milliseconds(30)));
  // An idle spell saves up one second, never more.
  int taken = 0;
  while (limiter.take(1, "y", 1, kStart + std::chrono::seconds(60))) ++taken;
  EXPECT_EQ(taken, 100);
  // Another table has its own bucket.
  EXPECT_TRUE(limiter.take(2, "y", 1, kStart + std::chrono::seconds(60)));
}

TEST(CapacityLimiter, EachHashKeyHasItsOwnBucket) {
  CapacityLimiter limiter(0, 10);
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(limiter.take(1, "hot", 1, kStart));
  EXPECT_FALSE(limiter.take(1, "hot", 1, kStart));
  EXPECT_TRUE(limiter.take(1, "cold", 1, kStart));
  EXPECT_TRUE(limiter.take(2, "hot", 1, kStart));  // the same key value in another table
  EXPECT_TRUE(limiter.take(1, "hot", 1, kStart + milliseconds(100)));
}

TEST(CapacityLimiter, WriteNeedsBothBucketsAndTakesFromBoth) {
  CapacityLimiter limiter(15, 10);
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(limiter.take(1, "a", 1, kStart));
  EXPECT_FALSE(limiter.take(1, "a", 1, kStart));  // the key's bucket is empty
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter.take(1, "b", 1, kStart));
  EXPECT_FALSE(limiter.take(1, "c", 1, kStart));  // the table's is: 10 + 5 taken
}

TEST(CapacityLimiter, WriteLargerThanTheBucketGoesWhenFull) {
  CapacityLimiter limiter(5, 0);
  EXPECT_TRUE(limiter.take(1, "a", 8, kStart));  // full bucket: taken, 3 units in debt
  EXPECT_FALSE(limiter.take(1, "a", 1, kStart + milliseconds(600)));  // tokens 0
  EXPECT_TRUE(limiter.take(1, "a", 1, kStart + milliseconds(800)));   // tokens 1
}

TEST(CapacityLimiter, ForgetsFullBucketsOfManyKeys) {
  CapacityLimiter limiter(0, 1);
  // 70,000 keys written at once: all their buckets are busy, none can be forgotten yet.
  for (int i = 0; i < 70000; ++i) limiter.take(1, std::to_string(i), 1, kStart);
  EXPECT_EQ(limiter.tracked_partitions(), 70000u);
  // Two seconds later they are full again; once the map has doubled, they are forgotten.
  const auto later = kStart + std::chrono::seconds(2);
  for (int i = 0; i < 70000; ++i) EXPECT_TRUE(limiter.take(1, "n" + std::to_string(i), 1, later));
  EXPECT_EQ(limiter.tracked_partitions(), 70000u);  // the new keys only, not 140,000
  // A key forgotten behaves like a new one: full.
  EXPECT_TRUE(limiter.take(1, "5", 1, later));
  EXPECT_FALSE(limiter.take(1, "5", 1, later));
}

}  // namespace
}  // namespace csv2ddb::local
