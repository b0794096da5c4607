// The parameters DynamoDB had before expressions, which SDKs and old code still send, turned
// into the model's trees (model/expression.hpp) so that they are checked, evaluated and applied
// exactly as expressions are:
//   Expected               (PutItem, UpdateItem, DeleteItem)  -> a condition
//   QueryFilter, ScanFilter                                   -> a filter
//     each {attribute: condition}, joined by ConditionalOperator (AND when absent)
//   AttributeUpdates       (UpdateItem)                       -> update actions
//   KeyConditions          (Query): read_legacy_condition, then key_condition.hpp
// A condition is {"ComparisonOperator":..., "AttributeValueList":[...]} (Expected also takes
// {"Value":..., "Exists":...}), checked in DynamoDB's words (dynalite's validateConditions and
// validateAttributeConditions hold the same).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "local/dynamodb/request_expressions.hpp"
#include "model/attribute_value.hpp"
#include "model/expression.hpp"
#include "model/json.hpp"

namespace csv2ddb::local::dynamodb {

struct LegacyCondition {
  std::string op;  // "EQ", "BETWEEN", ...
  std::vector<model::AttributeValue> values;
};

// One {"ComparisonOperator", "AttributeValueList"}: the operator, the count and the types of
// its values checked.
Result<LegacyCondition> read_legacy_condition(const model::JsonValue& spec);

// Adds to `expressions` what the request's legacy parameters say: Expected as its condition,
// QueryFilter or ScanFilter as its filter, AttributeUpdates as its update. check_expression_params
// has made sure that a request does not also carry the expression they stand for.
Status add_legacy_parameters(const model::JsonValue& request, RequestExpressions& expressions);

}  // namespace csv2ddb::local::dynamodb
