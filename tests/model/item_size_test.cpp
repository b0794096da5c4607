// DynamoDB's item size formula on known examples.
#include "model/item_size.hpp"

#include <gtest/gtest.h>

namespace csv2ddb::model {
namespace {

AttributeValue set_of(AttributeType type, std::vector<std::string> members) {
  AttributeValue value;
  value.type = type;
  value.set = std::move(members);
  return value;
}

TEST(ValueSize, Scalars) {
  EXPECT_EQ(value_size(AttributeValue::string("12345678")), 8u);
  EXPECT_EQ(value_size(AttributeValue::string("")), 0u);
  EXPECT_EQ(value_size(AttributeValue::string("\xC3\xA9")), 2u);  // é: UTF-8 bytes, not chars
  EXPECT_EQ(value_size(AttributeValue::number("123")), 3u);
  EXPECT_EQ(value_size(AttributeValue::number("-1.5")), 2u);
  EXPECT_EQ(value_size(AttributeValue::binary(std::string("\0\1\2", 3))), 3u);  // raw, not base64
  EXPECT_EQ(value_size(AttributeValue::boolean_value(true)), 1u);
  EXPECT_EQ(value_size(AttributeValue::null()), 1u);
}

TEST(ValueSize, Sets) {
  EXPECT_EQ(value_size(set_of(AttributeType::kSS, {"a", "bc"})), 3u);
  EXPECT_EQ(value_size(set_of(AttributeType::kNS, {"1", "12345"})), 2u + 4u);
  EXPECT_EQ(value_size(set_of(AttributeType::kBS, {"xyz", "w"})), 4u);
}

TEST(ValueSize, ListsAndMapsCarryOverhead) {
  AttributeValue empty_list;
  empty_list.type = AttributeType::kL;
  EXPECT_EQ(value_size(empty_list), 3u);

  AttributeValue list;
  list.type = AttributeType::kL;
  list.list = {AttributeValue::string("ab"), AttributeValue::number("1")};
  EXPECT_EQ(value_size(list), 3u + (1u + 2u) + (1u + 2u));

  AttributeValue map;
  map.type = AttributeType::kM;
  map.map = {{"k", AttributeValue::string("v")}, {"flag", AttributeValue::boolean_value(false)}};
  EXPECT_EQ(value_size(map), 3u + (1u + 1u + 1u) + (1u + 4u + 1u));

  AttributeValue nested;
  nested.type = AttributeType::kM;
  nested.map = {{"inner", list}};
  EXPECT_EQ(value_size(nested), 3u + 1u + 5u + value_size(list));
}

TEST(ItemSize, SumsNamesAndValues) {
  Item item;
  item.attributes = {{"account", AttributeValue::string("12345678")},
                     {"offer_id", AttributeValue::string("123456789012")},
                     {"catalog_id", AttributeValue::string("123456789012345678")},
                     {"account_type_code", AttributeValue::string("AB")},
                     {"offer_type_id", AttributeValue::string("12345678")},
                     {"created", AttributeValue::string("2024-03-01T12:34:56Z")},
                     {"expire", AttributeValue::string("2024-03-01T12:34:56Z")},
                     {"risk", AttributeValue::string("medium")}};
  EXPECT_EQ(item_size(item), 15u + 20u + 28u + 19u + 21u + 27u + 26u + 10u);

  Item typed;
  typed.attributes = {{"\xC3\xBC", AttributeValue::string("\xC3\xA9")},  // ü: é
                      {"n", AttributeValue::number("123456789012")},
                      {"b", AttributeValue::boolean_value(true)},
                      {"z", AttributeValue::null()}};
  EXPECT_EQ(item_size(typed), 4u + (1u + 7u) + 2u + 2u);
  EXPECT_EQ(item_size(Item{}), 0u);
}

}  // namespace
}  // namespace csv2ddb::model
