#include "model/json_members.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>

namespace csv2ddb::model {
namespace {

Error invalid(std::string_view name, std::string_view what) {
  return make_error("InvalidJson", std::string(name) + " " + std::string(what));
}

}  // namespace

Result<std::uint64_t> count_member(const JsonValue& object, std::string_view name) {
  const JsonValue* value = object.find(name);
  if (value == nullptr || !value->is_number()) return invalid(name, "is missing");
  const std::string& text = value->as_string();
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) {
    return invalid(name, "is not a count: " + text);
  }
  errno = 0;
  const unsigned long long parsed = std::strtoull(text.c_str(), nullptr, 10);
  if (errno != 0) return invalid(name, "is out of range: " + text);
  return static_cast<std::uint64_t>(parsed);
}

Result<double> non_negative_member(const JsonValue& object, std::string_view name) {
  const JsonValue* value = object.find(name);
  if (value == nullptr || !value->is_number()) return invalid(name, "is missing");
  const double parsed = std::strtod(value->as_string().c_str(), nullptr);
  if (!(parsed >= 0)) return invalid(name, "is negative");
  return parsed;
}

Result<std::string> string_member(const JsonValue& object, std::string_view name) {
  const JsonValue* value = object.find(name);
  if (value == nullptr || !value->is_string()) return invalid(name, "is missing");
  return value->as_string();
}

Result<std::string> text_member(const JsonValue& object, std::string_view name) {
  Result<std::string> text = string_member(object, name);
  if (text && text->empty()) return invalid(name, "is missing");
  return text;
}

Result<std::vector<std::string>> strings_member(const JsonValue& object, std::string_view name) {
  const JsonValue* value = object.find(name);
  if (value == nullptr || !value->is_array()) return invalid(name, "is missing");
  std::vector<std::string> out;
  for (const JsonValue& element : value->as_array()) {
    if (!element.is_string()) return invalid(name, "holds something other than strings");
    out.push_back(element.as_string());
  }
  return out;
}

Result<const JsonValue*> object_member(const JsonValue& object, std::string_view name) {
  const JsonValue* value = object.find(name);
  if (value == nullptr || !value->is_object()) return invalid(name, "is missing");
  return value;
}

std::string exact_number(double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

}  // namespace csv2ddb::model
