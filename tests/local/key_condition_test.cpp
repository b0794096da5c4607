// Query's key condition: KeyConditionExpression (parsed and resolved by the model's grammar)
// and the legacy KeyConditions, to one condition per key attribute, checked against the key
// schema in DynamoDB's words.
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

model::AttributeValue value(model::AttributeType type, std::string text) {
  model::AttributeValue out;
  out.type = type;
  out.text = std::move(text);
  return out;
}

// The expression through the model, then to key conditions and against the schema.
Result<ResolvedKeyCondition> resolve(std::string_view text) {
  static const std::map<std::string, std::string> names = {{"#a", "account"}, {"#o", "offer"}};
  static const std::map<std::string, model::AttributeValue> values = {
      {":a", value(model::AttributeType::kS, "A1")}, {":n", value(model::AttributeType::kN, "1")},
      {":h", value(model::AttributeType::kN, "0")},  {":s", value(model::AttributeType::kS, "x")},
      {":l", value(model::AttributeType::kN, "-5")}, {":t", value(model::AttributeType::kN, "10")}};
  model::ExpressionContext context(&names, &values);
  auto tree = model::parse_condition(text, model::ExpressionKind::kKeyCondition, context);
  if (!tree) return tree.take_error();
  auto conditions = key_conditions_of(*tree);
  if (!conditions) return conditions.take_error();
  return resolve_key_conditions(*conditions, schema());
}

TEST(KeyCondition, EveryFormAndEitherOrder) {
  struct Case {
    const char* text;
    KeyOperator op;
  };
  for (const Case& c : {Case{"account = :a AND offer = :n", KeyOperator::kEq},
                        Case{"account = :a AND offer < :n", KeyOperator::kLt},
                        Case{"account = :a AND offer <= :n", KeyOperator::kLe},
                        Case{"account = :a AND offer > :n", KeyOperator::kGt},
                        Case{"account = :a and offer >= :n", KeyOperator::kGe},
                        Case{"#a = :a AND #o BETWEEN :l AND :t", KeyOperator::kBetween},
                        Case{"(account = :a) AND (offer = :n)", KeyOperator::kEq},
                        // Value first: turned around.
                        Case{":a = account AND :n = offer", KeyOperator::kEq},
                        Case{":a = account AND :n < offer", KeyOperator::kGt},
                        Case{":n >= offer AND :a = account", KeyOperator::kLe}}) {
    auto resolved = resolve(c.text);
    ASSERT_TRUE(resolved.ok()) << c.text << ": " << resolved.error().message;
    EXPECT_EQ(resolved->hash.text, "A1") << c.text;
    ASSERT_TRUE(resolved->range.has_value()) << c.text;
    EXPECT_EQ(resolved->range->op, c.op) << c.text;
  }
  auto between = resolve("#a = :a AND #o BETWEEN :l AND :t");
  EXPECT_EQ(between->range->first.text, "-5");
  EXPECT_EQ(between->range->second.text, "10");
  EXPECT_FALSE(resolve("account = :a")->range.has_value());
}

TEST(KeyCondition, TheShapesDynamoDbRefuses) {
  auto message = [](std::string_view text) { return resolve(text).error().message; };
  EXPECT_EQ(message("account = :a OR offer = :n"),
            "Invalid operator used in KeyConditionExpression: OR");
  EXPECT_EQ(message("account IN (:a)"), "Invalid operator used in KeyConditionExpression: IN");
  EXPECT_EQ(message("account <> :a"), "Invalid operator used in KeyConditionExpression: <>");
  EXPECT_EQ(message("NOT account = :a"), "Invalid operator used in KeyConditionExpression: NOT");
  EXPECT_EQ(message("account = :a AND attribute_exists(offer)"),
            "Invalid operator used in KeyConditionExpression: attribute_exists");
  EXPECT_EQ(message("account = :a AND account = :a"),
            "KeyConditionExpressions must only contain one condition per key");
  EXPECT_EQ(message("account = :a AND size(offer) = :n"),
            "KeyConditionExpressions cannot contain nested operations");
  EXPECT_EQ(message("account.x = :a"),
            "KeyConditionExpressions cannot have conditions on nested attributes");
  EXPECT_EQ(message("account = offer"),
            "Invalid condition in KeyConditionExpression: Multiple attribute names used in one "
            "condition");
  EXPECT_EQ(message(":a = :a"),
            "Invalid condition in KeyConditionExpression: No key attribute specified");
  EXPECT_EQ(message("account = :a AND begins_with(:s, offer)"),
            "Invalid condition in KeyConditionExpression: begins_with operator must have the key "
            "attribute as its first operand");
  EXPECT_EQ(message("account = :a AND foo(offer, :n)"),
            "Invalid KeyConditionExpression: Invalid function name; function: foo");
  EXPECT_EQ(message("  "), "Invalid KeyConditionExpression: The expression can not be empty;");
}

TEST(KeyCondition, SchemaViolations) {
  auto message = [](std::string_view text) { return resolve(text).error().message; };
  EXPECT_EQ(message("offer = :n"), "Query condition missed key schema element: account");
  EXPECT_EQ(message("account < :a"), "Query key condition not supported");
  EXPECT_EQ(message("account = :a AND offer = :s"),
            "One or more parameter values were invalid: Condition parameter type does not match "
            "schema type");
  EXPECT_EQ(message("account = :a AND begins_with(offer, :n)"),
            "Invalid KeyConditionExpression: Incorrect operand type for operator or function; "
            "operator or function: begins_with, operand type: N");
  EXPECT_EQ(message("account = :a AND offer = :missing"),
            "Invalid KeyConditionExpression: An expression attribute value used in expression is "
            "not defined; attribute value: :missing");
  EXPECT_EQ(message("account = :a AND offer BETWEEN :n AND :h"),
            "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be "
            "greater than or equal to lower bound; lower bound operand: AttributeValue: {N:1}, "
            "upper bound operand: AttributeValue: {N:0}");
  EXPECT_EQ(message("#x = :a"),
            "Invalid KeyConditionExpression: An expression attribute name used in the document "
            "path is not defined; attribute name: #x");
}

TEST(KeyCondition, LegacyKeyConditions) {
  auto legacy = [](std::string_view json) {
    auto conditions = read_key_conditions(*model::parse_json(json));
    if (!conditions) return Result<ResolvedKeyCondition>(conditions.take_error());
    return resolve_key_conditions(*conditions, schema());
  };
  auto both = legacy(R"({"account":{"AttributeValueList":[{"S":"A1"}],"ComparisonOperator":"EQ"},
      "offer":{"AttributeValueList":[{"N":"1"},{"N":"9"}],"ComparisonOperator":"BETWEEN"}})");
  ASSERT_TRUE(both.ok()) << both.error().message;
  EXPECT_EQ(both->range->op, KeyOperator::kBetween);
  EXPECT_EQ(both->range->second.text, "9");
  EXPECT_EQ(
      legacy(R"({"account":{"AttributeValueList":[],"ComparisonOperator":"EQ"}})").error().message,
      "One or more parameter values were invalid: Invalid number of argument(s) for the EQ "
      "ComparisonOperator");
  EXPECT_EQ(legacy(R"({"account":{"AttributeValueList":[{"S":"A1"}],"ComparisonOperator":"NE"}})")
                .error()
                .message,
            "Attempted conditional constraint is not an indexable operation");
  EXPECT_EQ(
      legacy(R"({"account":{"AttributeValueList":[{"N":"1"}],
                "ComparisonOperator":"BEGINS_WITH"}})")
          .error()
          .message,
      "One or more parameter values were invalid: ComparisonOperator BEGINS_WITH is not valid for "
      "N AttributeValue type");
  EXPECT_EQ(legacy(R"({"offer":{"AttributeValueList":[{"N":"1"}],"ComparisonOperator":"EQ"}})")
                .error()
                .message,
            "Query condition missed key schema element: account");
}

}  // namespace
}  // namespace csv2ddb::local::dynamodb
