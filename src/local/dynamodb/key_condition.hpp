// Query's KeyConditionExpression: parsed into terms (grammar below), then resolved against
// ExpressionAttributeNames/Values and the table's key schema.
//
//   condition := term [AND term] | '(' condition ')'
//   term      := operand comparator operand            comparator: = < <= > >=
//              | operand BETWEEN operand AND operand
//              | begins_with '(' operand ',' operand ')'
//   operand   := name | #name | :value
//
// Keywords are case-insensitive. Messages follow DynamoDB's ("Invalid KeyConditionExpression:
// Syntax error; token: ...", "Query condition missed key schema element: ...").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "model/attribute_value.hpp"
#include "model/json.hpp"

namespace csv2ddb::local::dynamodb {

enum class KeyOperator : std::uint8_t { kEq, kLt, kLe, kGt, kGe, kBetween, kBeginsWith };

// One term as written: operand tokens not yet resolved.
struct KeyTerm {
  std::string attribute;  // "#a" or "account"
  KeyOperator op = KeyOperator::kEq;
  std::vector<std::string> values;  // ":v" tokens (two for BETWEEN)
};

// Syntax only. Errors: ValidationException "Invalid KeyConditionExpression: ...".
Result<std::vector<KeyTerm>> parse_key_condition(std::string_view expression);

struct RangeCondition {
  KeyOperator op = KeyOperator::kEq;
  model::AttributeValue first;
  model::AttributeValue second;  // BETWEEN's upper bound
};

struct ResolvedKeyCondition {
  model::AttributeValue hash;
  std::optional<RangeCondition> range;
};

// Resolves names and values and checks the terms against the key schema (hash key with '=',
// at most one condition on the range key, operand types matching the schema).
Result<ResolvedKeyCondition> resolve_key_condition(const std::vector<KeyTerm>& terms,
                                                   const model::JsonValue& request,
                                                   const model::KeySchema& key);

}  // namespace csv2ddb::local::dynamodb
