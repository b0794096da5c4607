// The expression grammar: parse errors and checks in DynamoDB's words, resolution of #names and
// :values, evaluation of conditions and application of updates.
#include "model/expression.hpp"

#include <gtest/gtest.h>

#include "model/dynamodb_json.hpp"
#include "model/json.hpp"

namespace csv2ddb::model {
namespace {

using Names = std::map<std::string, std::string>;
using Values = std::map<std::string, AttributeValue>;

AttributeValue S(std::string text) {
  return AttributeValue::string(std::move(text));
}
AttributeValue N(std::string text) {
  return AttributeValue::number(std::move(text));
}

Item item_from(std::string_view json) {
  Result<JsonValue> parsed = parse_json(json);
  EXPECT_TRUE(parsed.ok()) << json;
  Result<Item> item = decode_dynamodb_item(*parsed);
  EXPECT_TRUE(item.ok()) << json;
  return item.ok() ? *item : Item{};
}

std::string json_of(const Item& item) {
  std::string out;
  append_dynamodb_item(out, item);
  return out;
}

// The error of a condition, or "" when it parses and resolves.
std::string condition_error(std::string_view text, const Names& names = {},
                            const Values& values = {}) {
  ExpressionContext context(names.empty() ? nullptr : &names, values.empty() ? nullptr : &values);
  Result<ConditionNode> node = parse_condition(text, ExpressionKind::kCondition, context);
  if (!node) return node.error().message;
  Status used = context.check_all_used();
  return used ? "" : used.error().message;
}

std::string update_error(std::string_view text, const Names& names = {},
                         const Values& values = {}) {
  ExpressionContext context(names.empty() ? nullptr : &names, values.empty() ? nullptr : &values);
  Result<std::vector<UpdateAction>> actions = parse_update(text, context);
  return actions ? "" : actions.error().message;
}

bool holds(std::string_view text, std::string_view item_json, const Values& values = {},
           const Names& names = {}) {
  ExpressionContext context(names.empty() ? nullptr : &names, values.empty() ? nullptr : &values);
  Result<ConditionNode> node = parse_condition(text, ExpressionKind::kCondition, context);
  EXPECT_TRUE(node.ok()) << text << ": " << (node ? "" : node.error().message);
  return node.ok() && evaluate_condition(*node, item_from(item_json));
}

std::string updated(std::string_view text, std::string_view item_json, const Values& values = {},
                    const Names& names = {}) {
  ExpressionContext context(names.empty() ? nullptr : &names, values.empty() ? nullptr : &values);
  Result<std::vector<UpdateAction>> actions = parse_update(text, context);
  if (!actions) return "parse: " + actions.error().message;
  Item item = item_from(item_json);
  if (Status applied = apply_update(*actions, item); !applied) return applied.error().message;
  return json_of(item);
}

TEST(ExpressionSyntax, TokenAndNearAsDynamoDbWritesThem) {
  EXPECT_EQ(condition_error("attribute_type()"),
            "Invalid ConditionExpression: Syntax error; token: \")\", near: \"()\"");
  EXPECT_EQ(condition_error("a = "),
            "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"= \"");
  EXPECT_EQ(update_error("SET"),
            "Invalid UpdateExpression: Syntax error; token: \"<EOF>\", near: \"SET\"");
  EXPECT_EQ(condition_error("a @ :v", {}, {{":v", S("x")}}),
            "Invalid ConditionExpression: Syntax error; token: \"@\", near: \"a @ :v\"");
  EXPECT_EQ(condition_error(""), "Invalid ConditionExpression: The expression can not be empty;");
  EXPECT_EQ(update_error("  "), "Invalid UpdateExpression: The expression can not be empty;");
}

TEST(ExpressionChecks, ConditionProblemsInDynamoDbsWords) {
  const Values v{{":v", S("x")}, {":n", N("3")}};
  EXPECT_EQ(condition_error("((a = :v))", {}, {{":v", S("x")}}),
            "Invalid ConditionExpression: The expression has redundant parentheses;");
  EXPECT_EQ(condition_error("nope(a)"),
            "Invalid ConditionExpression: Invalid function name; function: nope");
  EXPECT_EQ(condition_error("attribute_exists(a) = :v", {}, {{":v", S("x")}}),
            "Invalid ConditionExpression: The function is not allowed to be used this way in an "
            "expression; function: attribute_exists");
  EXPECT_EQ(condition_error("size(a)"),
            "Invalid ConditionExpression: The function is not allowed to be used this way in an "
            "expression; function: size");
  EXPECT_EQ(condition_error("name = :v", {}, {{":v", S("x")}}),
            "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: "
            "name");
  EXPECT_EQ(condition_error("#a = :v", {}, {{":v", S("x")}}),
            "Invalid ConditionExpression: An expression attribute name used in the document path "
            "is not defined; attribute name: #a");
  EXPECT_EQ(condition_error("a = :w", {}, {{":w", S("x")}, {":v", S("y")}}),
            "Value provided in ExpressionAttributeValues unused in expressions: keys: {:v}");
  EXPECT_EQ(condition_error("a = :v", {{"#x", "x"}}, {{":v", S("y")}}),
            "Value provided in ExpressionAttributeNames unused in expressions: keys: {#x}");
  EXPECT_EQ(condition_error("a = :q", {}, v),
            "Invalid ConditionExpression: An expression attribute value used in expression is not "
            "defined; attribute value: :q");
  EXPECT_EQ(condition_error("begins_with(a)"),
            "Invalid ConditionExpression: Incorrect number of operands for operator or function; "
            "operator or function: begins_with, number of operands: 1");
  EXPECT_EQ(condition_error("a = a"),
            "Invalid ConditionExpression: The first operand must be distinct from the remaining "
            "operands for this operator or function; operator: =, first operand: [a]");
  EXPECT_EQ(condition_error("begins_with(a, :n)", {}, {{":n", N("3")}}),
            "Invalid ConditionExpression: Incorrect operand type for operator or function; "
            "operator or function: begins_with, operand type: N");
  EXPECT_EQ(condition_error("attribute_type(a, :v)", {}, {{":v", S("STRING")}}),
            "Invalid ConditionExpression: Invalid attribute type name found; type: STRING, valid "
            "types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}");
  EXPECT_EQ(condition_error("a BETWEEN :b AND :a", {}, {{":a", N("1")}, {":b", N("9")}}),
            "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater "
            "than or equal to lower bound; lower bound operand: AttributeValue: {N:9}, upper "
            "bound operand: AttributeValue: {N:1}");
  EXPECT_EQ(condition_error("a BETWEEN :n AND :v", {}, v),
            "Invalid ConditionExpression: The BETWEEN operator requires same data type for lower "
            "and upper bounds; lower bound operand: AttributeValue: {N:3}, upper bound operand: "
            "AttributeValue: {S:x}");
  EXPECT_EQ(condition_error("attribute_exists(:v)", {}, {{":v", S("x")}}),
            "Invalid ConditionExpression: Operator or function requires a document path; operator "
            "or function: attribute_exists");
}

TEST(ExpressionChecks, ValidConditionsOfEveryShape) {
  const Values v{{":v", S("x")}, {":n", N("3")}, {":m", N("5")}, {":t", S("SS")}};
  const Names names{{"#t", "tags"}};
  for (const char* text :
       {"a = :v", ":v = a", "(a) = :v", "(a = :v)", "NOT a = :v", "a <> :v AND (b < :n OR c >= :m)",
        "a BETWEEN :n AND :m", "a IN (:n, :m, :v)", "attribute_not_exists(a)", "size(a.b[2]) > :n",
        "contains(#t, :v)", "begins_with(a, :v) and not c = :v", "attribute_type(a, :t)"}) {
    ExpressionContext context(&names, &v);
    Result<ConditionNode> node = parse_condition(text, ExpressionKind::kCondition, context);
    EXPECT_TRUE(node.ok()) << text << ": " << (node ? "" : node.error().message);
  }
}

TEST(ExpressionChecks, UpdateProblemsInDynamoDbsWords) {
  const Values v{{":v", S("x")}, {":n", N("1")}};
  EXPECT_EQ(update_error("SET a = :v SET b = :v", {}, {{":v", S("x")}}),
            "Invalid UpdateExpression: The \"SET\" section can only be used once in an update "
            "expression;");
  EXPECT_EQ(update_error("SET a = :v, a.b = :v", {}, {{":v", S("x")}}),
            "Invalid UpdateExpression: Two document paths overlap with each other; must remove or "
            "rewrite one of these paths; path one: [a], path two: [a, b]");
  EXPECT_EQ(update_error("SET a.b = :v REMOVE a[0]", {}, {{":v", S("x")}}),
            "Invalid UpdateExpression: Two document paths conflict with each other; must remove or "
            "rewrite one of these paths; path one: [a, b], path two: [a, [0]]");
  EXPECT_EQ(update_error("ADD a :v", {}, {{":v", S("x")}}),
            "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: "
            "ADD, operand type: STRING");
  EXPECT_EQ(update_error("DELETE a :n", {}, {{":n", N("1")}}),
            "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: "
            "DELETE, operand type: NUMBER");
  EXPECT_EQ(update_error("SET a = :v + :n", {}, v),
            "Invalid UpdateExpression: Incorrect operand type for operator or function; operator "
            "or function: +, operand type: S");
  EXPECT_EQ(update_error("SET a = bogus(b)"),
            "Invalid UpdateExpression: Invalid function name; function: bogus");
  EXPECT_EQ(update_error("SET #a = :n", {}, {{":n", N("1")}}),
            "Invalid UpdateExpression: An expression attribute name used in the document path is "
            "not defined; attribute name: #a");
}

TEST(ExpressionEvaluation, ComparisonsFunctionsAndPaths) {
  const char* item = R"({"a":{"S":"abc"},"n":{"N":"10"},"l":{"L":[{"S":"x"},{"N":"2"}]},)"
                     R"("m":{"M":{"k":{"S":"v"}}},"ss":{"SS":["p","q"]},"b":{"BOOL":true}})";
  EXPECT_TRUE(holds("a = :v", item, {{":v", S("abc")}}));
  EXPECT_FALSE(holds("a = :v", item, {{":v", S("abd")}}));
  EXPECT_TRUE(holds("absent <> :v", item, {{":v", S("x")}}));
  EXPECT_FALSE(holds("absent = :v", item, {{":v", S("x")}}));
  EXPECT_TRUE(holds("n < :v", item, {{":v", N("99.99")}}));
  EXPECT_FALSE(holds("n < :v", item, {{":v", S("99")}}));  // another type: false
  EXPECT_TRUE(holds("n BETWEEN :a AND :b", item, {{":a", N("10")}, {":b", N("10")}}));
  EXPECT_TRUE(holds("n IN (:a, :b)", item, {{":a", N("1")}, {":b", N("10")}}));
  EXPECT_TRUE(holds("begins_with(a, :p)", item, {{":p", S("ab")}}));
  EXPECT_TRUE(holds("contains(ss, :p)", item, {{":p", S("q")}}));
  EXPECT_TRUE(holds("contains(l, :p)", item, {{":p", N("2")}}));
  EXPECT_TRUE(holds("m.k = :v AND l[0] = :x", item, {{":v", S("v")}, {":x", S("x")}}));
  EXPECT_TRUE(
      holds("size(l) = :two AND size(a) = :three", item, {{":two", N("2")}, {":three", N("3")}}));
  EXPECT_TRUE(holds("attribute_type(b, :t)", item, {{":t", S("BOOL")}}));
  EXPECT_TRUE(
      holds("attribute_not_exists(m.z) AND attribute_exists(#l[1])", item, {}, {{"#l", "l"}}));
  EXPECT_TRUE(holds("NOT (a = :v OR n > :n)", item, {{":v", S("x")}, {":n", N("100")}}));
}

TEST(ExpressionUpdate, SetRemoveAddDeleteAsDynamoDbApplies) {
  const char* item = R"({"k":{"S":"1"},"n":{"N":"5"},"l":{"L":[{"N":"0"},{"N":"1"},{"N":"2"}]},)"
                     R"("s":{"SS":["a","b"]}})";
  EXPECT_EQ(updated("SET n = n + :one, fresh = :v", item, {{":one", N("1")}, {":v", S("x")}}),
            R"({"k":{"S":"1"},"n":{"N":"6"},"l":{"L":[{"N":"0"},{"N":"1"},{"N":"2"}]},)"
            R"("s":{"SS":["a","b"]},"fresh":{"S":"x"}})");
  EXPECT_EQ(updated("REMOVE l[0], l[2]", item),
            R"({"k":{"S":"1"},"n":{"N":"5"},"l":{"L":[{"N":"1"}]},"s":{"SS":["a","b"]}})");
  EXPECT_EQ(updated("ADD n :d, s :more DELETE t :gone", item,
                    {{":d", N("-7.5")},
                     {":more",
                      [] {
                        AttributeValue set;
                        set.type = AttributeType::kSS;
                        set.set = {"b", "c"};
                        return set;
                      }()},
                     {":gone",
                      [] {
                        AttributeValue set;
                        set.type = AttributeType::kSS;
                        set.set = {"z"};
                        return set;
                      }()}}),
            R"({"k":{"S":"1"},"n":{"N":"-2.5"},"l":{"L":[{"N":"0"},{"N":"1"},{"N":"2"}]},)"
            R"("s":{"SS":["a","b","c"]}})");
  EXPECT_EQ(updated("SET l = list_append(l, :more), c = if_not_exists(c, :z)", item,
                    {{":more",
                      [] {
                        AttributeValue list;
                        list.type = AttributeType::kL;
                        list.list = {N("3")};
                        return list;
                      }()},
                     {":z", N("0")}}),
            R"({"k":{"S":"1"},"n":{"N":"5"},"l":{"L":[{"N":"0"},{"N":"1"},{"N":"2"},{"N":"3"}]},)"
            R"("s":{"SS":["a","b"]},"c":{"N":"0"}})");
  EXPECT_EQ(updated("SET x.y = :v", item, {{":v", S("x")}}),
            "The document path provided in the update expression is invalid for update");
  EXPECT_EQ(updated("SET n = absent + :one", item, {{":one", N("1")}}),
            "The provided expression refers to an attribute that does not exist in the item");
  EXPECT_EQ(updated("ADD s :one", item, {{":one", N("1")}}),
            "An operand in the update expression has an incorrect data type");
}

TEST(ExpressionContext, CollectingAcceptsAndRecordsEveryPlaceholder) {
  ExpressionContext collecting;
  Result<ConditionNode> node = parse_condition("attribute_not_exists(#k) OR version < :version",
                                               ExpressionKind::kCondition, collecting);
  ASSERT_TRUE(node.ok()) << node.error().message;
  EXPECT_EQ(collecting.used_names(), std::set<std::string>{"#k"});
  EXPECT_EQ(collecting.used_values(), std::set<std::string>{":version"});
}

TEST(ReservedWords, CaseInsensitive) {
  EXPECT_TRUE(is_reserved_word("name"));
  EXPECT_TRUE(is_reserved_word("Status"));
  EXPECT_FALSE(is_reserved_word("offer_id"));
  EXPECT_FALSE(is_reserved_word("account"));
}

}  // namespace
}  // namespace csv2ddb::model
