// Global and local secondary indexes: declared by CreateTable (or a template's
// GlobalSecondaryIndexes and LocalSecondaryIndexes), described by DescribeTable, enforced on
// every write (an item's index key attributes must have the declared type and, for strings and
// binaries, not be empty: DynamoDB refuses the write otherwise), and read by Query and Scan with
// IndexName.
//
// Deliberate: no index is materialized. A Scan of an index reads the table in key order and
// keeps the items the index holds (an index is sparse: items without its key attributes are not
// in it); a Query of an index reads the table and orders its partition's items by the index's
// range key. Correct, and what a test bed needs; slow on tables of millions of items.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "local/dynamodb/operations.hpp"
#include "model/attribute_value.hpp"
#include "model/json.hpp"

namespace csv2ddb::local::dynamodb {

// The checks a table's KeySchema and an index's share, in DynamoDB's order and words: every key
// defined, two different names, HASH then RANGE. `keys` and `types` are non-empty.
Status check_key_schema(const std::vector<std::string>& keys, const std::vector<std::string>& types,
                        const std::vector<std::string>& defined);

// CreateTable's GlobalSecondaryIndexes and LocalSecondaryIndexes, checked in DynamoDB's order
// and words against the table's key and attribute definitions (already read into `table`).
// Also checks that every attribute definition is used by some key schema.
Result<std::vector<IndexInfo>> read_secondary_indexes(const model::JsonValue& request,
                                                      const TableInfo& table);

// One global index declaration (CreateTable's, or UpdateTable's Create), checked against the
// table's definitions.
Result<IndexInfo> read_global_index(const model::JsonValue& spec, const TableInfo& table);

// UpdateTable's GlobalSecondaryIndexUpdates applied to the table: Create (its keys defined by the
// request's AttributeDefinitions), Update (a provisioned index's throughput), Delete; then the
// definitions no key uses any more are dropped, as DynamoDB drops them.
Result<TableInfo> apply_index_updates(const model::JsonValue& request, TableInfo table);

// ,"GlobalSecondaryIndexes":[...],"LocalSecondaryIndexes":[...] (nothing when there are none).
void append_index_descriptions(std::string& out, const TableInfo& table, const TableStats& stats,
                               const OperationContext& context);

// The write-time check of an item against the table's indexes: a key attribute of an index
// that the item has must be of the declared type and, when a string or binary, not empty.
Status check_index_keys(const model::Item& item, const TableInfo& table);

// The index named `name`, or DynamoDB's ValidationException.
Result<IndexInfo> find_index(const TableInfo& table, std::string_view name);

// Whether the index holds the item (it has every key attribute of the index).
bool index_holds(const IndexInfo& index, const model::Item& item);

// What the index keeps of an item: all of it, or the table's and the index's keys (and the
// INCLUDE attributes).
model::Item index_projection(const IndexInfo& index, const TableInfo& table,
                             const model::Item& item);

}  // namespace csv2ddb::local::dynamodb
