// The data the local DynamoDB's storage speaks in: table definitions, stored items, writes,
// query bounds and counters.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.hpp"
#include "model/attribute_value.hpp"

namespace csv2ddb::local::dynamodb {

struct AttributeDefinition {
  std::string name;
  model::AttributeType type = model::AttributeType::kS;
};

// A secondary index as CreateTable (or a template) declared it.
struct IndexInfo {
  std::string name;
  bool global = true;  // false: a local secondary index (the table's hash key, its own range)
  model::KeySchema key;
  std::string projection = "ALL";               // ALL, KEYS_ONLY or INCLUDE
  std::vector<std::string> non_key_attributes;  // INCLUDE's
  std::int64_t read_capacity = 0;               // a global index of a provisioned table
  std::int64_t write_capacity = 0;
};

struct TableInfo {
  std::int64_t id = 0;  // assigned by create_table
  std::string name;
  model::KeySchema key;
  std::vector<AttributeDefinition> attribute_definitions;
  std::string billing_mode = "PROVISIONED";  // or PAY_PER_REQUEST
  std::int64_t read_capacity = 0;
  std::int64_t write_capacity = 0;
  double created = 0;    // seconds since the epoch
  std::string table_id;  // a UUID, as DescribeTable shows it
  std::vector<IndexInfo> indexes;
};

// A parallel Scan's part of the table: the items whose hash key bytes hash (FNV-1a) to `index`
// modulo `total`, so that one partition's items are all in one segment, as in DynamoDB.
struct ScanSegment {
  std::uint32_t index = 0;
  std::uint32_t total = 1;
  bool holds(std::string_view hash_key) const;
};

struct StoredItem {
  std::string hash;  // key bytes as stored
  std::string range;
  std::string json;  // the item, DynamoDB JSON
  std::uint32_t size = 0;
};

struct ItemWrite {
  bool is_put = true;  // else a delete
  std::string hash;
  std::string range;
  std::string json;  // puts only
  std::uint32_t size = 0;
};

// Bounds on the range key for Query; each bound optional.
struct RangeBounds {
  std::optional<std::string> lower;
  bool lower_inclusive = true;
  std::optional<std::string> upper;
  bool upper_inclusive = true;
};

struct TableStats {
  std::uint64_t item_count = 0;
  std::uint64_t size_bytes = 0;
};

// What a call to write() reports per write, read inside its transaction (so ReturnValues
// ALL_OLD is the item this very write replaced, whatever other writers do).
struct WriteResults {
  bool want_old_items = false;
  std::vector<std::uint32_t> old_sizes;               // 0 when there was no item
  std::vector<std::optional<std::string>> old_items;  // when want_old_items: the replaced JSON
};

// A write that depends on the item it replaces (a condition, an update expression): given the
// item stored under its key now, inside the write's transaction, it returns the write to make
// (nullopt: none), or an error that fails this request alone (ConditionalCheckFailedException,
// ValidationException).
struct KeyedDecision {
  std::string hash;  // key bytes as stored
  std::string range;
  std::function<Result<std::optional<ItemWrite>>(const std::optional<StoredItem>& current)> decide;
};

// One item of a transaction (TransactWriteItems): a decision on an item of a table.
struct TableDecision {
  std::int64_t table = 0;
  KeyedDecision decided;
};

// How a transaction changed each table's counters, by table id.
struct StatsDelta {
  std::int64_t items = 0;
  std::int64_t bytes = 0;
};
using StatsDeltas = std::vector<std::pair<std::int64_t, StatsDelta>>;

}  // namespace csv2ddb::local::dynamodb
