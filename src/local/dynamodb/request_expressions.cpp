#include "local/dynamodb/request_expressions.hpp"

#include <algorithm>

#include "local/dynamodb/item_keys.hpp"
#include "local/dynamodb/request_checks.hpp"
#include "model/dynamodb_json.hpp"

namespace csv2ddb::local::dynamodb {
namespace {

bool present(const model::JsonValue& request, std::string_view field) {
  const model::JsonValue* value = request.find(field);
  return value != nullptr && !value->is_null();
}

std::string joined(const std::vector<std::string_view>& names, std::string_view separator) {
  std::string out;
  for (std::string_view name : names) {
    if (!out.empty()) out += separator;
    out += name;
  }
  return out;
}

bool is_token(std::string_view key, char sigil) {
  return key.size() > 1 && key.front() == sigil &&
         std::all_of(key.begin() + 1, key.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_';
         });
}

Status read_names(const model::JsonValue* map, RequestExpressions& out) {
  if (map == nullptr || !map->is_object()) return {};
  if (map->as_object().empty())
    return validation_error("ExpressionAttributeNames must not be empty");
  for (const auto& [key, value] : map->as_object()) {
    if (!is_token(key, '#')) {
      return validation_error(
          "ExpressionAttributeNames contains invalid key: Syntax error; key: \"" + key + "\"");
    }
    out.names[key] = value.is_string() ? value.as_string() : std::string();
  }
  return {};
}

Status read_values(const model::JsonValue* map, RequestExpressions& out) {
  if (map == nullptr || !map->is_object()) return {};
  if (map->as_object().empty())
    return validation_error("ExpressionAttributeValues must not be empty");
  for (const auto& [key, value] : map->as_object()) {
    if (!is_token(key, ':')) {
      return validation_error(
          "ExpressionAttributeValues contains invalid key: Syntax error; key: \"" + key + "\"");
    }
  }
  for (const auto& [key, value] : map->as_object()) {
    // One attribute named by the value's key, so the model's checks apply to it alone.
    model::JsonValue wrapped = model::JsonValue::object();
    wrapped.set("v", value);
    Result<model::Item> decoded = decode_item(wrapped);
    if (!decoded) {
      return validation_error("ExpressionAttributeValues contains invalid value: " +
                              decoded.error().message + " for key " + key);
    }
    out.values[key] = decoded->attributes.at(0).value;
  }
  return {};
}

const std::string* text_of(const model::JsonValue& request, std::string_view field) {
  const model::JsonValue* value = request.find(field);
  return value != nullptr && value->is_string() ? &value->as_string() : nullptr;
}

}  // namespace

Status check_expression_params(const model::JsonValue& request,
                               std::initializer_list<std::string_view> expressions,
                               std::initializer_list<std::string_view> legacy) {
  std::vector<std::string_view> given;
  for (std::string_view field : expressions) {
    if (present(request, field)) given.push_back(field);
  }
  if (!given.empty()) {
    std::vector<std::string_view> old;
    for (std::string_view field : legacy) {
      if (present(request, field)) old.push_back(field);
    }
    if (!old.empty()) {
      return validation_error(
          "Can not use both expression and non-expression parameters in the same request: "
          "Non-expression parameters: {" +
          joined(old, ", ") + "} Expression parameters: {" + joined(given, ", ") + "}");
    }
  }
  if (present(request, "ExpressionAttributeNames") && given.empty()) {
    return validation_error(
        "ExpressionAttributeNames can only be specified when using expressions");
  }
  std::vector<std::string_view> value_expressions;
  for (std::string_view field : expressions) {
    if (field != "ProjectionExpression") value_expressions.push_back(field);
  }
  const bool any_value_expression =
      std::any_of(value_expressions.begin(), value_expressions.end(),
                  [&](std::string_view field) { return present(request, field); });
  if (!value_expressions.empty() && present(request, "ExpressionAttributeValues") &&
      !any_value_expression) {
    return validation_error(
        "ExpressionAttributeValues can only be specified when using "
        "expressions: " +
        joined(value_expressions, " and ") +
        (value_expressions.size() > 1 ? " are null" : " is null"));
  }
  return {};
}

Result<RequestExpressions> read_request_expressions(const model::JsonValue& request) {
  RequestExpressions out;
  if (Status s = read_names(request.find("ExpressionAttributeNames"), out); !s) return s.error();
  if (Status s = read_values(request.find("ExpressionAttributeValues"), out); !s) return s.error();
  model::ExpressionContext context(&out.names, &out.values);
  if (const std::string* text = text_of(request, "UpdateExpression")) {
    auto update = model::parse_update(*text, context);
    if (!update) return update.take_error();
    out.update = std::move(*update);
  }
  if (const std::string* text = text_of(request, "ConditionExpression")) {
    auto condition = model::parse_condition(*text, model::ExpressionKind::kCondition, context);
    if (!condition) return condition.take_error();
    out.condition = std::move(*condition);
  }
  if (const std::string* text = text_of(request, "KeyConditionExpression")) {
    auto condition = model::parse_condition(*text, model::ExpressionKind::kKeyCondition, context);
    if (!condition) return condition.take_error();
    out.key_condition = std::move(*condition);
  }
  if (const std::string* text = text_of(request, "FilterExpression")) {
    auto condition = model::parse_condition(*text, model::ExpressionKind::kFilter, context);
    if (!condition) return condition.take_error();
    out.filter = std::move(*condition);
  }
  if (const std::string* text = text_of(request, "ProjectionExpression")) {
    auto projection = model::parse_projection(*text, context);
    if (!projection) return projection.take_error();
    out.projection = std::move(*projection);
  }
  if (Status used = context.check_all_used(); !used) return used.error();
  return out;
}

}  // namespace csv2ddb::local::dynamodb
