// The spreading window: round-robin across partition-key values, input order within one, its
// bounds, the earliest row held (for checkpoints); and the packing of the items it holds.
#include "ingest/partition_spreader.hpp"

#include <gtest/gtest.h>

#include "ingest/packed_item.hpp"
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
  while (spreader.pop(taken)) out.push_back(name(taken.planned.item()));
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
    EXPECT_EQ(taken.planned.item().attributes[2].value.text, std::to_string(taken.planned.line));
    if (name(taken.planned.item()) == "a1") a1_lines.push_back(taken.planned.line);
    if (name(taken.planned.item()) == "b1") b1_lines.push_back(taken.planned.line);
  }
  EXPECT_EQ(a1_lines, (std::vector<std::uint64_t>{0, 2, 4}));
  EXPECT_EQ(b1_lines, (std::vector<std::uint64_t>{3, 5}));
}

TEST(PartitionSpreader, BoundedByRowsAndBytes) {
  PartitionSpreader by_rows(schema(), SpreadLimits{4, 1 << 20});
  for (int i = 0; i < 4; ++i) by_rows.push(row("a", std::to_string(i)), 0, nullptr);
  EXPECT_FALSE(by_rows.over_limits());
  by_rows.push(row("b", "0"), 0, nullptr);
  EXPECT_TRUE(by_rows.over_limits());
  SpreadRow taken;
  ASSERT_TRUE(by_rows.pop(taken));
  EXPECT_EQ(name(taken.planned.item()), "a0");
  EXPECT_FALSE(by_rows.over_limits());

  PartitionSpreader by_bytes(schema(), SpreadLimits{1000, 100});
  model::Item big = row("a", "big");
  big.attributes.push_back({"blob", model::AttributeValue::string(std::string(150, 'x'))});
  by_bytes.push(big, 0, nullptr);
  EXPECT_FALSE(by_bytes.over_limits());  // one row alone may be larger than the bound
  by_bytes.push(row("b", "1"), 0, nullptr);
  EXPECT_TRUE(by_bytes.over_limits());
  ASSERT_TRUE(by_bytes.pop(taken));
  EXPECT_EQ(taken.planned.item(), big);
  EXPECT_FALSE(by_bytes.over_limits());
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

TEST(PackedItem, EveryTypeRoundTrips) {
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
  set.set = {"x", "", std::string(300, 'y')};  // a length over 127 takes two varint bytes
  item.attributes.push_back({"ss", set});
  AttributeValue list;
  list.type = AttributeType::kL;
  list.list = {AttributeValue::string("in list"), set};
  AttributeValue map;
  map.type = AttributeType::kM;
  map.map = {{"k", list}, {"", AttributeValue::number("0")}};
  item.attributes.push_back({"m", map});
  item.attributes.push_back({std::string(200, 'N'), AttributeValue::string("")});
  std::string packed;
  pack_item(item, packed);
  EXPECT_EQ(packed.size(), packed_item_size(item));
  EXPECT_EQ(unpack_item(packed), item);
  EXPECT_EQ(unpack_item(std::string()), model::Item{});
}

TEST(PackedItem, UnpackingIntoAReusedItemGivesTheSameItem) {
  using model::AttributeValue;
  model::Item scalars = row("acct", "offer");
  scalars.attributes.push_back({"n", AttributeValue::number("7")});
  model::Item others = row("other", "o");
  AttributeValue set;
  set.type = model::AttributeType::kNS;
  set.set = {"1", "2"};
  others.attributes.push_back({"n", set});  // a set where `scalars` had a number
  others.attributes.push_back({"b", AttributeValue::boolean_value(true)});
  std::string packed_scalars;
  pack_item(scalars, packed_scalars);
  std::string packed_others;
  pack_item(others, packed_others);

  model::Item reused;
  for (int round = 0; round < 2; ++round) {  // each way round, from a longer and a shorter item
    unpack_item_into(packed_others, reused);
    EXPECT_EQ(reused, others);
    unpack_item_into(packed_scalars, reused);
    EXPECT_EQ(reused, scalars);
  }
}

TEST(PlannedItem, CarriesTheKeyFingerprintAndTheItem) {
  model::Item item = row("acct", "offer");
  item.attributes.push_back({"note", model::AttributeValue::string("x")});
  const PlannedItem planned = plan_item(item, schema(), 42);
  EXPECT_EQ(planned.fingerprint(), model::key_fingerprint(item, schema()));
  EXPECT_EQ(planned.item(), item);
  EXPECT_EQ(planned.line, 42u);
  EXPECT_EQ(planned.request_bytes, estimate_request_bytes(item));
  EXPECT_EQ(planned.write_units, 1u);
  EXPECT_EQ(planned.key_hash, fingerprint_hash(planned.fingerprint()));
}

}  // namespace
}  // namespace csv2ddb::ingest
