// DynamoDB JSON in: {"name":{"S":"x"}} to items, with DynamoDB's validation and, where we know
// them, DynamoDB's own messages, so that what the local service rejects reads like AWS.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "model/dynamodb_json.hpp"
#include "model/dynamodb_messages.hpp"
#include "model/number.hpp"

namespace csv2ddb::model {
namespace {

constexpr std::string_view kInvalidPrefix = "One or more parameter values were invalid: ";
constexpr std::size_t kMaxCollectionInMessage = 500;

Error invalid(std::string message) {
  return make_error("ValidationException", std::move(message));
}

// DynamoDB quotes a duplicated collection as [a, b, a].
std::string collection_text(const std::vector<std::string_view>& members) {
  std::string text = "[";
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (i != 0) text.append(", ");
    text.append(members[i]);
    if (text.size() > kMaxCollectionInMessage) {
      text.append("...");
      break;
    }
  }
  text.push_back(']');
  return text;
}

bool has_duplicates(std::vector<std::string_view> members) {
  std::sort(members.begin(), members.end());
  return std::adjacent_find(members.begin(), members.end()) != members.end();
}

class Decoder {
 public:
  // Where the last error happened below the value being decoded, e.g. ".address.lines[2]".
  std::string path;
  // Takes what it reads as it stands, checking shapes only: for items the engine encoded itself
  // (decode_encoded_item), which must come back exactly as they went in, whatever DynamoDB will
  // say of them (an empty set member, a number it would canonicalise, a duplicate).
  bool exact = false;

  Result<AttributeValue> decode(const JsonValue& json) {
    if (depth_ > kMaxNestingLevels && !exact) {
      return invalid(
          "Nesting Levels have exceeded supported limits: Attributes in the item have nested "
          "levels beyond supported limit");
    }
    if (!json.is_object()) {
      return invalid(
          "Supplied AttributeValue is not a JSON object, must contain exactly one of the "
          "supported datatypes");
    }
    const JsonValue::Object& members = json.as_object();
    if (members.empty()) {
      return invalid(
          "Supplied AttributeValue is empty, must contain exactly one of the supported "
          "datatypes");
    }
    if (members.size() > 1) {
      return invalid(
          "Supplied AttributeValue has more than one datatypes set, must contain exactly one of "
          "the supported datatypes");
    }
    const auto& [type_text, body] = members.front();
    const std::optional<AttributeType> type = parse_type_name(type_text);
    if (!type) {
      return invalid("Supplied AttributeValue has an unknown datatype '" + type_text +
                     "', must contain exactly one of the supported datatypes");
    }
    switch (*type) {
      case AttributeType::kS:
        if (!body.is_string()) return wrong_shape("S", "a string");
        return AttributeValue::string(body.as_string());
      case AttributeType::kN:
        if (!body.is_string()) return wrong_shape("N", "a string");
        if (exact) return AttributeValue::number(body.as_string());
        return decode_number(body.as_string());
      case AttributeType::kB:
        if (!body.is_string()) return wrong_shape("B", "a base64 string");
        return decode_binary(body.as_string());
      case AttributeType::kBool:
        if (!body.is_bool()) return wrong_shape("BOOL", "true or false");
        return AttributeValue::boolean_value(body.as_bool());
      case AttributeType::kNull:
        if (!body.is_bool()) return wrong_shape("NULL", "true");
        if (!body.as_bool() && !exact) {
          return invalid(std::string(kInvalidPrefix) +
                         "Null attribute value types must have the value of true");
        }
        return AttributeValue::null();
      case AttributeType::kSS:
      case AttributeType::kNS:
      case AttributeType::kBS:
        return exact ? decode_set_exactly(*type, body) : decode_set(*type, body);
      case AttributeType::kL:
        return decode_list(body);
      case AttributeType::kM:
        return decode_map(body);
    }
    return invalid("unsupported datatype");
  }

 private:
  // DynamoDB's limit: a value nests at most 32 levels (an attribute is level 1), measured
  // against the service: 31 maps around a string are taken, 32 are refused.
  static constexpr int kMaxNestingLevels = 32;
  int depth_ = 1;

  static Error wrong_shape(std::string_view type, std::string_view expected) {
    return invalid("Supplied AttributeValue " + std::string(type) + " must be " +
                   std::string(expected));
  }

  static Result<AttributeValue> decode_number(const std::string& text) {
    std::string canonical;
    const NumberStatus status = canonicalize_number(text, canonical);
    if (status != NumberStatus::kOk) return invalid(dynamodb_number_message(status, text));
    return AttributeValue::number(std::move(canonical));
  }

  static Result<AttributeValue> decode_binary(const std::string& text) {
    Result<std::string> bytes = binary_bytes(text);
    if (!bytes) return bytes.take_error();
    return AttributeValue::binary(std::move(bytes.value()));
  }

  // A B value or BS member. DynamoDB's service decodes base64 while it reads the request, so a
  // malformed one is a SerializationException, in its (Java's) words, dynalite's too.
  static Result<std::string> binary_bytes(const std::string& text) {
    if (text.size() % 4 != 0) {
      return make_error("SerializationException",
                        "Base64 encoded length is expected a multiple of 4 bytes but found: " +
                            std::to_string(text.size()));
    }
    Result<std::string> bytes = base64_decode(text);
    if (!bytes || base64_encode(*bytes) != text) {
      return make_error("SerializationException",
                        "Invalid last non-pad Base64 character dectected");  // sic
    }
    return bytes;
  }

  static Result<AttributeValue> decode_set(AttributeType type, const JsonValue& body) {
    const std::string_view name = type_name(type);
    if (!body.is_array()) return wrong_shape(name, "an array of strings");
    const JsonValue::Array& elements = body.as_array();
    if (elements.empty()) {
      switch (type) {
        case AttributeType::kSS:
          return invalid(std::string(kInvalidPrefix) + "An string set  may not be empty");
        case AttributeType::kNS:
          return invalid(std::string(kInvalidPrefix) + "An number set  may not be empty");
        default:
          return invalid(std::string(kInvalidPrefix) + "Binary sets should not be empty");
      }
    }
    AttributeValue value;
    value.type = type;
    value.set.reserve(elements.size());
    for (const JsonValue& element : elements) {
      if (!element.is_string()) return wrong_shape(name, "an array of strings");
      const std::string& text = element.as_string();
      if (type == AttributeType::kSS) {
        if (text.empty()) {
          return invalid(std::string(kInvalidPrefix) +
                         "An string set may not have a empty string as a member");
        }
        value.set.push_back(text);
      } else if (type == AttributeType::kNS) {
        std::string canonical;
        const NumberStatus status = canonicalize_number(text, canonical);
        if (status != NumberStatus::kOk) return invalid(dynamodb_number_message(status, text));
        value.set.push_back(std::move(canonical));
      } else {
        if (text.empty()) {
          return invalid(std::string(kInvalidPrefix) +
                         "Binary sets may not contain null or empty values");
        }
        Result<std::string> bytes = binary_bytes(text);
        if (!bytes) return bytes.take_error();
        value.set.push_back(std::move(bytes.value()));
      }
    }
    // Duplicates are judged on decoded members: NS "1" and "1.0" are the same number.
    const std::vector<std::string_view> members(value.set.begin(), value.set.end());
    if (has_duplicates(members)) {
      if (type == AttributeType::kNS) return invalid("Input collection contains duplicates");
      std::vector<std::string_view> as_sent;
      as_sent.reserve(elements.size());
      for (const JsonValue& element : elements) as_sent.push_back(element.as_string());
      return invalid(std::string(kInvalidPrefix) + "Input collection " + collection_text(as_sent) +
                     (type == AttributeType::kBS ? " of type BS" : "") + " contains duplicates.");
    }
    return value;
  }

  static Result<AttributeValue> decode_set_exactly(AttributeType type, const JsonValue& body) {
    if (!body.is_array()) return wrong_shape(type_name(type), "an array of strings");
    AttributeValue value;
    value.type = type;
    value.set.reserve(body.as_array().size());
    for (const JsonValue& element : body.as_array()) {
      if (!element.is_string()) return wrong_shape(type_name(type), "an array of strings");
      if (type != AttributeType::kBS) {
        value.set.push_back(element.as_string());
        continue;
      }
      Result<std::string> bytes = base64_decode(element.as_string());
      if (!bytes) return invalid("Invalid binary value: " + bytes.error().message);
      value.set.push_back(std::move(bytes.value()));
    }
    return value;
  }

  Result<AttributeValue> decode_list(const JsonValue& body) {
    if (!body.is_array()) return wrong_shape("L", "an array of AttributeValues");
    AttributeValue value;
    value.type = AttributeType::kL;
    value.list.reserve(body.as_array().size());
    std::size_t index = 0;
    for (const JsonValue& element : body.as_array()) {
      ++depth_;
      Result<AttributeValue> decoded = decode(element);
      --depth_;
      if (!decoded) {
        std::string segment = "[";  // built step by step: g++ 12 -O3 misreports "[" + ... + "]"
        segment.append(std::to_string(index));
        segment.push_back(']');
        path.insert(0, segment);
        return decoded.take_error();
      }
      value.list.push_back(std::move(decoded.value()));
      ++index;
    }
    return value;
  }

  Result<AttributeValue> decode_map(const JsonValue& body) {
    if (!body.is_object()) return wrong_shape("M", "an object of AttributeValues");
    AttributeValue value;
    value.type = AttributeType::kM;
    value.map.reserve(body.as_object().size());
    for (const auto& [name, member] : body.as_object()) {
      ++depth_;
      Result<AttributeValue> decoded = decode(member);
      --depth_;
      if (!decoded) {
        path.insert(0, "." + name);
        return decoded.take_error();
      }
      value.map.emplace_back(name, std::move(decoded.value()));
    }
    if (exact) return value;
    if (Status unique = check_unique_names(body.as_object()); !unique) return unique.take_error();
    return value;
  }

 public:
  // The same name twice in one object would make the item ambiguous (JSON leaves it undefined
  // which one wins), so it is refused rather than guessed.
  static Status check_unique_names(const JsonValue::Object& members) {
    std::vector<std::string_view> names;
    names.reserve(members.size());
    for (const auto& member : members) names.push_back(member.first);
    std::sort(names.begin(), names.end());
    const auto duplicate = std::adjacent_find(names.begin(), names.end());
    if (duplicate != names.end()) {
      return invalid("Duplicate attribute name '" + std::string(*duplicate) + "'");
    }
    return {};
  }
};

Error with_location(Error error, std::string_view attribute, std::string_view path) {
  std::string where(attribute);
  where.append(path);
  if (!where.empty() && where.front() == '.') where.erase(0, 1);
  if (!where.empty()) error.message += " (attribute '" + where + "')";
  return error;
}

}  // namespace

std::string dynamodb_number_message(NumberStatus status, std::string_view text) {
  switch (status) {
    case NumberStatus::kOk:
      return {};
    case NumberStatus::kInvalid:
      if (text.empty()) return "The parameter cannot be converted to a numeric value";
      return "The parameter cannot be converted to a numeric value: " + std::string(text);
    case NumberStatus::kTooPrecise:
      return "Attempting to store more than 38 significant digits in a Number";
    case NumberStatus::kTooLarge:
      return "Number overflow. Attempting to store a number with magnitude larger than "
             "supported range";
    case NumberStatus::kTooSmall:
      return "Number underflow. Attempting to store a number with magnitude smaller than "
             "supported range";
  }
  return {};
}

Result<AttributeValue> decode_dynamodb_value(const JsonValue& value) {
  Decoder decoder;
  Result<AttributeValue> decoded = decoder.decode(value);
  if (!decoded) return with_location(decoded.take_error(), "", decoder.path);
  return decoded;
}

namespace {

Result<Item> decode_item(const JsonValue& object, bool exact) {
  if (!object.is_object()) {
    return invalid("An item must be a JSON object of attribute names and AttributeValues");
  }
  Item item;
  item.attributes.reserve(object.as_object().size());
  for (const auto& [name, json] : object.as_object()) {
    if (name.empty() && !exact) {
      return invalid(std::string(kInvalidPrefix) + "An attribute name may not be empty");
    }
    Decoder decoder;
    decoder.exact = exact;
    Result<AttributeValue> decoded = decoder.decode(json);
    if (!decoded) return with_location(decoded.take_error(), name, decoder.path);
    item.attributes.push_back(Attribute{name, std::move(decoded.value())});
  }
  if (exact) return item;
  if (Status unique = Decoder::check_unique_names(object.as_object()); !unique) {
    return unique.take_error();
  }
  return item;
}

}  // namespace

Result<Item> decode_dynamodb_item(const JsonValue& object) {
  return decode_item(object, false);
}

Result<Item> decode_encoded_item(std::string_view json) {
  // As deep as an item can be: DynamoDB's 32 levels of M and L, two JSON levels each.
  constexpr std::size_t kMaxDepth = 2 * 32 + 8;
  auto document = parse_json(json, JsonParseOptions{kMaxDepth});
  if (!document) return document.take_error();
  return decode_item(*document, true);
}

}  // namespace csv2ddb::model
