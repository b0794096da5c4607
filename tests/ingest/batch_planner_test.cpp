// BatchPlanner: the 25-item and 16 MB caps, and one key never twice in a batch.
#include "ingest/batch_planner.hpp"

#include <gtest/gtest.h>

namespace csv2ddb::ingest {
namespace {

PlannedItem planned(const std::string& key, std::size_t bytes = 100, std::uint64_t line = 0) {
  model::Item item;
  item.attributes.push_back({"k", model::AttributeValue::string(key)});
  PlannedItem planned = plan_item(item, model::parse_key_schema("k:S").value(), line);
  planned.request_bytes = bytes;
  return planned;
}

std::vector<std::string> keys_of(const Batch& batch) {
  std::vector<std::string> keys;
  for (const PlannedItem& item : batch.items) keys.push_back(item.item()->attributes[0].value.text);
  return keys;
}

// Feeds every item, collecting closed batches; take_full after each add, flush at the end.
std::vector<Batch> plan(BatchPlanner& planner, std::vector<PlannedItem> items) {
  std::vector<Batch> batches;
  for (PlannedItem& item : items) {
    if (auto closed = planner.add(std::move(item))) batches.push_back(std::move(*closed));
    if (auto full = planner.take_full()) batches.push_back(std::move(*full));
  }
  if (auto last = planner.flush()) batches.push_back(std::move(*last));
  return batches;
}

TEST(BatchPlanner, AtMost25Items) {
  BatchPlanner planner;
  std::vector<PlannedItem> items;
  for (int i = 0; i < 60; ++i) items.push_back(planned("k" + std::to_string(i)));
  const std::vector<Batch> batches = plan(planner, std::move(items));
  ASSERT_EQ(batches.size(), 3u);
  EXPECT_EQ(batches[0].size(), 25u);
  EXPECT_EQ(batches[1].size(), 25u);
  EXPECT_EQ(batches[2].size(), 10u);
  EXPECT_EQ(keys_of(batches[0])[0], "k0");
  EXPECT_EQ(keys_of(batches[2])[9], "k59");
  EXPECT_EQ(batches[1].request_bytes, 2500u);
}

TEST(BatchPlanner, FullBatchIsHandedOverWithoutWaitingForTheNextItem) {
  BatchPlanner planner;
  for (int i = 0; i < 24; ++i) {
    EXPECT_FALSE(planner.add(planned("k" + std::to_string(i))));
    EXPECT_FALSE(planner.take_full());
  }
  EXPECT_FALSE(planner.add(planned("k24")));
  std::optional<Batch> full = planner.take_full();
  ASSERT_TRUE(full);
  EXPECT_EQ(full->size(), 25u);
  EXPECT_EQ(planner.pending_items(), 0u);
}

TEST(BatchPlanner, AtMost16MB) {
  BatchPlanner planner;
  const std::size_t five_mb = 5 * 1024 * 1024;
  std::vector<PlannedItem> items;
  for (int i = 0; i < 7; ++i) items.push_back(planned("k" + std::to_string(i), five_mb));
  const std::vector<Batch> batches = plan(planner, std::move(items));
  ASSERT_EQ(batches.size(), 3u);  // 3 x 5 MB fit in 16 MB, a fourth does not
  EXPECT_EQ(batches[0].size(), 3u);
  EXPECT_EQ(batches[1].size(), 3u);
  EXPECT_EQ(batches[2].size(), 1u);
  for (const Batch& batch : batches) EXPECT_LE(batch.request_bytes, 16u * 1024 * 1024);
}

TEST(BatchPlanner, ExactlyAtTheByteLimitStillFits) {
  BatchPlanner planner(BatchLimits{25, 1000});
  const std::vector<Batch> batches =
      plan(planner, {planned("a", 400), planned("b", 600), planned("c", 1)});
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_EQ(keys_of(batches[0]), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(keys_of(batches[1]), (std::vector<std::string>{"c"}));
}

TEST(BatchPlanner, RepeatedKeyClosesTheBatchSoTheLaterRowGoesLater) {
  BatchPlanner planner;
  const std::vector<Batch> batches =
      plan(planner, {planned("a", 1, 1), planned("b", 1, 2), planned("a", 1, 3), planned("c", 1, 4),
                     planned("a", 1, 5), planned("a", 1, 6)});
  ASSERT_EQ(batches.size(), 4u);
  EXPECT_EQ(keys_of(batches[0]), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(keys_of(batches[1]), (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(keys_of(batches[2]), (std::vector<std::string>{"a"}));
  EXPECT_EQ(keys_of(batches[3]), (std::vector<std::string>{"a"}));
  EXPECT_EQ(batches[1].items[0].line, 3u);
  EXPECT_EQ(batches[3].items[0].line, 6u);
}

TEST(BatchPlanner, NoBatchEverHoldsAKeyTwice) {
  BatchPlanner planner;
  std::vector<PlannedItem> items;
  for (int i = 0; i < 1000; ++i) items.push_back(planned("k" + std::to_string((i * 7) % 13)));
  std::size_t total = 0;
  for (const Batch& batch : plan(planner, std::move(items))) {
    std::vector<std::string> keys = keys_of(batch);
    std::sort(keys.begin(), keys.end());
    EXPECT_EQ(std::adjacent_find(keys.begin(), keys.end()), keys.end());
    EXPECT_LE(batch.size(), 25u);
    total += batch.size();
  }
  EXPECT_EQ(total, 1000u);
}

TEST(BatchPlanner, LaneForIsStableAndInRange) {
  EXPECT_EQ(lane_for(fingerprint_hash("anything"), 1), 0u);
  EXPECT_EQ(lane_for(fingerprint_hash("S:2:a1"), 8), lane_for(fingerprint_hash("S:2:a1"), 8));
  std::vector<int> used(8, 0);
  for (int i = 0; i < 800; ++i) {
    const std::size_t lane = lane_for(fingerprint_hash("key" + std::to_string(i)), 8);
    ASSERT_LT(lane, 8u);
    ++used[lane];
  }
  for (int count : used) EXPECT_GT(count, 0);  // every lane gets work
}

TEST(PlannedItem, RequestBytesAreWhatTheItemAddsToARequestBody) {
  model::Item item;
  item.attributes.push_back({"account", model::AttributeValue::string("a\"1")});
  item.attributes.push_back({"blob", model::AttributeValue::binary(std::string(3, 'b'))});
  const PlannedItem planned = plan_item(item, model::parse_key_schema("account:S").value(), 7);
  EXPECT_EQ(planned.item_json(), R"({"account":{"S":"a\"1"},"blob":{"B":"YmJi"}})");
  // ,{"PutRequest":{"Item":...}} around it in the body.
  EXPECT_EQ(planned.request_bytes, planned.item_json().size() + 25);
}

}  // namespace
}  // namespace csv2ddb::ingest
