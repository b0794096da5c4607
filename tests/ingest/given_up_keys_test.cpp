#include "ingest/given_up_keys.hpp"

#include <gtest/gtest.h>

#include <string>

namespace csv2ddb::ingest {
namespace {

TEST(GivenUpKeys, RemembersExactlyWhatWasAdded) {
  GivenUpKeys keys(100000);
  EXPECT_TRUE(keys.empty());
  EXPECT_FALSE(keys.contains("a"));
  for (int i = 0; i < 50000; i += 2) keys.add("key" + std::to_string(i));
  keys.add("key0");  // again: no second entry
  EXPECT_FALSE(keys.empty());
  EXPECT_EQ(keys.size(), 25000u);
  for (int i = 0; i < 50000; ++i) {
    ASSERT_EQ(keys.contains("key" + std::to_string(i)), i % 2 == 0) << i;
  }
  EXPECT_FALSE(keys.saturated());
}

// Past its bound the set stops growing and counts every key as given up: memory stays bounded
// and the answer stays on the safe side (unprocessed/ rather than a later row overwritten).
TEST(GivenUpKeys, PastItsBoundEveryKeyCountsAsGivenUp) {
  GivenUpKeys keys(3);
  for (const char* key : {"a", "b", "c"}) keys.add(key);
  EXPECT_FALSE(keys.saturated());
  EXPECT_FALSE(keys.contains("never added"));
  keys.add("d");
  EXPECT_TRUE(keys.saturated());
  EXPECT_FALSE(keys.empty());
  EXPECT_TRUE(keys.contains("never added"));
  EXPECT_TRUE(keys.contains("a"));
}

}  // namespace
}  // namespace csv2ddb::ingest
