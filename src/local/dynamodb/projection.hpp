// ProjectionExpression for top-level attributes ("a, #b, c"), resolved against
// ExpressionAttributeNames. Nested paths (a.b, a[0]) are refused as unsupported.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "model/json.hpp"

namespace csv2ddb::local::dynamodb {

// Nothing when the request has no ProjectionExpression.
Result<std::optional<std::vector<std::string>>> parse_projection(const model::JsonValue& request);

// Appends the stored item JSON, keeping only the projected attributes when a projection is
// given.
Status append_projected(std::string& out, std::string_view item_json,
                        const std::optional<std::vector<std::string>>& projection);

// "#name" resolved through ExpressionAttributeNames; errors as DynamoDB words them.
Result<std::string> resolve_name(std::string_view token, const model::JsonValue& request,
                                 std::string_view expression_kind);

}  // namespace csv2ddb::local::dynamodb
