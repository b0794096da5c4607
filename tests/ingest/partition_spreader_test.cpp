// The spreading window: round-robin across partition-key values, input order within one, its
// bounds, the earliest row held (for checkpoints); and the items it holds, as DynamoDB JSON.
#include "ingest/partition_spreader.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "model/dynamodb_json.hpp"

namespace csv2ddb::ingest {
namespace {

model::KeySchema schema() {
  return model::parse_key_schema("account:S,offer_id:S").value();
}

model::Item row(const std::string& account, const std::string& offer) {
  model::Item item;
  item.attributes.push_back({"account", model::AttributeValue::string(account)});
  item.attributes.push_back({"offer_id", model::AttributeValue::string(offer)});
  return item;
}

std::string name(const model::Item& item) {
  return item.attributes[0].value.text + item.attributes[1].value.text;
}

std::vector<std::string> drain(PartitionSpreader& spreader) {
  std::vector<std::string> out;
  SpreadRow taken;
  while (spreader.pop(taken)) out.push_back(name(taken.planned.item().value()));
  return out;
}

TEST(PartitionSpreader, SortedRowsLeaveInTurnsOfPartitionKey) {
  PartitionSpreader spreader(schema(), SpreadLimits{});
  for (const char* account : {"a", "b", "c"}) {
    for (const char* offer : {"1", "2", "3"}) spreader.push(row(account, offer), 0, nullptr);
  }
  EXPECT_EQ(spreader.rows(), 9u);
  EXPECT_EQ(spreader.partition_values(), 3u);
  EXPECT_EQ(drain(spreader),
            (std::vector<std::string>{"a1", "b1", "c1", "a2", "b2", "c2", "a3", "b3", "c3"}));
  EXPECT_TRUE(spreader.empty());
  EXPECT_EQ(spreader.partition_values(), 0u);
}

TEST(PartitionSpreader, RowsOfOneKeyKeepTheirOrder) {
  // The same key three times among others: its rows must leave first, second, third.
  PartitionSpreader spreader(schema(), SpreadLimits{});
  std::vector<std::pair<std::string, std::string>> rows = {
      {"a", "1"}, {"a", "2"}, {"a", "1"}, {"b", "1"}, {"a", "1"}, {"b", "1"}, {"c", "9"}};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    model::Item item = row(rows[i].first, rows[i].second);
    item.attributes.push_back({"n", model::AttributeValue::number(std::to_string(i))});
    spreader.push(item, i, nullptr);
  }
  std::vector<std::uint64_t> a1_lines;
  std::vector<std::uint64_t> b1_lines;
  SpreadRow taken;
  while (spreader.pop(taken)) {
    EXPECT_EQ(taken.planned.item()->attributes[2].value.text, std::to_string(taken.planned.line));
    if (name(taken.planned.item().value()) == "a1") a1_lines.push_back(taken.planned.line);
    if (name(taken.planned.item().value()) == "b1") b1_lines.push_back(taken.planned.line);
  }
  EXPECT_EQ(a1_lines, (std::vector<std::uint64_t>{0, 2, 4}));
  EXPECT_EQ(b1_lines, (std::vector<std::uint64_t>{3, 5}));
}

TEST(PartitionSpreader, BoundedByRowsAndBytes) {
  PartitionSpreader by_rows(schema(), SpreadLimits{4, 1 << 20});
  for (int i = 0; i < 4; ++i) by_rows.push(row("a", std::to_string(i)), 0, nullptr);
  EXPECT_FALSE(by_rows.should_pop());
  by_rows.push(row("b", "0"), 0, nullptr);
  EXPECT_TRUE(by_rows.should_pop());
  SpreadRow taken;
  ASSERT_TRUE(by_rows.pop(taken));
  EXPECT_EQ(name(taken.planned.item().value()), "a0");
  EXPECT_FALSE(by_rows.should_pop());

  PartitionSpreader by_bytes(schema(), SpreadLimits{1000, 100});
  model::Item big = row("a", "big");
  big.attributes.push_back({"blob", model::AttributeValue::string(std::string(150, 'x'))});
  by_bytes.push(big, 0, nullptr);
  EXPECT_FALSE(by_bytes.should_pop());  // one row alone may be larger than the bound
  by_bytes.push(row("b", "1"), 0, nullptr);
  EXPECT_TRUE(by_bytes.should_pop());
  ASSERT_TRUE(by_bytes.pop(taken));
  EXPECT_EQ(taken.planned.item().value(), big);
  EXPECT_FALSE(by_bytes.should_pop());
}

TEST(PartitionSpreader, MixedInputLeavesOnceTheWindowHoldsEnoughValues) {
  PartitionSpreader spreader(schema(), SpreadLimits{1000, 1 << 20, 3});
  spreader.push(row("a", "1"), 0, nullptr);
  spreader.push(row("b", "1"), 0, nullptr);
  spreader.push(row("a", "2"), 0, nullptr);
  EXPECT_FALSE(spreader.should_pop());  // two values: a sorted run may be starting
  spreader.push(row("c", "1"), 0, nullptr);
  EXPECT_TRUE(spreader.should_pop());
  SpreadRow taken;
  ASSERT_TRUE(spreader.pop(taken));
  EXPECT_EQ(name(taken.planned.item().value()), "a1");
  EXPECT_TRUE(spreader.should_pop());  // a still has a row: three values
  ASSERT_TRUE(spreader.pop(taken));
  EXPECT_EQ(name(taken.planned.item().value()), "b1");
  EXPECT_FALSE(spreader.should_pop());
  EXPECT_EQ(drain(spreader), (std::vector<std::string>{"c1", "a2"}));

  // Rows over many values pass through a window of a few rows.
  PartitionSpreader mixed(schema(), SpreadLimits{});
  std::size_t most_held = 0;
  for (int i = 0; i < 10000; ++i) {
    mixed.push(row("acct" + std::to_string(i * 7919 % 1000), std::to_string(i)), 0, nullptr);
    while (mixed.should_pop()) ASSERT_TRUE(mixed.pop(taken));
    most_held = std::max(most_held, mixed.rows());
  }
  EXPECT_LT(most_held, 64u * 2);
}

TEST(PartitionSpreader, OldestMarkIsTheEarliestRowHeld) {
  PartitionSpreader spreader(schema(), SpreadLimits{});
  EXPECT_FALSE(spreader.oldest_mark().has_value());
  // Rows at offsets 10, 20, 30, 40 of accounts a, a, b, a.
  const char* accounts[] = {"a", "a", "b", "a"};
  for (int i = 0; i < 4; ++i) {
    RowMark mark{static_cast<std::uint64_t>(10 * (i + 1)), static_cast<std::uint64_t>(i + 2),
                 static_cast<std::uint64_t>(i), 0};
    spreader.push(row(accounts[i], std::to_string(i)), mark.line, &mark);
  }
  SpreadRow taken;
  std::vector<std::uint64_t> oldest;
  while (true) {
    std::optional<RowMark> mark = spreader.oldest_mark();
    oldest.push_back(mark ? mark->offset : 0);
    if (!spreader.pop(taken)) break;
    ASSERT_TRUE(taken.mark.has_value());
  }
  // Leaving order a@10, b@30, a@20, a@40: the earliest held goes 10, 20, 20, 40, none.
  EXPECT_EQ(oldest, (std::vector<std::uint64_t>{10, 20, 20, 40, 0}));
}

TEST(PlannedItem, EveryTypeRoundTrips) {
  using model::AttributeType;
  using model::AttributeValue;
  model::Item item = row("acct", "offer");
  item.attributes.push_back({"n", AttributeValue::number("-12.5e3")});
  item.attributes.push_back({"b", AttributeValue::binary(std::string("\0\x01\xff", 3))});
  item.attributes.push_back({"t", AttributeValue::boolean_value(true)});
  item.attributes.push_back({"f", AttributeValue::boolean_value(false)});
  item.attributes.push_back({"z", AttributeValue::null()});
  AttributeValue set;
  set.type = AttributeType::kSS;
  set.set = {"x", "", std::string(300, 'y')};  // an empty member
  item.attributes.push_back({"ss", set});
  AttributeValue list;
  list.type = AttributeType::kL;
  list.list = {AttributeValue::string("in list \"quoted\"\n"), set};
  AttributeValue map;
  map.type = AttributeType::kM;
  map.map = {{"k", list}, {"", AttributeValue::number("0")}};
  item.attributes.push_back({"m", map});
  item.attributes.push_back({std::string(200, 'N'), AttributeValue::string("")});
  // What DynamoDB would refuse or canonicalise comes back as it went in: the lane decodes an
  // item only to reject it or to write it to unprocessed/, both of which must show the row.
  AttributeValue numbers;
  numbers.type = AttributeType::kNS;
  numbers.set = {"1.50", "1.5", "007"};
  item.attributes.push_back({"ns", numbers});
  item.attributes.push_back({"", AttributeValue::number("+1")});
  const PlannedItem planned = plan_item(item, schema(), 1);
  std::string json;
  model::append_dynamodb_item(json, item);
  EXPECT_EQ(planned.item_json(), json);
  EXPECT_EQ(planned.item().value(), item);
}

TEST(PlannedItem, ItemsNestedAsDeepAsDynamoDbAllowsDecodeAgain) {
  model::AttributeValue value = model::AttributeValue::string("deep");
  for (int level = 0; level < 32; ++level) {
    model::AttributeValue outer;
    outer.type = level % 2 == 0 ? model::AttributeType::kL : model::AttributeType::kM;
    if (outer.type == model::AttributeType::kL) {
      outer.list = {value};
    } else {
      outer.map = {{"m", value}};
    }
    value = outer;
  }
  model::Item item = row("acct", "offer");
  item.attributes.push_back({"nested", value});
  EXPECT_EQ(plan_item(item, schema(), 1).item().value(), item);
}

TEST(PlannedItem, CarriesTheKeyFingerprintAndTheItem) {
  model::Item item = row("acct", "offer");
  item.attributes.push_back({"note", model::AttributeValue::string("x")});
  const PlannedItem planned = plan_item(item, schema(), 42);
  EXPECT_EQ(planned.fingerprint(), model::key_fingerprint(item, schema()));
  EXPECT_EQ(planned.item().value(), item);
  EXPECT_EQ(planned.line, 42u);
  EXPECT_EQ(planned.write_units, 1u);
  EXPECT_EQ(planned.key_hash, fingerprint_hash(planned.fingerprint()));
}

}  // namespace
}  // namespace csv2ddb::ingest
