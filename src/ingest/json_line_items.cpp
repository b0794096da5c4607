#include "ingest/json_line_items.hpp"

#include <algorithm>

#include "model/dynamodb_json.hpp"
#include "model/item_size.hpp"
#include "model/json.hpp"
#include "model/number.hpp"

namespace csv2ddb::ingest {
namespace {

using model::AttributeType;
using model::AttributeValue;
using model::JsonValue;

bool is_blank(std::string_view line) {
  return std::all_of(line.begin(), line.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

std::string_view kind_name(JsonValue::Kind kind) {
  switch (kind) {
    case JsonValue::Kind::kNull:
      return "null";
    case JsonValue::Kind::kBool:
      return "a boolean";
    case JsonValue::Kind::kNumber:
      return "a number";
    case JsonValue::Kind::kString:
      return "a string";
    case JsonValue::Kind::kArray:
      return "an array";
    case JsonValue::Kind::kObject:
      return "an object";
  }
  return "a value";
}

// The line as a JSON object, or the reason it is not one.
LineOutcome parse_object(std::string_view line, JsonValue& object, std::string& reason) {
  if (is_blank(line)) return LineOutcome::kSkipped;
  Result<JsonValue> parsed = model::parse_json(line);
  if (!parsed) {
    reason = "the line is not valid JSON: " + parsed.error().message;
    return LineOutcome::kRejected;
  }
  if (!parsed->is_object()) {
    reason = "the line is " + std::string(kind_name(parsed->kind())) +
             ", not a JSON object (JSON Lines holds one object per line)";
    return LineOutcome::kRejected;
  }
  object = std::move(*parsed);
  return LineOutcome::kPut;
}

// The rules every item meets, whatever its format: its key, its size.
LineOutcome checked(const model::Item& item, const model::KeySchema& schema, LineOutcome outcome,
                    std::string& reason) {
  if (Status key = model::validate_key(item, schema); !key) {
    reason = key.error().message;
    return LineOutcome::kRejected;
  }
  if (const std::size_t size = model::item_size(item); size > model::kMaxItemBytes) {
    reason = "item is " + std::to_string(size) + " bytes; the limit is " +
             std::to_string(model::kMaxItemBytes);
    return LineOutcome::kRejected;
  }
  return outcome;
}

LineOutcome decode_member(const JsonValue& object, std::string_view member, model::Item& item,
                          std::string& reason) {
  Result<model::Item> decoded = model::decode_dynamodb_item(object);
  if (!decoded) {
    reason = std::string(member) + ": " + decoded.error().message;
    return LineOutcome::kRejected;
  }
  item = std::move(*decoded);
  return LineOutcome::kPut;
}

// ---- --types for plain JSON ----

std::string typed_as(const std::string& name, AttributeType type) {
  return "attribute '" + name + "' is typed " + std::string(model::type_name(type)) +
         " by --types but ";
}

// A scalar member of a set, or a B or N value, from what plain JSON holds.
std::string convert_member(const AttributeValue& value, AttributeType type, std::string& out) {
  const bool text_like = value.type == AttributeType::kS || value.type == AttributeType::kN;
  if (type == AttributeType::kS) {
    if (!text_like) return "holds a " + std::string(model::type_name(value.type));
    out = value.text;
    return {};
  }
  if (type == AttributeType::kN) {
    if (!text_like) return "holds a " + std::string(model::type_name(value.type));
    Result<std::string> number = model::canonical_number(value.text);
    if (!number) return number.error().message;
    out = std::move(*number);
    return {};
  }
  if (value.type != AttributeType::kS)
    return "holds a " + std::string(model::type_name(value.type));
  Result<std::string> bytes = model::base64_decode(value.text);
  if (!bytes) return bytes.error().message;
  out = std::move(*bytes);
  return {};
}

AttributeType member_type(AttributeType set) {
  return set == AttributeType::kSS   ? AttributeType::kS
         : set == AttributeType::kNS ? AttributeType::kN
                                     : AttributeType::kB;
}

// Retypes `value` to `type`; returns what is wrong, or "".
std::string retype(AttributeValue& value, AttributeType type) {
  if (value.type == type) return {};
  switch (type) {
    case AttributeType::kSS:
    case AttributeType::kNS:
    case AttributeType::kBS: {
      if (value.type != AttributeType::kL) {
        return "holds a " + std::string(model::type_name(value.type)) + ", not an array";
      }
      AttributeValue set;
      set.type = type;
      std::string member;
      for (const AttributeValue& element : value.list) {
        if (std::string wrong = convert_member(element, member_type(type), member);
            !wrong.empty()) {
          return "has a member that " + wrong;
        }
        // As a CSV cell "a;a": the set {a} (DynamoDB refuses duplicates).
        if (std::find(set.set.begin(), set.set.end(), member) == set.set.end()) {
          set.set.push_back(member);
        }
      }
      value = std::move(set);
      return {};
    }
    case AttributeType::kS:
    case AttributeType::kN:
    case AttributeType::kB: {
      std::string text;
      if (std::string wrong = convert_member(value, type, text); !wrong.empty()) return wrong;
      value = AttributeValue{};
      value.type = type;
      value.text = std::move(text);
      return {};
    }
    case AttributeType::kBool:
      if (value.type == AttributeType::kS && (value.text == "true" || value.text == "false")) {
        value = AttributeValue::boolean_value(value.text == "true");
        return {};
      }
      return "holds a " + std::string(model::type_name(value.type));
    default:
      return "holds a " + std::string(model::type_name(value.type));
  }
}

// Applies a --types spec; an empty set (from []) is omitted, as an empty CSV cell is.
std::string apply_typing(model::Item& item, const Typing& typing) {
  if (typing.mode != Typing::Mode::kSpec) return {};
  for (const auto& column : typing.columns) {
    const std::string& name = column.first;
    const AttributeType type = column.second;
    auto found = std::find_if(item.attributes.begin(), item.attributes.end(),
                              [&name](const model::Attribute& a) { return a.name == name; });
    if (found == item.attributes.end()) continue;
    if (std::string wrong = retype(found->value, type); !wrong.empty()) {
      return typed_as(name, type) + wrong;
    }
    const bool is_set =
        type == AttributeType::kSS || type == AttributeType::kNS || type == AttributeType::kBS;
    if (is_set && found->value.set.empty()) item.attributes.erase(found);
  }
  return {};
}

}  // namespace

LineOutcome decode_dynamodb_json_line(std::string_view line, const model::KeySchema& schema,
                                      model::Item& item, std::string& reason) {
  JsonValue object;
  if (LineOutcome parsed = parse_object(line, object, reason); parsed != LineOutcome::kPut) {
    return parsed;
  }
  if (const JsonValue* image = object.find("Item")) {
    LineOutcome decoded = decode_member(*image, "Item", item, reason);
    return decoded == LineOutcome::kPut ? checked(item, schema, decoded, reason) : decoded;
  }
  const JsonValue* keys = object.find("Keys");
  const JsonValue* new_image = object.find("NewImage");
  if (keys == nullptr && new_image == nullptr) {
    reason =
        "a DynamoDB JSON line is {\"Item\":{...}}, or an export's change record with \"Keys\"; "
        "this one has neither";
    return LineOutcome::kRejected;
  }
  if (new_image != nullptr) {
    LineOutcome decoded = decode_member(*new_image, "NewImage", item, reason);
    return decoded == LineOutcome::kPut ? checked(item, schema, decoded, reason) : decoded;
  }
  LineOutcome decoded = decode_member(*keys, "Keys", item, reason);
  return decoded == LineOutcome::kPut ? checked(item, schema, LineOutcome::kDelete, reason)
                                      : decoded;
}

LineOutcome decode_plain_json_line(std::string_view line, const model::KeySchema& schema,
                                   const Typing& typing, model::Item& item, std::string& reason) {
  JsonValue object;
  if (LineOutcome parsed = parse_object(line, object, reason); parsed != LineOutcome::kPut) {
    return parsed;
  }
  Result<model::Item> decoded = model::decode_plain_item(object, schema);
  if (!decoded) {
    reason = decoded.error().message;
    return LineOutcome::kRejected;
  }
  item = std::move(*decoded);
  if (std::string wrong = apply_typing(item, typing); !wrong.empty()) {
    reason = std::move(wrong);
    return LineOutcome::kRejected;
  }
  return checked(item, schema, LineOutcome::kPut, reason);
}

}  // namespace csv2ddb::ingest
