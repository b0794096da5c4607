#include "local/deploy/parameters.hpp"

#include <optional>
#include <regex>
#include <stdexcept>

namespace csv2ddb::local::deploy {
namespace {

using model::JsonValue;

Error validation(const std::string& message) {
  return make_error("ValidationError", message);
}

std::string text_of(const JsonValue& value) {
  if (value.is_bool()) return value.as_bool() ? "true" : "false";
  return value.as_string();
}

std::optional<double> number_of(const std::string& text) {
  static const std::regex kNumber(R"(\s*-?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\s*)");
  if (!std::regex_match(text, kNumber)) return std::nullopt;
  try {
    return std::stod(text);
  } catch (const std::out_of_range&) {
    return std::nullopt;  // "1e999": not a number a template can mean
  }
}

Status check_one(const std::string& name, const JsonValue& spec, const std::string& value,
                 bool numeric) {
  if (numeric && !number_of(value)) {
    return validation("Parameter '" + name + "' must be a number");
  }
  if (const auto* allowed = spec.find("AllowedValues"); allowed && allowed->is_array()) {
    bool found = false;
    for (const JsonValue& option : allowed->as_array()) found = found || text_of(option) == value;
    if (!found) return validation("Parameter '" + name + "' must be one of AllowedValues");
  }
  if (const auto* pattern = spec.find("AllowedPattern"); pattern && pattern->is_string()) {
    try {
      if (!std::regex_match(value, std::regex(pattern->as_string()))) {
        return validation("Parameter '" + name + "' must match pattern " + pattern->as_string());
      }
    } catch (const std::regex_error&) {
      return validation("Parameter '" + name +
                        "' has an AllowedPattern csv2ddb local cannot "
                        "read: " +
                        pattern->as_string());
    }
  }
  // A bound that is not a number is the template's mistake (cfn-lint reports it): ignored.
  auto bound = [&](const char* field) -> std::optional<double> {
    const JsonValue* given = spec.find(field);
    return given == nullptr ? std::nullopt : number_of(text_of(*given));
  };
  const auto length = static_cast<double>(value.size());
  if (auto min = bound("MinLength"); min && length < *min) {
    return validation("Parameter '" + name + "' must contain at least " +
                      text_of(*spec.find("MinLength")) + " characters");
  }
  if (auto max = bound("MaxLength"); max && length > *max) {
    return validation("Parameter '" + name + "' must contain at most " +
                      text_of(*spec.find("MaxLength")) + " characters");
  }
  if (numeric) {
    const double number = *number_of(value);
    if (auto min = bound("MinValue"); min && number < *min) {
      return validation("Parameter '" + name + "' must be a number not less than " +
                        text_of(*spec.find("MinValue")));
    }
    if (auto max = bound("MaxValue"); max && number > *max) {
      return validation("Parameter '" + name + "' must be a number not greater than " +
                        text_of(*spec.find("MaxValue")));
    }
  }
  return {};
}

}  // namespace

Result<std::map<std::string, JsonValue, std::less<>>> resolve_parameters(
    const JsonValue& template_document,
    const std::vector<std::pair<std::string, std::string>>& given) {
  static const JsonValue kNone = JsonValue::object();
  const JsonValue* declared = template_document.find("Parameters");
  if (declared == nullptr) declared = &kNone;
  std::vector<std::string> unknown;
  for (const auto& [name, value] : given) {
    if (declared->find(name) == nullptr) unknown.push_back(name);
  }
  if (!unknown.empty()) {
    std::string names;
    for (const std::string& name : unknown) names += (names.empty() ? "" : ", ") + name;
    return validation("Parameters: [" + names + "] do not exist in the template");
  }
  std::map<std::string, JsonValue, std::less<>> out;
  std::vector<std::string> missing;
  for (const auto& [name, spec] : declared->as_object()) {
    std::optional<std::string> value;
    for (const auto& [given_name, given_value] : given) {
      if (given_name == name) value = given_value;  // the last --param for a name wins
    }
    if (!value) {
      if (const auto* fallback = spec.find("Default")) value = text_of(*fallback);
    }
    if (!value) {
      missing.push_back(name);
      continue;
    }
    const JsonValue* type_field = spec.find("Type");
    const std::string type = type_field && type_field->is_string() ? type_field->as_string() : "";
    const bool list = type == "CommaDelimitedList" || type.starts_with("List<");
    const bool numeric = type == "Number" || type == "List<Number>";
    if (!list) {
      if (Status ok = check_one(name, spec, *value, numeric); !ok) return ok.take_error();
      out[name] = JsonValue::string(*value);
      continue;
    }
    JsonValue items = JsonValue::array();
    std::size_t start = 0;
    while (true) {
      const auto comma = value->find(',', start);
      std::string item = value->substr(start, comma - start);
      if (Status ok = check_one(name, spec, item, numeric); !ok) return ok.take_error();
      items.push(JsonValue::string(std::move(item)));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    out[name] = std::move(items);
  }
  if (!missing.empty()) {
    std::string names;
    for (const std::string& name : missing) names += (names.empty() ? "" : ", ") + name;
    return validation("Parameters: [" + names + "] must have values");
  }
  return out;
}

}  // namespace csv2ddb::local::deploy
