// InMemoryTable: DynamoDB's batch validation, storage by key, and each knob.
#include "support/in_memory_table.hpp"

#include <gtest/gtest.h>

namespace csv2ddb::ingest {
namespace {

using Status = BatchWriteOutcome::Status;

model::KeySchema schema() {
  return model::parse_key_schema("account:S,offer_id:N").value();
}

model::Item item(const std::string& account, const std::string& offer, const std::string& v = "") {
  model::Item out;
  out.attributes.push_back({"account", model::AttributeValue::string(account)});
  out.attributes.push_back({"offer_id", model::AttributeValue::number(offer)});
  if (!v.empty()) out.attributes.push_back({"v", model::AttributeValue::string(v)});
  return out;
}

TEST(InMemoryTable, StoresByKeyLaterPutReplaces) {
  InMemoryTable table(schema(), "offers");
  EXPECT_EQ(table.batch_put("offers", {item("a", "1", "x"), item("b", "1")}).status, Status::kOk);
  EXPECT_EQ(table.batch_put("offers", {item("a", "1", "y")}).status, Status::kOk);
  EXPECT_EQ(table.size(), 2u);
  EXPECT_EQ(table.put_count(), 3u);
  const std::string key = model::key_fingerprint(item("a", "1"), schema());
  ASSERT_TRUE(table.get(key));
  EXPECT_EQ(*table.get(key), item("a", "1", "y"));
  EXPECT_EQ(table.describe_key_schema("offers")->hash.name, "account");
  EXPECT_EQ(table.describe_key_schema("nope").error().code, "ResourceNotFoundException");
}

TEST(InMemoryTable, ValidatesLikeDynamoDB) {
  InMemoryTable table(schema(), "offers");
  BatchWriteOutcome duplicate = table.batch_put("offers", {item("a", "1"), item("a", "1.0")});
  EXPECT_EQ(duplicate.status, Status::kInvalid);
  EXPECT_EQ(duplicate.error_code, "ValidationException");
  EXPECT_EQ(duplicate.error_message, "Provided list of item keys contains duplicates");

  std::vector<model::Item> many;
  for (int i = 0; i < 26; ++i) many.push_back(item("a", std::to_string(i)));
  BatchWriteOutcome too_many = table.batch_put("offers", many);
  EXPECT_EQ(too_many.status, Status::kInvalid);
  EXPECT_EQ(too_many.error_message,
            "1 validation error detected: Value at 'requestItems' failed to satisfy constraint: "
            "Map value must satisfy constraint: [Member must have length less than or equal to "
            "25]");

  model::Item keyless;
  keyless.attributes.push_back({"account", model::AttributeValue::string("a")});
  BatchWriteOutcome missing = table.batch_put("offers", {keyless});
  EXPECT_EQ(missing.status, Status::kInvalid);
  EXPECT_EQ(missing.error_message,
            "One or more parameter values were invalid: key attribute 'offer_id' is missing");

  BatchWriteOutcome no_table = table.batch_put("other", {item("a", "1")});
  EXPECT_EQ(no_table.status, Status::kFatal);
  EXPECT_EQ(no_table.error_code, "ResourceNotFoundException");
  EXPECT_EQ(table.size(), 0u);
  EXPECT_EQ(table.call_count(), 4u);
}

TEST(InMemoryTable, ScriptedFailuresByCallNumber) {
  InMemoryTable table(schema(), "offers");
  table.fail_call(1);
  table.fail_call(3, {Status::kTransient, "InternalServerError", "boom"});
  table.fail_calls_after(4, {Status::kFatal, "AccessDeniedException", "no"});
  const std::vector<model::Item> batch = {item("a", "1")};
  BatchWriteOutcome first = table.batch_put("offers", batch);
  EXPECT_EQ(first.status, Status::kThrottled);
  EXPECT_EQ(first.error_code, "ProvisionedThroughputExceededException");
  EXPECT_EQ(table.batch_put("offers", batch).status, Status::kOk);
  BatchWriteOutcome third = table.batch_put("offers", batch);
  EXPECT_EQ(third.status, Status::kTransient);
  EXPECT_EQ(third.error_message, "boom");
  EXPECT_EQ(table.batch_put("offers", batch).status, Status::kOk);
  EXPECT_EQ(table.batch_put("offers", batch).status, Status::kFatal);
  EXPECT_EQ(table.batch_put("offers", batch).status, Status::kFatal);
  const std::vector<InMemoryTable::Call> calls = table.calls();
  ASSERT_EQ(calls.size(), 6u);
  EXPECT_EQ(calls[0].status, Status::kThrottled);
  EXPECT_EQ(calls[1].status, Status::kOk);
  EXPECT_EQ(calls[1].fingerprints, (std::vector<std::string>{"S:1:aN:1:1"}));
  EXPECT_EQ(table.put_count(), 2u);
}

TEST(InMemoryTable, UnprocessedFractionAndCount) {
  InMemoryTable table(schema(), "offers");
  table.set_unprocessed_fraction(0.5);
  std::vector<model::Item> five;
  for (int i = 0; i < 5; ++i) five.push_back(item("a", std::to_string(i)));
  BatchWriteOutcome outcome = table.batch_put("offers", five);
  EXPECT_EQ(outcome.status, Status::kOk);
  ASSERT_EQ(outcome.unprocessed.size(), 2u);  // floor(0.5 * 5), the last ones
  EXPECT_EQ(outcome.unprocessed[0], five[3]);
  EXPECT_EQ(outcome.unprocessed[1], five[4]);
  EXPECT_EQ(outcome.consumed_wcu, 3.0);
  EXPECT_EQ(table.size(), 3u);

  InMemoryTable counted(schema(), "offers");
  counted.set_unprocessed_count(4, 1);
  EXPECT_EQ(counted.batch_put("offers", five).unprocessed.size(), 4u);
  EXPECT_EQ(counted.batch_put("offers", five).unprocessed.size(), 0u);  // only the first call
  EXPECT_EQ(counted.calls()[0].unprocessed, 4u);
}

TEST(InMemoryTable, InvalidItemRefusesTheWholeBatch) {
  InMemoryTable table(schema(), "offers");
  table.set_invalid_item([](const model::Item& i) { return i.find("v") != nullptr; },
                         "One or more parameter values were invalid: bad v");
  BatchWriteOutcome outcome = table.batch_put("offers", {item("a", "1"), item("a", "2", "x")});
  EXPECT_EQ(outcome.status, Status::kInvalid);
  EXPECT_EQ(outcome.error_message, "One or more parameter values were invalid: bad v");
  EXPECT_EQ(table.size(), 0u);
  EXPECT_EQ(table.batch_put("offers", {item("a", "1")}).status, Status::kOk);
}

TEST(InMemoryTable, ItemsAreOrderedByFingerprint) {
  InMemoryTable table(schema(), "offers");
  ASSERT_EQ(table.batch_put("offers", {item("b", "1"), item("a", "2")}).status, Status::kOk);
  const std::vector<model::Item> items = table.items();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0], item("a", "2"));
  EXPECT_EQ(items[1], item("b", "1"));
}

}  // namespace
}  // namespace csv2ddb::ingest
