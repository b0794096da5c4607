// What a read (GetItem, BatchGetItem, Query, Scan) returns of each item: the whole item, the
// paths of its ProjectionExpression (nested paths and list indexes, parsed and resolved by the
// model's grammar, model/expression.hpp), or the attributes of the legacy AttributesToGet.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "local/dynamodb/request_expressions.hpp"
#include "model/expression.hpp"
#include "model/json.hpp"

namespace csv2ddb::local::dynamodb {

struct ItemProjection {
  std::optional<std::vector<model::DocumentPath>> paths;  // nullopt: the whole item
};

// From `expressions` (the request's parsed ProjectionExpression) or the AttributesToGet of
// `spec` (the request, or one table's part of BatchGetItem). check_expression_params has made
// sure that at most one of them is given.
Result<ItemProjection> item_projection(const model::JsonValue& spec,
                                       const RequestExpressions& expressions);

// Appends the stored item (DynamoDB JSON), keeping only what `projection` keeps.
Status append_projected(std::string& out, std::string_view item_json,
                        const ItemProjection& projection);

}  // namespace csv2ddb::local::dynamodb
