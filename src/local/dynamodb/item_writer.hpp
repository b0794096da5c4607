// Applies item writes to SQLite inside the caller's transaction, on the writer connection, and
// says what each write replaced (for the counters and for ReturnValues). Not thread-safe: the
// store calls it under its writer lock.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.hpp"
#include "local/dynamodb/sqlite_db.hpp"
#include "local/dynamodb/table_types.hpp"

namespace csv2ddb::local::dynamodb {

class ItemWriter {
 public:
  explicit ItemWriter(SqliteConnection& db) : db_(db) {}

  // Applies `writes` to `table`, in order, adding their counter changes to `deltas`. When
  // `results` is not null it receives, per write, the size of the item replaced or deleted and
  // (when it wants them) those items.
  Status apply(std::int64_t table, std::span<const ItemWrite> writes, WriteResults* results,
               StatsDeltas& deltas);

  // Reads the item under the decision's key, decides, and applies the write it decided on. The
  // decision's own error comes back in `decision` (the transaction goes on); a storage failure
  // is the returned error.
  Status apply_decided(std::int64_t table, const KeyedDecision& decided, WriteResults* results,
                       StatsDeltas& deltas, Status& decision);

  // All or nothing: reads every decision's item, decides each, and applies the writes only
  // when every decision succeeded. `decisions` gets each decision's own outcome (an error for
  // one that refused, as a cancelled transaction reports them); a storage failure is the
  // returned error.
  Status apply_transaction(std::span<const TableDecision> items, StatsDeltas& deltas,
                           std::vector<Status>& decisions);

  // Removes up to `rows` items of a table; false when there were none left.
  Result<bool> delete_some(std::int64_t table, std::int64_t rows);

 private:
  Result<std::optional<StoredItem>> read(std::int64_t table, const KeyedDecision& decided);
  Status apply_one(std::int64_t table, const ItemWrite& write, bool want_old_item,
                   std::uint32_t& old_size, std::optional<std::string>& old_item);
  bool distinct_keys(std::span<const ItemWrite> writes);
  Status insert_puts(std::int64_t table, std::span<const ItemWrite> writes,
                     std::span<const std::size_t> puts);

  SqliteConnection& db_;
  // Scratch, reused from call to call: insert_puts' statements by row count, the old sizes of
  // the writes being applied, and the like.
  std::vector<std::string> insert_sql_;
  std::vector<std::uint32_t> old_sizes_;
  std::vector<std::size_t> put_indexes_;
  std::vector<std::pair<std::string_view, std::string_view>> key_scratch_;
};

}  // namespace csv2ddb::local::dynamodb
