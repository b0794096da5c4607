// Query and Scan of a secondary index (secondary_indexes.hpp says why no index is kept):
// pages of what the index holds, as stored items whose JSON is what the index keeps of each
// item (index_projection; the whole item for a local index read with ALL_ATTRIBUTES).
#pragma once

#include <optional>
#include <vector>

#include "common/result.hpp"
#include "local/dynamodb/key_condition.hpp"
#include "local/dynamodb/operations.hpp"

namespace csv2ddb::local::dynamodb {

struct IndexRead {
  const TableInfo& table;
  const IndexInfo& index;
  std::optional<model::Item> start;  // ExclusiveStartKey: the table's and the index's keys
  std::size_t limit = SIZE_MAX;
  bool whole_items = false;  // a local index read with Select ALL_ATTRIBUTES
};

// The index partition `condition` names, in the order of the index's range key (then the
// table's key), forward or backward, after `start`, up to the limit or 1 MB.
Result<std::vector<StoredItem>> query_index(OperationContext& context, const IndexRead& read,
                                            const ResolvedKeyCondition& condition, bool forward);

// The items the index holds, in the table's key order, after `start`, up to the limit or 1 MB.
Result<std::vector<StoredItem>> scan_index(OperationContext& context, const IndexRead& read,
                                           const std::optional<ScanSegment>& segment);

// The LastEvaluatedKey of an index page: the table's and the index's key attributes of `last`.
void append_index_key_json(std::string& out, const StoredItem& last, const TableInfo& table,
                           const IndexInfo& index);

}  // namespace csv2ddb::local::dynamodb
