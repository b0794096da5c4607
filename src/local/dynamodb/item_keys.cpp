#include "local/dynamodb/item_keys.hpp"

#include <algorithm>

#include "local/dynamodb/number_sort_key.hpp"
#include "local/dynamodb/request_checks.hpp"
#include "model/dynamodb_json.hpp"

namespace csv2ddb::local::dynamodb {
namespace {

constexpr std::string_view kInvalid = "One or more parameter values were invalid: ";

std::string_view value_type_name(const model::AttributeValue& value) {
  return model::type_name(value.type);
}

std::string empty_key_kind(model::AttributeType type) {
  return type == model::AttributeType::kS ? "string" : "binary";
}

// Checks one key attribute's value: emptiness and size. `whole_item` selects PutItem's
// wording for empty keys ("are not valid") over GetItem's ("were invalid").
Status check_key_value(const model::AttributeValue& value, const model::KeyAttribute& key,
                       bool is_hash, bool whole_item) {
  if (key.type != model::AttributeType::kN && value.text.empty()) {
    return validation_error(std::string(whole_item ? "One or more parameter values are not valid. "
                                                   : std::string(kInvalid)) +
                            "The AttributeValue for a key attribute cannot contain an empty " +
                            empty_key_kind(key.type) + " value. Key: " + key.name);
  }
  if (key.type == model::AttributeType::kN) return {};
  if (is_hash && value.text.size() > model::kMaxHashKeyBytes) {
    return validation_error(std::string(kInvalid) +
                            "Size of hashkey has exceeded the maximum size limit of2048 bytes");
  }
  if (!is_hash && value.text.size() > model::kMaxRangeKeyBytes) {
    return validation_error(
        std::string(kInvalid) +
        "Aggregated size of all range keys has exceeded the size limit of 1024 bytes");
  }
  return {};
}

std::string key_bytes(const model::AttributeValue& value, bool is_hash) {
  return is_hash ? hash_key_bytes(value) : range_key_bytes(value);
}

}  // namespace

Result<model::Item> decode_item(const model::JsonValue& map) {
  auto item = model::decode_dynamodb_item(map);
  if (item) return item;
  Error error = item.take_error();
  // "... (attribute 'a.b[1]')" -> "..."
  const std::size_t where = error.message.rfind(" (attribute '");
  if (where != std::string::npos && error.message.ends_with("')")) error.message.resize(where);
  return error;
}

std::string hash_key_bytes(const model::AttributeValue& value) {
  return value.text;
}

std::string range_key_bytes(const model::AttributeValue& value) {
  return value.type == model::AttributeType::kN ? number_sort_key(value.text) : value.text;
}

Result<StorageKey> item_storage_key(const model::Item& item, const TableInfo& table) {
  StorageKey out;
  for (int i = 0; i < 2; ++i) {
    const bool is_hash = i == 0;
    if (!is_hash && !table.key.range) break;
    const model::KeyAttribute& key = is_hash ? table.key.hash : *table.key.range;
    const model::AttributeValue* value = item.find(key.name);
    if (value == nullptr) {
      return validation_error(std::string(kInvalid) + "Missing the key " + key.name +
                              " in the item");
    }
    if (value->type != key.type) {
      return validation_error(std::string(kInvalid) + "Type mismatch for key " + key.name +
                              " expected: " + std::string(model::type_name(key.type)) +
                              " actual: " + std::string(value_type_name(*value)));
    }
    if (Status s = check_key_value(*value, key, is_hash, true); !s) return s.take_error();
    (is_hash ? out.hash : out.range) = key_bytes(*value, is_hash);
  }
  return out;
}

Result<StorageKey> key_storage_key(const model::Item& key_item, const TableInfo& table) {
  const std::size_t expected = table.key.range ? 2 : 1;
  if (key_item.attributes.size() != expected) {
    return validation_error("The provided key element does not match the schema");
  }
  StorageKey out;
  for (int i = 0; i < 2; ++i) {
    const bool is_hash = i == 0;
    if (!is_hash && !table.key.range) break;
    const model::KeyAttribute& key = is_hash ? table.key.hash : *table.key.range;
    const model::AttributeValue* value = key_item.find(key.name);
    if (value == nullptr || value->type != key.type) {
      return validation_error("The provided key element does not match the schema");
    }
    if (Status s = check_key_value(*value, key, is_hash, false); !s) return s.take_error();
    (is_hash ? out.hash : out.range) = key_bytes(*value, is_hash);
  }
  return out;
}

void append_key_json(std::string& out, std::string_view hash, std::string_view range,
                     const TableInfo& table) {
  auto append_one = [&](const model::KeyAttribute& key, std::string_view bytes, bool is_hash) {
    model::append_json_string(out, key.name);
    out += ':';
    model::AttributeValue value;
    value.type = key.type;
    value.text = key.type == model::AttributeType::kN && !is_hash ? number_from_sort_key(bytes)
                                                                  : std::string(bytes);
    model::append_dynamodb_value(out, value);
  };
  out += '{';
  append_one(table.key.hash, hash, true);
  if (table.key.range) {
    out += ',';
    append_one(*table.key.range, range, false);
  }
  out += '}';
}

std::uint64_t write_units(std::uint32_t new_size, std::uint32_t old_size) {
  const std::uint32_t size = std::max(new_size, old_size);
  return std::max<std::uint64_t>(1, (static_cast<std::uint64_t>(size) + 1023) / 1024);
}

}  // namespace csv2ddb::local::dynamodb
