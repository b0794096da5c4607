#include "local/dynamodb/request_checks.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace csv2ddb::local::dynamodb {
namespace {

bool is_integral_text(const std::string& text) {
  return text.find_first_of(".eE") == std::string::npos;
}

std::string kind_java_name(FieldKind kind) {
  switch (kind) {
    case FieldKind::kString:
      return "String";
    case FieldKind::kInteger:
      return "Integer";
    case FieldKind::kLong:
      return "Long";
    case FieldKind::kBoolean:
      return "Boolean";
    default:
      return "";
  }
}

bool equals_ignore_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::size_t utf8_length(std::string_view text) {
  std::size_t count = 0;
  for (char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return count;
}

}  // namespace

Error validation_error(std::string message) {
  return make_error("ValidationException", std::move(message));
}

Error serialization_error(std::string message) {
  return make_error("SerializationException", std::move(message));
}

Status check_kind(const model::JsonValue* value, FieldKind kind) {
  if (value == nullptr || value->is_null()) return {};
  using Kind = model::JsonValue::Kind;
  const Kind actual = value->kind();
  switch (kind) {
    case FieldKind::kString:
    case FieldKind::kInteger:
    case FieldKind::kLong:
    case FieldKind::kBoolean: {
      const std::string java = kind_java_name(kind);
      if (actual == Kind::kArray) {
        return serialization_error("Unrecognized collection type class java.lang." + java);
      }
      if (actual == Kind::kObject) {
        return serialization_error("Start of structure or map found where not expected");
      }
      if (kind == FieldKind::kString) {
        if (actual == Kind::kBool) {
          return serialization_error(std::string(value->as_bool() ? "TRUE_VALUE" : "FALSE_VALUE") +
                                     " cannot be converted to String");
        }
        if (actual == Kind::kNumber) {
          return serialization_error(
              std::string(is_integral_text(value->as_string()) ? "NUMBER_VALUE" : "DECIMAL_VALUE") +
              " cannot be converted to String");
        }
        return {};
      }
      if (kind == FieldKind::kBoolean) {
        if (actual == Kind::kNumber) {
          return serialization_error(
              std::string(is_integral_text(value->as_string()) ? "NUMBER_VALUE" : "DECIMAL_VALUE") +
              " cannot be converted to Boolean");
        }
        if (actual == Kind::kString) {
          const std::string& text = value->as_string();
          for (std::string_view ok : {"true", "1", "yes", "false", "0", "no"}) {
            if (equals_ignore_case(text, ok)) return {};
          }
          return serialization_error("Unexpected token received from parser");
        }
        return {};
      }
      if (actual == Kind::kBool) {
        return serialization_error(std::string(value->as_bool() ? "TRUE_VALUE" : "FALSE_VALUE") +
                                   " cannot be converted to " + java);
      }
      if (actual == Kind::kString) {
        return serialization_error("STRING_VALUE cannot be converted to " + java);
      }
      return {};
    }
    case FieldKind::kList:
      if (actual == Kind::kObject) {
        return serialization_error("Start of structure or map found where not expected");
      }
      if (actual != Kind::kArray) return serialization_error("Unexpected field type");
      return {};
    case FieldKind::kMap:
      if (actual == Kind::kArray) {
        return serialization_error(
            "Unrecognized collection type java.util.Map<java.lang.String, "
            "com.amazonaws.dynamodb.v20120810.AttributeValue>");
      }
      if (actual != Kind::kObject) return serialization_error("Unexpected field type");
      return {};
    case FieldKind::kStruct:
      if (actual == Kind::kArray) {
        return serialization_error("Start of list found where not expected");
      }
      if (actual != Kind::kObject) return serialization_error("Unexpected field type");
      return {};
  }
  return {};
}

Status check_kinds(const model::JsonValue& request, std::initializer_list<FieldSpec> fields) {
  for (const FieldSpec& field : fields) {
    if (Status s = check_kind(request.find(field.name), field.kind); !s) return s;
  }
  return {};
}

Status check_table_name_required(const model::JsonValue& request) {
  const model::JsonValue* name = request.find("TableName");
  if (name == nullptr || name->is_null()) {
    return validation_error(
        "The parameter 'TableName' is required but was not present in the request");
  }
  const std::size_t length = utf8_length(name->as_string());
  if (length < 3 || length > 255) {
    return validation_error(
        "TableName must be at least 3 characters long and at most 255 characters long");
  }
  return {};
}

std::string constraint_value_text(const model::JsonValue* value) {
  if (value == nullptr || value->is_null()) return "null";
  switch (value->kind()) {
    case model::JsonValue::Kind::kBool:
      return value->as_bool() ? "true" : "false";
    case model::JsonValue::Kind::kArray: {
      std::string out = "[";
      bool first = true;
      for (const model::JsonValue& item : value->as_array()) {
        if (!first) out += ", ";
        first = false;
        out += constraint_value_text(&item);
      }
      return out + "]";
    }
    case model::JsonValue::Kind::kObject:
      return model::to_json(*value);
    default:
      return value->as_string();
  }
}

std::size_t json_length(const model::JsonValue& value) {
  if (value.is_array()) return value.as_array().size();
  if (value.is_object()) return value.as_object().size();
  return utf8_length(value.as_string());
}

bool is_table_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
  });
}

std::int64_t json_integer(const model::JsonValue* value) {
  if (value == nullptr || !value->is_number()) return 0;
  const std::string& text = value->as_string();
  std::int64_t out = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec == std::errc() && end == text.data() + text.size()) return out;
  double d = 0;
  std::from_chars(text.data(), text.data() + text.size(), d);
  if (!std::isfinite(d)) return d > 0 ? INT64_MAX : INT64_MIN;
  if (d >= 9.2e18) return INT64_MAX;
  if (d <= -9.2e18) return INT64_MIN;
  return static_cast<std::int64_t>(std::floor(d));
}

bool json_boolean(const model::JsonValue* value) {
  if (value == nullptr) return false;
  if (value->is_bool()) return value->as_bool();
  if (value->is_string()) {
    for (std::string_view yes : {"true", "1", "yes"}) {
      if (equals_ignore_case(value->as_string(), yes)) return true;
    }
  }
  return false;
}

void ConstraintErrors::require(bool ok, const model::JsonValue* value, std::string_view path,
                               std::string_view constraint) {
  if (ok || errors_.size() >= 10) return;
  std::string text = constraint_value_text(value);
  if (text != "null") text = "'" + text + "'";
  errors_.push_back("Value " + text + " at '" + std::string(path) +
                    "' failed to satisfy constraint: " + std::string(constraint));
}

void ConstraintErrors::not_null(const model::JsonValue* value, std::string_view path) {
  require(value != nullptr && !value->is_null(), value, path, "Member must not be null");
}

void ConstraintErrors::table_name_pattern(const model::JsonValue* value, std::string_view path) {
  if (value == nullptr || value->is_null()) return;
  require(is_table_name(value->as_string()), value, path,
          "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
}

void ConstraintErrors::enum_of(const model::JsonValue* value, std::string_view path,
                               std::initializer_list<std::string_view> allowed) {
  if (value == nullptr || value->is_null()) return;
  const bool ok = std::find(allowed.begin(), allowed.end(), value->as_string()) != allowed.end();
  std::string constraint = "Member must satisfy enum value set: [";
  bool first = true;
  for (std::string_view option : allowed) {
    if (!first) constraint += ", ";
    first = false;
    constraint += option;
  }
  require(ok, value, path, constraint + "]");
}

void ConstraintErrors::length_between(const model::JsonValue* value, std::string_view path,
                                      std::size_t min, std::size_t max) {
  if (value == nullptr || value->is_null()) return;
  const std::size_t length = json_length(*value);
  require(length >= min, value, path,
          "Member must have length greater than or equal to " + std::to_string(min));
  require(length <= max, value, path,
          "Member must have length less than or equal to " + std::to_string(max));
}

void ConstraintErrors::at_least(const model::JsonValue* value, std::string_view path,
                                std::int64_t min) {
  if (value == nullptr || value->is_null()) return;
  require(json_integer(value) >= min, value, path,
          "Member must have value greater than or equal to " + std::to_string(min));
}

void ConstraintErrors::at_most(const model::JsonValue* value, std::string_view path,
                               std::int64_t max) {
  if (value == nullptr || value->is_null()) return;
  require(json_integer(value) <= max, value, path,
          "Member must have value less than or equal to " + std::to_string(max));
}

Status ConstraintErrors::result() const {
  if (errors_.empty()) return {};
  std::string message = std::to_string(errors_.size()) + " validation error" +
                        (errors_.size() > 1 ? "s" : "") + " detected: ";
  for (std::size_t i = 0; i < errors_.size(); ++i) {
    if (i != 0) message += "; ";
    message += errors_[i];
  }
  return validation_error(std::move(message));
}

}  // namespace csv2ddb::local::dynamodb
