// Key schemas: parsing --key, checking an item's key attributes, and key fingerprints.
#include <algorithm>
#include <string>
#include <string_view>

#include "model/attribute_value.hpp"
#include "model/number.hpp"

namespace csv2ddb::model {
namespace {

constexpr std::string_view kKeySchemaExample = "expected e.g. account:S,offer_id:N";

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

Error schema_error(std::string message) {
  return make_error("InvalidKeySchema", std::move(message));
}

Result<KeyAttribute> parse_key_attribute(std::string_view part, std::string_view whole) {
  part = trim(part);
  std::string_view name = part;
  std::string_view type_text = "S";
  if (const std::size_t colon = part.find(':'); colon != std::string_view::npos) {
    name = trim(part.substr(0, colon));
    type_text = trim(part.substr(colon + 1));
  }
  if (name.empty()) {
    return schema_error("key schema '" + std::string(whole) + "' has an empty attribute name; " +
                        std::string(kKeySchemaExample));
  }
  const std::optional<AttributeType> type = parse_type_name(type_text);
  if (!type ||
      (*type != AttributeType::kS && *type != AttributeType::kN && *type != AttributeType::kB)) {
    return schema_error("key attribute '" + std::string(name) + "' has type '" +
                        std::string(type_text) + "'; key types are S, N or B");
  }
  return KeyAttribute{std::string(name), *type};
}

Status check_key_attribute(const Item& item, const KeyAttribute& key, std::string_view role,
                           std::size_t limit) {
  const AttributeValue* value = item.find(key.name);
  if (value == nullptr) {
    return make_error("MissingKey", "key attribute '" + key.name + "' is missing");
  }
  if (value->type != key.type) {
    return make_error("KeyTypeMismatch", "key attribute '" + key.name + "' has type " +
                                             std::string(type_name(value->type)) +
                                             "; the key schema says " +
                                             std::string(type_name(key.type)));
  }
  if (value->text.empty()) {
    return make_error("EmptyKey", "key attribute '" + key.name +
                                      "' is empty; DynamoDB does not allow empty key values");
  }
  // Numbers are stored in about half their digits, well under any key limit; S and B count
  // their bytes.
  if (key.type != AttributeType::kN && value->text.size() > limit) {
    return make_error("KeyTooLarge", std::string(role) + " '" + key.name + "' is " +
                                         std::to_string(value->text.size()) +
                                         " bytes; the limit is " + std::to_string(limit));
  }
  return {};
}

void append_fingerprint_part(std::string& out, const Item& item, const KeyAttribute& key) {
  const AttributeValue* value = item.find(key.name);
  if (value == nullptr) {
    out.push_back('-');  // absent: distinct from any present value, whose tag is a type name
    return;
  }
  std::string canonical;
  std::string_view bytes = value->text;
  if (value->type == AttributeType::kN &&
      canonicalize_number(value->text, canonical) == NumberStatus::kOk) {
    bytes = canonical;
  }
  // Type tag, then the length, then the bytes: no two different keys can spell the same string.
  out.append(type_name(value->type));
  out.push_back(':');
  out.append(std::to_string(bytes.size()));
  out.push_back(':');
  out.append(bytes);
}

}  // namespace

Result<KeySchema> parse_key_schema(std::string_view text) {
  if (trim(text).empty()) {
    return schema_error("key schema is empty; " + std::string(kKeySchemaExample));
  }
  const std::size_t comma = text.find(',');
  if (comma != std::string_view::npos && text.find(',', comma + 1) != std::string_view::npos) {
    return schema_error("key schema '" + std::string(text) +
                        "' has more than two attributes; a key is a hash key and at most one "
                        "range key");
  }
  KeySchema schema;
  Result<KeyAttribute> hash = parse_key_attribute(text.substr(0, comma), text);
  if (!hash) return hash.take_error();
  schema.hash = std::move(hash.value());
  if (comma != std::string_view::npos) {
    Result<KeyAttribute> range = parse_key_attribute(text.substr(comma + 1), text);
    if (!range) return range.take_error();
    if (range->name == schema.hash.name) {
      return schema_error("key schema '" + std::string(text) + "' names '" + range->name +
                          "' twice; the hash and range keys must differ");
    }
    schema.range = std::move(range.value());
  }
  return schema;
}

Status validate_key(const Item& item, const KeySchema& schema) {
  if (Status status = check_key_attribute(item, schema.hash, "hash key", kMaxHashKeyBytes);
      !status) {
    return status;
  }
  if (schema.range) {
    return check_key_attribute(item, *schema.range, "range key", kMaxRangeKeyBytes);
  }
  return {};
}

std::string key_fingerprint(const Item& item, const KeySchema& schema) {
  std::string out;
  append_key_fingerprint(out, item, schema);
  return out;
}

void append_key_fingerprint(std::string& out, const Item& item, const KeySchema& schema) {
  append_fingerprint_part(out, item, schema.hash);
  if (schema.range) append_fingerprint_part(out, item, *schema.range);
}

std::size_t hash_part_bytes(std::string_view fingerprint) {
  if (fingerprint.empty()) return 0;
  if (fingerprint.front() == '-') return 1;  // the item has no hash key
  // "T:length:value": the value's length, not a search for the next ':', ends the part.
  const std::size_t first = fingerprint.find(':');
  const std::size_t second = fingerprint.find(':', first == std::string_view::npos ? 0 : first + 1);
  if (first == std::string_view::npos || second == std::string_view::npos)
    return fingerprint.size();
  std::size_t length = 0;
  for (std::size_t i = first + 1; i < second; ++i) {
    length = length * 10 + static_cast<std::size_t>(fingerprint[i] - '0');
  }
  return std::min(second + 1 + length, fingerprint.size());
}

}  // namespace csv2ddb::model
