// The expression parameters of one DynamoDB request, validated in DynamoDB's order and words
// (dynalite's validateExpressionParams and validateExpressions) and resolved with the model's
// grammar (model/expression.hpp):
//   1. expressions and their legacy counterparts are not mixed; ExpressionAttributeNames and
//      ExpressionAttributeValues only come with expressions that use them;
//   2. (the operation's own checks of its item or key)
//   3. the maps are not empty, their keys are #name / :value tokens, the values are valid;
//      each expression parses and resolves; every name and value given is used.
#pragma once

#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "model/expression.hpp"
#include "model/json.hpp"

namespace csv2ddb::local::dynamodb {

// Step 1. `expressions`: the request's expression parameters ("UpdateExpression",
// "ConditionExpression", ...); `legacy`: their non-expression counterparts ("Expected", ...).
Status check_expression_params(const model::JsonValue& request,
                               std::initializer_list<std::string_view> expressions,
                               std::initializer_list<std::string_view> legacy);

struct RequestExpressions {
  std::map<std::string, std::string> names;
  std::map<std::string, model::AttributeValue> values;
  std::optional<model::ConditionNode> condition;               // ConditionExpression
  std::optional<model::ConditionNode> key_condition;           // KeyConditionExpression
  std::optional<model::ConditionNode> filter;                  // FilterExpression
  std::optional<std::vector<model::UpdateAction>> update;      // UpdateExpression
  std::optional<std::vector<model::DocumentPath>> projection;  // ProjectionExpression
};

// Step 3, for the expressions present in the request.
Result<RequestExpressions> read_request_expressions(const model::JsonValue& request);

}  // namespace csv2ddb::local::dynamodb
