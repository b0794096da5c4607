#include "local/dynamodb/projection.hpp"

#include <set>

#include "local/dynamodb/request_checks.hpp"
#include "model/dynamodb_json.hpp"

namespace csv2ddb::local::dynamodb {

Result<ItemProjection> item_projection(const model::JsonValue& spec,
                                       const RequestExpressions& expressions) {
  ItemProjection projection;
  if (expressions.projection) {
    projection.paths = *expressions.projection;
    return projection;
  }
  const model::JsonValue* names = spec.find("AttributesToGet");
  if (names == nullptr || !names->is_array()) return projection;
  std::set<std::string> seen;
  projection.paths.emplace();
  for (const model::JsonValue& name : names->as_array()) {
    const std::string text = name.is_string() ? name.as_string() : std::string();
    if (!seen.insert(text).second) {
      return validation_error(
          "One or more parameter values were invalid: Duplicate value in attribute name: " + text);
    }
    projection.paths->push_back({model::PathElement{text, std::nullopt}});
  }
  return projection;
}

Status append_projected(std::string& out, std::string_view item_json,
                        const ItemProjection& projection) {
  if (!projection.paths) {
    out.append(item_json);
    return {};
  }
  auto item = model::decode_encoded_item(item_json);
  if (!item) return make_error("InternalServerError", "stored item unreadable");
  model::append_dynamodb_item(out, model::project(*item, *projection.paths));
  return {};
}

}  // namespace csv2ddb::local::dynamodb
