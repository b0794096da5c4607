#include "local/dynamodb/projection.hpp"

#include <algorithm>

#include "local/dynamodb/request_checks.hpp"

namespace csv2ddb::local::dynamodb {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return text;
}

}  // namespace

Result<std::string> resolve_name(std::string_view token, const model::JsonValue& request,
                                 std::string_view expression_kind) {
  if (!token.starts_with('#')) return std::string(token);
  const model::JsonValue* names = request.find("ExpressionAttributeNames");
  const model::JsonValue* name = names != nullptr ? names->find(token) : nullptr;
  if (name == nullptr || !name->is_string()) {
    return validation_error("Invalid " + std::string(expression_kind) +
                            ": An expression attribute name used in the document path is not "
                            "defined; attribute name: " +
                            std::string(token));
  }
  return name->as_string();
}

Result<std::optional<std::vector<std::string>>> parse_projection(const model::JsonValue& request) {
  const model::JsonValue* expression = request.find("ProjectionExpression");
  if (expression == nullptr || !expression->is_string()) {
    return std::optional<std::vector<std::string>>();
  }
  std::vector<std::string> names;
  std::string_view text = expression->as_string();
  while (true) {
    const std::size_t comma = text.find(',');
    const std::string_view token = trim(text.substr(0, comma));
    if (token.empty()) {
      return validation_error("Invalid ProjectionExpression: Syntax error; token: \",\", near: \"" +
                              std::string(token) + "\"");
    }
    if (token.find_first_of(".[] ") != std::string_view::npos) {
      return validation_error(
          "csv2ddb local supports only top-level attributes in "
          "ProjectionExpression");
    }
    auto name = resolve_name(token, request, "ProjectionExpression");
    if (!name) return name.take_error();
    names.push_back(std::move(*name));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return std::optional<std::vector<std::string>>(std::move(names));
}

Status append_projected(std::string& out, std::string_view item_json,
                        const std::optional<std::vector<std::string>>& projection) {
  if (!projection) {
    out.append(item_json);
    return {};
  }
  auto item = model::parse_json(item_json);
  if (!item) return make_error("InternalServerError", "stored item unreadable");
  out += '{';
  bool first = true;
  for (const auto& [name, value] : item->as_object()) {
    if (std::find(projection->begin(), projection->end(), name) == projection->end()) continue;
    if (!first) out += ',';
    first = false;
    model::append_json_string(out, name);
    out += ':';
    model::JsonWriter(out).value(value);
  }
  out += '}';
  return {};
}

}  // namespace csv2ddb::local::dynamodb
