// Plain JSON in: the JSON copy / unprocessed form back to items, so an unprocessed/ file can be
// fed to `csv2ddb ingest` again. Plain JSON loses DynamoDB's types (sets become arrays, binary
// becomes a base64 string), so key attributes take their type from the key schema instead.
#include <string>
#include <string_view>

#include "model/dynamodb_json.hpp"
#include "model/dynamodb_messages.hpp"
#include "model/number.hpp"

namespace csv2ddb::model {
namespace {

Error invalid(std::string message) {
  return make_error("ValidationException", std::move(message));
}

Error at_attribute(Error error, std::string_view name) {
  error.message += " (attribute '" + std::string(name) + "')";
  return error;
}

Result<AttributeValue> decode_number_text(const std::string& text) {
  std::string canonical;
  const NumberStatus status = canonicalize_number(text, canonical);
  if (status != NumberStatus::kOk) return invalid(dynamodb_number_message(status, text));
  return AttributeValue::number(std::move(canonical));
}

Result<AttributeValue> decode_plain_value(const JsonValue& json) {
  switch (json.kind()) {
    case JsonValue::Kind::kNull:
      return AttributeValue::null();
    case JsonValue::Kind::kBool:
      return AttributeValue::boolean_value(json.as_bool());
    case JsonValue::Kind::kNumber:
      return decode_number_text(json.as_string());
    case JsonValue::Kind::kString:
      return AttributeValue::string(json.as_string());
    case JsonValue::Kind::kArray: {
      AttributeValue value;
      value.type = AttributeType::kL;
      value.list.reserve(json.as_array().size());
      for (const JsonValue& element : json.as_array()) {
        Result<AttributeValue> decoded = decode_plain_value(element);
        if (!decoded) return decoded.take_error();
        value.list.push_back(std::move(decoded.value()));
      }
      return value;
    }
    case JsonValue::Kind::kObject: {
      AttributeValue value;
      value.type = AttributeType::kM;
      value.map.reserve(json.as_object().size());
      for (const auto& [name, member] : json.as_object()) {
        Result<AttributeValue> decoded = decode_plain_value(member);
        if (!decoded) return decoded.take_error();
        value.map.emplace_back(name, std::move(decoded.value()));
      }
      return value;
    }
  }
  return invalid("unsupported JSON value");
}

// A key attribute as the schema types it: the JSON copy writes S keys as strings, N keys as
// numbers and B keys as base64 strings, and people editing the files by hand mix them up.
Result<AttributeValue> decode_key_value(const JsonValue& json, AttributeType type) {
  if (!json.is_string() && !json.is_number()) return decode_plain_value(json);
  const std::string& text = json.as_string();  // a string's value or a number's exact text
  switch (type) {
    case AttributeType::kS:
      return AttributeValue::string(text);
    case AttributeType::kN:
      return decode_number_text(text);
    case AttributeType::kB: {
      if (!json.is_string()) return decode_plain_value(json);
      Result<std::string> bytes = base64_decode(text);
      if (!bytes) return invalid("Invalid binary value: " + bytes.error().message);
      return AttributeValue::binary(std::move(bytes.value()));
    }
    default:
      return decode_plain_value(json);
  }
}

}  // namespace

Result<Item> decode_plain_item(const JsonValue& object, const KeySchema& schema) {
  if (!object.is_object()) {
    return invalid("An item must be a JSON object of attribute names and values");
  }
  Item item;
  item.attributes.reserve(object.as_object().size());
  for (const auto& [name, json] : object.as_object()) {
    Result<AttributeValue> decoded =
        name == schema.hash.name                     ? decode_key_value(json, schema.hash.type)
        : schema.range && name == schema.range->name ? decode_key_value(json, schema.range->type)
                                                     : decode_plain_value(json);
    if (!decoded) return at_attribute(decoded.take_error(), name);
    item.attributes.push_back(Attribute{name, std::move(decoded.value())});
  }
  return item;
}

}  // namespace csv2ddb::model
