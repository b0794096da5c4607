// DynamoDB JSON and plain JSON: golden output for every type, decoding with DynamoDB's
// validation messages, and round trips.
#include "model/dynamodb_json.hpp"

#include <gtest/gtest.h>

#include <string>

namespace csv2ddb::model {
namespace {

AttributeValue set_of(AttributeType type, std::vector<std::string> members) {
  AttributeValue value;
  value.type = type;
  value.set = std::move(members);
  return value;
}

Item every_type_item() {
  AttributeValue list;
  list.type = AttributeType::kL;
  list.list = {AttributeValue::string("x"), AttributeValue::number("1")};
  AttributeValue empty_list;
  empty_list.type = AttributeType::kL;
  AttributeValue map;
  map.type = AttributeType::kM;
  map.map = {{"k", AttributeValue::string("v")}, {"e", empty_list}};
  Item item;
  item.attributes = {
      {"a", AttributeValue::string("x\"y")},
      {"n", AttributeValue::number("-1.5")},
      {"b", AttributeValue::binary(std::string("\0\1\xff", 3))},
      {"t", AttributeValue::boolean_value(true)},
      {"f", AttributeValue::boolean_value(false)},
      {"z", AttributeValue::null()},
      {"ss", set_of(AttributeType::kSS, {"a", "b"})},
      {"ns", set_of(AttributeType::kNS, {"1", "2.5"})},
      {"bs", set_of(AttributeType::kBS, {"\x01", "\x02"})},
      {"l", list},
      {"m", map},
  };
  return item;
}

const char* const kEveryTypeDynamoDbJson =
    R"({"a":{"S":"x\"y"},"n":{"N":"-1.5"},"b":{"B":"AAH/"},"t":{"BOOL":true},)"
    R"("f":{"BOOL":false},"z":{"NULL":true},"ss":{"SS":["a","b"]},"ns":{"NS":["1","2.5"]},)"
    R"("bs":{"BS":["AQ==","Ag=="]},"l":{"L":[{"S":"x"},{"N":"1"}]},)"
    R"("m":{"M":{"k":{"S":"v"},"e":{"L":[]}}}})";

const char* const kEveryTypePlainJson =
    R"({"a":"x\"y","n":-1.5,"b":"AAH/","t":true,"f":false,"z":null,"ss":["a","b"],)"
    R"("ns":[1,2.5],"bs":["AQ==","Ag=="],"l":["x",1],"m":{"k":"v","e":[]}})";

JsonValue json(std::string_view text) {
  Result<JsonValue> parsed = parse_json(text);
  EXPECT_TRUE(parsed.ok()) << text;
  return parsed.ok() ? *parsed : JsonValue();
}

std::string decode_value_error(std::string_view text) {
  Result<AttributeValue> decoded = decode_dynamodb_value(json(text));
  if (decoded.ok()) return "(decoded)";
  EXPECT_EQ(decoded.error().code, "ValidationException");
  return decoded.error().message;
}

TEST(DynamoDbJson, GoldenItemOfEveryType) {
  std::string out;
  append_dynamodb_item(out, every_type_item());
  EXPECT_EQ(out, kEveryTypeDynamoDbJson);
  EXPECT_EQ(to_json(to_dynamodb_json(every_type_item())), kEveryTypeDynamoDbJson);
}

TEST(DynamoDbJson, GoldenValues) {
  auto encode = [](const AttributeValue& value) {
    std::string out;
    append_dynamodb_value(out, value);
    return out;
  };
  EXPECT_EQ(encode(AttributeValue::string("")), R"({"S":""})");
  EXPECT_EQ(encode(AttributeValue::string("tab\there \xC3\xA9")),
            "{\"S\":\"tab\\there \xC3\xA9\"}");
  EXPECT_EQ(encode(AttributeValue::number("123456789012")), R"({"N":"123456789012"})");
  EXPECT_EQ(encode(AttributeValue::binary("")), R"({"B":""})");
  EXPECT_EQ(encode(AttributeValue::binary("foobar")), R"({"B":"Zm9vYmFy"})");
  EXPECT_EQ(encode(AttributeValue::null()), R"({"NULL":true})");
  EXPECT_EQ(encode(AttributeValue::boolean_value(false)), R"({"BOOL":false})");
}

TEST(DynamoDbJson, DecodesEveryType) {
  Result<Item> decoded = decode_dynamodb_item(json(kEveryTypeDynamoDbJson));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(*decoded, every_type_item());
}

TEST(DynamoDbJson, NumbersAreCanonicalised) {
  Result<AttributeValue> n = decode_dynamodb_value(json(R"({"N":"007.50"})"));
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, AttributeValue::number("7.5"));
  Result<AttributeValue> ns = decode_dynamodb_value(json(R"({"NS":["1.0","+007","1e2"]})"));
  ASSERT_TRUE(ns.ok());
  EXPECT_EQ(ns->set, (std::vector<std::string>{"1", "7", "100"}));
}

TEST(DynamoDbJson, EmptyNonKeyStringAndBinaryAreAllowed) {
  // DynamoDB has accepted empty S and B outside keys since 2020; keys are checked by
  // validate_key.
  EXPECT_EQ(*decode_dynamodb_value(json(R"({"S":""})")), AttributeValue::string(""));
  EXPECT_EQ(*decode_dynamodb_value(json(R"({"B":""})")), AttributeValue::binary(""));
}

TEST(DynamoDbJson, ValidationMessages) {
  const std::string invalid = "One or more parameter values were invalid: ";
  EXPECT_EQ(decode_value_error("{}"),
            "Supplied AttributeValue is empty, must contain exactly one of the supported "
            "datatypes");
  EXPECT_EQ(decode_value_error(R"({"S":"a","N":"1"})"),
            "Supplied AttributeValue has more than one datatypes set, must contain exactly one of "
            "the supported datatypes");
  EXPECT_EQ(decode_value_error(R"({"X":"a"})"),
            "Supplied AttributeValue has an unknown datatype 'X', must contain exactly one of the "
            "supported datatypes");
  EXPECT_EQ(decode_value_error(R"("a")"),
            "Supplied AttributeValue is not a JSON object, must contain exactly one of the "
            "supported datatypes");
  EXPECT_EQ(decode_value_error(R"({"S":1})"), "Supplied AttributeValue S must be a string");
  EXPECT_EQ(decode_value_error(R"({"N":1})"), "Supplied AttributeValue N must be a string");
  EXPECT_EQ(decode_value_error(R"({"BOOL":"true"})"),
            "Supplied AttributeValue BOOL must be true or false");
  EXPECT_EQ(decode_value_error(R"({"NULL":false})"),
            invalid + "Null attribute value types must have the value of true");
  EXPECT_EQ(decode_value_error(R"({"N":""})"),
            "The parameter cannot be converted to a numeric value");
  EXPECT_EQ(decode_value_error(R"({"N":"12a"})"),
            "The parameter cannot be converted to a numeric value: 12a");
  EXPECT_EQ(decode_value_error(R"({"N":"1E+126"})"),
            "Number overflow. Attempting to store a number with magnitude larger than supported "
            "range");
  EXPECT_EQ(decode_value_error(R"({"N":"1E-131"})"),
            "Number underflow. Attempting to store a number with magnitude smaller than "
            "supported range");
  EXPECT_EQ(decode_value_error(R"({"N":"123456789012345678901234567890123456789"})"),
            "Attempting to store more than 38 significant digits in a Number");
  // Base64 is decoded while DynamoDB reads the request: a SerializationException.
  auto base64_error = [](std::string_view text) {
    Result<AttributeValue> decoded = decode_dynamodb_value(json(text));
    if (decoded.ok()) return std::string("(decoded)");
    return decoded.error().code + ": " + decoded.error().message;
  };
  EXPECT_EQ(base64_error(R"({"B":"Zg="})"),
            "SerializationException: Base64 encoded length is expected a multiple of 4 bytes but "
            "found: 3");
  EXPECT_EQ(base64_error(R"({"B":"Zh=="})"),  // not the canonical encoding of "f"
            "SerializationException: Invalid last non-pad Base64 character dectected");
  EXPECT_EQ(base64_error(R"({"BS":["Zg==","a$=="]})"),
            "SerializationException: Invalid last non-pad Base64 character dectected");
  EXPECT_EQ(decode_value_error(R"({"SS":[]})"), invalid + "An string set  may not be empty");
  EXPECT_EQ(decode_value_error(R"({"NS":[]})"), invalid + "An number set  may not be empty");
  EXPECT_EQ(decode_value_error(R"({"BS":[]})"), invalid + "Binary sets should not be empty");
  EXPECT_EQ(decode_value_error(R"({"SS":"a"})"),
            "Supplied AttributeValue SS must be an array of strings");
  EXPECT_EQ(decode_value_error(R"({"SS":["a",1]})"),
            "Supplied AttributeValue SS must be an array of strings");
  EXPECT_EQ(decode_value_error(R"({"SS":["a",""]})"),
            invalid + "An string set may not have a empty string as a member");
  EXPECT_EQ(decode_value_error(R"({"BS":["AQ==",""]})"),
            invalid + "Binary sets may not contain null or empty values");
  EXPECT_EQ(decode_value_error(R"({"NS":["1","x"]})"),
            "The parameter cannot be converted to a numeric value: x");
  EXPECT_EQ(decode_value_error(R"({"SS":["a","b","a"]})"),
            invalid + "Input collection [a, b, a] contains duplicates.");
  EXPECT_EQ(decode_value_error(R"({"NS":["1","1.0"]})"), "Input collection contains duplicates");
  EXPECT_EQ(decode_value_error(R"({"BS":["AQ==","AQ=="]})"),
            invalid + "Input collection [AQ==, AQ==] of type BS contains duplicates.");
  EXPECT_EQ(decode_value_error(R"({"L":{}})"),
            "Supplied AttributeValue L must be an array of AttributeValues");
  EXPECT_EQ(decode_value_error(R"({"M":[]})"),
            "Supplied AttributeValue M must be an object of AttributeValues");
}

TEST(DynamoDbJson, ErrorsNameTheAttributePath) {
  Result<Item> decoded = decode_dynamodb_item(json(R"({"ok":{"S":"x"},"price":{"N":"abc"}})"));
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code, "ValidationException");
  EXPECT_EQ(decoded.error().message,
            "The parameter cannot be converted to a numeric value: abc (attribute 'price')");

  decoded =
      decode_dynamodb_item(json(R"({"doc":{"M":{"lines":{"L":[{"S":"a"},{"NULL":false}]}}}})"));
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().message,
            "One or more parameter values were invalid: Null attribute value types must have the "
            "value of true (attribute 'doc.lines[1]')");

  EXPECT_EQ(decode_value_error(R"({"L":[{"S":"a"},{}]})"),
            "Supplied AttributeValue is empty, must contain exactly one of the supported "
            "datatypes (attribute '[1]')");
}

TEST(DynamoDbJson, ItemLevelErrors) {
  Result<Item> decoded = decode_dynamodb_item(json("[]"));
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().message,
            "An item must be a JSON object of attribute names and AttributeValues");
  decoded = decode_dynamodb_item(json(R"({"":{"S":"x"}})"));
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().message,
            "One or more parameter values were invalid: An attribute name may not be empty");
  decoded = decode_dynamodb_item(json(R"({"a":{"S":"x"},"a":{"S":"y"}})"));
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().message, "Duplicate attribute name 'a'");
  Result<AttributeValue> map =
      decode_dynamodb_value(json(R"({"M":{"k":{"S":"x"},"k":{"N":"1"}}})"));
  ASSERT_FALSE(map.ok());
  EXPECT_EQ(map.error().message, "Duplicate attribute name 'k'");
  Result<Item> empty = decode_dynamodb_item(json("{}"));
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->attributes.empty());
}

TEST(PlainJson, GoldenItemOfEveryType) {
  std::string out;
  append_plain_item(out, every_type_item());
  EXPECT_EQ(out, kEveryTypePlainJson);
}

TEST(PlainJson, DecodesWithJsonTypesAndRetypesKeys) {
  // Parsed rather than aggregate-initialized: GCC 12 at -O3 warns (maybe-uninitialized, a false
  // positive) on the optional<KeyAttribute> of a braced KeySchema, and warnings are errors.
  const KeySchema schema = parse_key_schema("account:S,offer_id:N").value();
  Result<Item> decoded = decode_plain_item(
      json(R"({"account":12.50,"offer_id":"0012","s":"x","n":1.50,"t":true,"z":null,)"
           R"("l":["a",2],"m":{"k":false}})"),
      schema);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  AttributeValue list;
  list.type = AttributeType::kL;
  list.list = {AttributeValue::string("a"), AttributeValue::number("2")};
  AttributeValue map;
  map.type = AttributeType::kM;
  map.map = {{"k", AttributeValue::boolean_value(false)}};
  Item expected;
  expected.attributes = {{"account", AttributeValue::string("12.50")},  // the number's exact text
                         {"offer_id", AttributeValue::number("12")},
                         {"s", AttributeValue::string("x")},
                         {"n", AttributeValue::number("1.5")},
                         {"t", AttributeValue::boolean_value(true)},
                         {"z", AttributeValue::null()},
                         {"l", list},
                         {"m", map}};
  EXPECT_EQ(*decoded, expected);
}

TEST(PlainJson, BinaryKeysAndErrors) {
  const KeySchema schema{{"id", AttributeType::kB}, std::nullopt};
  Result<Item> decoded = decode_plain_item(json(R"({"id":"Zm9v"})"), schema);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->attributes[0].value, AttributeValue::binary("foo"));

  decoded = decode_plain_item(json(R"({"id":"Zm9"})"), schema);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().message,
            "Invalid binary value: base64 length 3 is not a multiple of 4 (attribute 'id')");

  const KeySchema numeric{{"n", AttributeType::kN}, std::nullopt};
  decoded = decode_plain_item(json(R"({"n":"twelve"})"), numeric);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code, "ValidationException");
  EXPECT_EQ(decoded.error().message,
            "The parameter cannot be converted to a numeric value: twelve (attribute 'n')");

  decoded = decode_plain_item(json(R"({"big":1e200})"), numeric);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().message,
            "Number overflow. Attempting to store a number with magnitude larger than supported "
            "range (attribute 'big')");
  EXPECT_FALSE(decode_plain_item(json("[1]"), numeric).ok());
}

TEST(PlainJson, RoundTripOfScalarItems) {
  Item item;
  item.attributes = {{"account", AttributeValue::string("00123")},
                     {"offer_id", AttributeValue::number("123456789012")},
                     {"price", AttributeValue::number("-0.000125")},
                     {"note", AttributeValue::string("line\nbreak \xF0\x9F\x98\x80")},
                     {"ok", AttributeValue::boolean_value(true)},
                     {"none", AttributeValue::null()}};
  std::string out;
  append_plain_item(out, item);
  // Parsed rather than aggregate-initialized: GCC 12 at -O3 warns (maybe-uninitialized, a false
  // positive) on the optional<KeyAttribute> of a braced KeySchema, and warnings are errors.
  const KeySchema schema = parse_key_schema("account:S,offer_id:N").value();
  Result<Item> decoded = decode_plain_item(json(out), schema);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(*decoded, item);
}

}  // namespace
}  // namespace csv2ddb::model
