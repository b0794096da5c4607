// Query's key condition: KeyConditionExpression's tree (parsed and resolved by the model's
// grammar, model/expression.hpp) or the legacy KeyConditions parameter, as one condition per
// key attribute, then checked against the key schema, in DynamoDB's words (dynalite's
// convertKeyCondition and query action hold the same):
//   "Invalid operator used in KeyConditionExpression: OR"
//   "KeyConditionExpressions must only contain one condition per key"
//   "Query condition missed key schema element: offer"
//   "Query key condition not supported"
// A condition may be written value first (":p = p"): it is turned around (":v < k" is k > :v).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "local/dynamodb/table_types.hpp"
#include "model/attribute_value.hpp"
#include "model/expression.hpp"
#include "model/json.hpp"

namespace csv2ddb::local::dynamodb {

enum class KeyOperator : std::uint8_t { kEq, kLt, kLe, kGt, kGe, kBetween, kBeginsWith };

struct KeyCondition {
  KeyOperator op = KeyOperator::kEq;
  std::vector<model::AttributeValue> values;  // two for BETWEEN
};
using KeyConditions = std::map<std::string, KeyCondition>;  // by attribute name

// The resolved tree of a KeyConditionExpression.
Result<KeyConditions> key_conditions_of(const model::ConditionNode& tree);
// The legacy KeyConditions parameter: {"attr":{"AttributeValueList":[...],
// "ComparisonOperator":"EQ"}}.
Result<KeyConditions> read_key_conditions(const model::JsonValue& conditions);

struct RangeCondition {
  KeyOperator op = KeyOperator::kEq;
  model::AttributeValue first;
  model::AttributeValue second;  // BETWEEN's upper bound
};

struct ResolvedKeyCondition {
  model::AttributeValue hash;
  std::optional<RangeCondition> range;
};

// Checks the conditions against the key schema: the hash key with '=', at most a condition on
// the range key, operand types matching the schema.
Result<ResolvedKeyCondition> resolve_key_conditions(const KeyConditions& conditions,
                                                    const model::KeySchema& key);

// The range key bytes (item_keys.hpp's range_key_bytes) a range condition admits.
RangeBounds range_bounds(const std::optional<RangeCondition>& condition);
bool within(const RangeBounds& bounds, std::string_view bytes);

}  // namespace csv2ddb::local::dynamodb
