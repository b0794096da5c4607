// From DynamoDB JSON items and keys to what the table store indexes, with DynamoDB's checks
// and messages: attribute values, key presence, key types, empty keys, key sizes; and back
// from stored key bytes to the key attributes (LastEvaluatedKey).
#pragma once

#include <cstdint>
#include <string>

#include "common/result.hpp"
#include "local/dynamodb/table_store.hpp"
#include "model/attribute_value.hpp"
#include "model/json.hpp"

namespace csv2ddb::local::dynamodb {

// The model's decoder with DynamoDB's messages only (the model appends the attribute path,
// which DynamoDB does not).
Result<model::Item> decode_item(const model::JsonValue& map);

struct StorageKey {
  std::string hash;
  std::string range;  // "" for tables without a range key
};

// Key bytes as stored: S and B raw, N canonical text for the hash key and number_sort_key for
// the range key (so range comparisons are bytewise).
std::string hash_key_bytes(const model::AttributeValue& value);
std::string range_key_bytes(const model::AttributeValue& value);

// A whole item being written (PutItem, PutRequest): DynamoDB's "Missing the key ... in the
// item", "Type mismatch for key ...", empty key and key size messages.
Result<StorageKey> item_storage_key(const model::Item& item, const TableInfo& table);
// A key (GetItem, DeleteItem, DeleteRequest, ExclusiveStartKey): exactly the key attributes,
// else "The provided key element does not match the schema".
Result<StorageKey> key_storage_key(const model::Item& key, const TableInfo& table);

// {"account":{"S":"a"},"offer":{"N":"12"}} rebuilt from stored key bytes.
void append_key_json(std::string& out, std::string_view hash, std::string_view range,
                     const TableInfo& table);

// Write capacity units: one per started KB of the larger of the new and the old item, at
// least one (a delete of an absent item still costs 1).
std::uint64_t write_units(std::uint32_t new_size, std::uint32_t old_size);

}  // namespace csv2ddb::local::dynamodb
