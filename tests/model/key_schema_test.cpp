// Key schemas: --key parsing, key validation and fingerprints.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/attribute_value.hpp"

namespace csv2ddb::model {
namespace {

Item make_item(std::initializer_list<Attribute> attributes) {
  return Item{attributes};
}

KeySchema schema(const char* text) {
  Result<KeySchema> parsed = parse_key_schema(text);
  EXPECT_TRUE(parsed.ok()) << text;
  return parsed.ok() ? *parsed : KeySchema{};
}

TEST(TypeName, RoundTripsEveryType) {
  const AttributeType all[] = {AttributeType::kS,    AttributeType::kN,    AttributeType::kB,
                               AttributeType::kBool, AttributeType::kNull, AttributeType::kM,
                               AttributeType::kL,    AttributeType::kSS,   AttributeType::kNS,
                               AttributeType::kBS};
  const char* names[] = {"S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"};
  for (std::size_t i = 0; i < 10; ++i) {
    EXPECT_EQ(type_name(all[i]), names[i]);
    EXPECT_EQ(parse_type_name(names[i]), all[i]);
  }
  EXPECT_EQ(parse_type_name("s"), std::nullopt);
  EXPECT_EQ(parse_type_name("STRING"), std::nullopt);
  EXPECT_EQ(parse_type_name(""), std::nullopt);
}

TEST(AttributeValueFactories, SetTypeAndPayload) {
  EXPECT_EQ(AttributeValue::string("x").type, AttributeType::kS);
  EXPECT_EQ(AttributeValue::string("x").text, "x");
  EXPECT_EQ(AttributeValue::number("12").type, AttributeType::kN);
  EXPECT_EQ(AttributeValue::binary(std::string("\0\1", 2)).text, std::string("\0\1", 2));
  EXPECT_EQ(AttributeValue::binary("").type, AttributeType::kB);
  EXPECT_TRUE(AttributeValue::boolean_value(true).boolean);
  EXPECT_EQ(AttributeValue::boolean_value(false).type, AttributeType::kBool);
  EXPECT_EQ(AttributeValue::null().type, AttributeType::kNull);
  EXPECT_NE(AttributeValue::string("1"), AttributeValue::number("1"));
}

TEST(ItemFind, FirstAttributeWithTheName) {
  const Item item =
      make_item({{"a", AttributeValue::string("1")}, {"b", AttributeValue::number("2")}});
  ASSERT_NE(item.find("b"), nullptr);
  EXPECT_EQ(item.find("b")->text, "2");
  EXPECT_EQ(item.find("c"), nullptr);
  EXPECT_EQ(item.find(""), nullptr);
}

TEST(ParseKeySchema, HashAndRange) {
  Result<KeySchema> parsed = parse_key_schema("account:S,offer_id:N");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->hash.name, "account");
  EXPECT_EQ(parsed->hash.type, AttributeType::kS);
  ASSERT_TRUE(parsed->range.has_value());
  EXPECT_EQ(parsed->range->name, "offer_id");
  EXPECT_EQ(parsed->range->type, AttributeType::kN);
}

TEST(ParseKeySchema, TypeDefaultsToStringAndSpacesAreTrimmed) {
  Result<KeySchema> parsed = parse_key_schema("account");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->hash.name, "account");
  EXPECT_EQ(parsed->hash.type, AttributeType::kS);
  EXPECT_FALSE(parsed->range.has_value());

  parsed = parse_key_schema(" id : B , sort ");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->hash.name, "id");
  EXPECT_EQ(parsed->hash.type, AttributeType::kB);
  EXPECT_EQ(parsed->range->name, "sort");
  EXPECT_EQ(parsed->range->type, AttributeType::kS);
}

TEST(ParseKeySchema, Errors) {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {"", "key schema is empty; expected e.g. account:S,offer_id:N"},
      {"a,b,c",
       "key schema 'a,b,c' has more than two attributes; a key is a hash key and at most one "
       "range key"},
      {"a:X", "key attribute 'a' has type 'X'; key types are S, N or B"},
      {"a:BOOL", "key attribute 'a' has type 'BOOL'; key types are S, N or B"},
      {"a:s", "key attribute 'a' has type 's'; key types are S, N or B"},
      {"a:S:N", "key attribute 'a' has type 'S:N'; key types are S, N or B"},
      {":S", "key schema ':S' has an empty attribute name; expected e.g. account:S,offer_id:N"},
      {"a,", "key schema 'a,' has an empty attribute name; expected e.g. account:S,offer_id:N"},
      {"a:S,a:N", "key schema 'a:S,a:N' names 'a' twice; the hash and range keys must differ"},
  };
  for (const Case& c : cases) {
    Result<KeySchema> parsed = parse_key_schema(c.text);
    ASSERT_FALSE(parsed.ok()) << c.text;
    EXPECT_EQ(parsed.error().code, "InvalidKeySchema");
    EXPECT_EQ(parsed.error().message, c.message);
  }
}

TEST(ValidateKey, AcceptsAValidKey) {
  const Item item = make_item({{"account", AttributeValue::string("12345678")},
                               {"offer_id", AttributeValue::number("123456789012")},
                               {"other", AttributeValue::string("")}});
  EXPECT_TRUE(validate_key(item, schema("account:S,offer_id:N")).ok());
  EXPECT_TRUE(validate_key(item, schema("account")).ok());
}

TEST(ValidateKey, MissingWrongTypeAndEmpty) {
  const KeySchema key = schema("account:S,offer_id:N");
  Status status = validate_key(make_item({{"offer_id", AttributeValue::number("1")}}), key);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, "MissingKey");
  EXPECT_EQ(status.error().message, "key attribute 'account' is missing");

  status = validate_key(make_item({{"account", AttributeValue::string("a")}}), key);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message, "key attribute 'offer_id' is missing");

  status = validate_key(make_item({{"account", AttributeValue::string("a")},
                                   {"offer_id", AttributeValue::string("1")}}),
                        key);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, "KeyTypeMismatch");
  EXPECT_EQ(status.error().message, "key attribute 'offer_id' has type S; the key schema says N");

  status = validate_key(make_item({{"account", AttributeValue::string("")},
                                   {"offer_id", AttributeValue::number("1")}}),
                        key);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, "EmptyKey");
  EXPECT_EQ(status.error().message,
            "key attribute 'account' is empty; DynamoDB does not allow empty key values");

  status = validate_key(make_item({{"id", AttributeValue::binary("")}}), schema("id:B"));
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, "EmptyKey");
}

TEST(ValidateKey, SizeLimits) {
  const KeySchema key = schema("h:S,r:B");
  const Item at_limits = make_item({{"h", AttributeValue::string(std::string(2048, 'x'))},
                                    {"r", AttributeValue::binary(std::string(1024, 'y'))}});
  EXPECT_TRUE(validate_key(at_limits, key).ok());

  Status status = validate_key(make_item({{"h", AttributeValue::string(std::string(2049, 'x'))},
                                          {"r", AttributeValue::binary("y")}}),
                               key);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, "KeyTooLarge");
  EXPECT_EQ(status.error().message, "hash key 'h' is 2049 bytes; the limit is 2048");

  status = validate_key(make_item({{"h", AttributeValue::string("x")},
                                   {"r", AttributeValue::binary(std::string(1500, 'y'))}}),
                        key);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message, "range key 'r' is 1500 bytes; the limit is 1024");
}

TEST(KeyFingerprint, ExactForm) {
  const Item item = make_item({{"risk", AttributeValue::string("medium")},
                               {"offer_id", AttributeValue::number("123456789012")},
                               {"account", AttributeValue::string("12345678")}});
  EXPECT_EQ(key_fingerprint(item, schema("account:S,offer_id:N")), "S:8:12345678N:12:123456789012");
  EXPECT_EQ(key_fingerprint(item, schema("account")), "S:8:12345678");
}

TEST(KeyFingerprint, HashPartIsTheFingerprintOfThePartitionAlone) {
  const KeySchema both = schema("account:S,offer_id:N");
  const KeySchema hash_only = schema("account");
  const std::vector<Item> items = {
      make_item({{"account", AttributeValue::string("12345678")},
                 {"offer_id", AttributeValue::number("123456789012")}}),
      // Digits and ':' inside the value, and a value of 10+ bytes: the length decides.
      make_item({{"account", AttributeValue::string("1:2:3:4:5:6")},
                 {"offer_id", AttributeValue::number("7")}}),
      make_item(
          {{"account", AttributeValue::string("")}, {"offer_id", AttributeValue::number("7")}}),
      make_item({{"offer_id", AttributeValue::number("7")}}),  // no hash key: "-"
  };
  for (const Item& item : items) {
    const std::string full = key_fingerprint(item, both);
    EXPECT_EQ(full.substr(0, hash_part_bytes(full)), key_fingerprint(item, hash_only)) << full;
  }
  EXPECT_EQ(hash_part_bytes("S:11:1:2:3:4:5:6N:1:7"), 16u);
  EXPECT_EQ(hash_part_bytes("-N:1:7"), 1u);
  EXPECT_EQ(hash_part_bytes(""), 0u);
}

TEST(KeyFingerprint, NumbersCompareByValue) {
  const KeySchema key = schema("account:S,offer_id:N");
  const Item a = make_item(
      {{"account", AttributeValue::string("x")}, {"offer_id", AttributeValue::number("1.0")}});
  const Item b = make_item(
      {{"account", AttributeValue::string("x")}, {"offer_id", AttributeValue::number("1")}});
  const Item c = make_item(
      {{"account", AttributeValue::string("x")}, {"offer_id", AttributeValue::number("1e0")}});
  EXPECT_EQ(key_fingerprint(a, key), key_fingerprint(b, key));
  EXPECT_EQ(key_fingerprint(a, key), key_fingerprint(c, key));
  const Item d = make_item(
      {{"account", AttributeValue::string("x")}, {"offer_id", AttributeValue::number("10")}});
  EXPECT_NE(key_fingerprint(a, key), key_fingerprint(d, key));
}

TEST(KeyFingerprint, TypesAndBoundariesNeverCollide) {
  const KeySchema hash_only = schema("k");
  EXPECT_NE(key_fingerprint(make_item({{"k", AttributeValue::string("1")}}), hash_only),
            key_fingerprint(make_item({{"k", AttributeValue::number("1")}}), hash_only));
  EXPECT_NE(key_fingerprint(make_item({{"k", AttributeValue::string("1")}}), hash_only),
            key_fingerprint(make_item({{"k", AttributeValue::binary("1")}}), hash_only));

  const KeySchema both = schema("h,r");
  const Item ab_c =
      make_item({{"h", AttributeValue::string("ab")}, {"r", AttributeValue::string("c")}});
  const Item a_bc =
      make_item({{"h", AttributeValue::string("a")}, {"r", AttributeValue::string("bc")}});
  EXPECT_NE(key_fingerprint(ab_c, both), key_fingerprint(a_bc, both));
  // A value that spells another key's fingerprint is still a different key.
  const Item tricky =
      make_item({{"h", AttributeValue::string("a")}, {"r", AttributeValue::string("S:1:b")}});
  const Item plain =
      make_item({{"h", AttributeValue::string("a")}, {"r", AttributeValue::string("b")}});
  EXPECT_NE(key_fingerprint(tricky, both), key_fingerprint(plain, both));
}

}  // namespace
}  // namespace csv2ddb::model
