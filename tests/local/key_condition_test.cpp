#include "local/dynamodb/key_condition.hpp"

#include <gtest/gtest.h>

namespace csv2ddb::local::dynamodb {
namespace {

model::KeySchema schema() {
  model::KeySchema key;
  key.hash = {"account", model::AttributeType::kS};
  key.range = model::KeyAttribute{"offer", model::AttributeType::kN};
  return key;
}

model::JsonValue request(std::string_view text) {
  return *model::parse_json(text);
}

TEST(KeyCondition, ParsesEveryForm) {
  struct Case {
    const char* text;
    KeyOperator op;
    std::size_t values;
  };
  for (const Case& c : {Case{"a = :a AND o = :o", KeyOperator::kEq, 1},
                        Case{"a = :a AND o < :o", KeyOperator::kLt, 1},
                        Case{"a = :a AND o <= :o", KeyOperator::kLe, 1},
                        Case{"a = :a AND o > :o", KeyOperator::kGt, 1},
                        Case{"a = :a AND o >= :o", KeyOperator::kGe, 1},
                        Case{"a = :a and o between :l AND :h", KeyOperator::kBetween, 2},
                        Case{"(a = :a) AND begins_with ( o , :p )", KeyOperator::kBeginsWith, 1},
                        Case{"a=:a AND o>=:o", KeyOperator::kGe, 1}}) {
    auto terms = parse_key_condition(c.text);
    ASSERT_TRUE(terms.ok()) << c.text << ": " << terms.error().message;
    ASSERT_EQ(terms->size(), 2u) << c.text;
    EXPECT_EQ((*terms)[0].attribute, "a");
    EXPECT_EQ((*terms)[0].op, KeyOperator::kEq);
    EXPECT_EQ((*terms)[1].attribute, "o");
    EXPECT_EQ((*terms)[1].op, c.op) << c.text;
    EXPECT_EQ((*terms)[1].values.size(), c.values) << c.text;
  }
}

TEST(KeyCondition, SyntaxErrorsInDynamoDbWords) {
  EXPECT_EQ(parse_key_condition("a = ").error().message,
            "Invalid KeyConditionExpression: Syntax error; token: \"<EOF>\", near: \"<EOF>\"");
  EXPECT_EQ(parse_key_condition("a = :a OR o = :o").error().message,
            "Invalid operator used in KeyConditionExpression: OR");
  EXPECT_EQ(parse_key_condition("a = :a AND o = :o :p").error().message,
            "Invalid KeyConditionExpression: Syntax error; token: \":p\", near: \":p\"");
  EXPECT_FALSE(parse_key_condition("a = :a AND").ok());
  EXPECT_FALSE(parse_key_condition("begins_with(o :p)").ok());
  EXPECT_FALSE(parse_key_condition("a ! :a").ok());
  EXPECT_EQ(parse_key_condition("  ").error().message,
            "Invalid KeyConditionExpression: The expression can not be empty;");
}

TEST(KeyCondition, ResolvesNamesValuesAndSchema) {
  auto terms = parse_key_condition("#a = :a AND #o BETWEEN :l AND :h");
  ASSERT_TRUE(terms.ok());
  auto resolved = resolve_key_condition(
      *terms, request(R"({"ExpressionAttributeNames":{"#a":"account","#o":"offer"},
                  "ExpressionAttributeValues":{":a":{"S":"A1"},":l":{"N":"-5"},":h":{"N":"10"}}})"),
      schema());
  ASSERT_TRUE(resolved.ok()) << resolved.error().message;
  EXPECT_EQ(resolved->hash.text, "A1");
  ASSERT_TRUE(resolved->range.has_value());
  EXPECT_EQ(resolved->range->first.text, "-5");
  EXPECT_EQ(resolved->range->second.text, "10");
}

TEST(KeyCondition, SchemaViolations) {
  const auto values = request(
      R"({"ExpressionAttributeValues":{":a":{"S":"A1"},":n":{"N":"1"},":s":{"S":"x"},
          ":h":{"N":"0"}}})");
  auto resolve = [&](const char* text) {
    return resolve_key_condition(*parse_key_condition(text), values, schema());
  };
  EXPECT_EQ(resolve("offer = :n").error().message,
            "Query condition missed key schema element: account");
  EXPECT_EQ(resolve("account < :a").error().message, "Query key condition not supported");
  EXPECT_EQ(resolve("account = :a AND offer = :s").error().message,
            "One or more parameter values were invalid: Condition parameter type does not match "
            "schema type");
  EXPECT_EQ(resolve("account = :a AND begins_with(offer, :n)").error().message,
            "Invalid KeyConditionExpression: Incorrect operand type for operator or function; "
            "operator or function: begins_with, operand type: N");
  EXPECT_EQ(resolve("account = :a AND offer = :missing").error().message,
            "Invalid KeyConditionExpression: An expression attribute value used in expression is "
            "not defined; attribute value: :missing");
  EXPECT_EQ(resolve("account = :a AND offer BETWEEN :n AND :h").error().message,
            "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be "
            "greater than or equal to lower bound; lower bound operand: AttributeValue: {N:1}, "
            "upper bound operand: AttributeValue: {N:0}");
  EXPECT_EQ(resolve("#x = :a").error().message,
            "Invalid KeyConditionExpression: An expression attribute name used in the document "
            "path is not defined; attribute name: #x");
}

}  // namespace
}  // namespace csv2ddb::local::dynamodb
