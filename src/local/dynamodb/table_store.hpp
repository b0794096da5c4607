// DynamoDB tables and items on SQLite, in one database file in the data folder: a thin facade
// over the parts that each do one job.
//
// Items live in one SQLite table keyed by (table id, hash key bytes, range key bytes), with the
// item as compact DynamoDB JSON, so a read answers by splicing stored text into the response.
// Key bytes sort as DynamoDB sorts: S and B bytewise, N through number_sort_key; a table
// without a range key stores "" there. A table id is never reused, so a table deleted and
// created again cannot see old rows.
//
//   storage_schema.hpp    the schema, and migrating an older data folder
//   table_catalog.hpp     tables and their counters (ItemCount, TableSizeBytes), kept with the
//                         writes, so DescribeTable never scans a table
//   item_commits.hpp      one writer: group commits across threads, rounds for the reactor
//   item_writer.hpp       the SQL that applies item writes
//   item_reader.hpp       pooled reader connections (WAL lets them read while one writes)
//   wal_checkpointer.hpp  WAL checkpoints on a thread of their own, never in a request's commit
//
// DeleteTable drops the table from the catalog at once and removes its items in small
// transactions, so no other writer waits long behind it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.hpp"
#include "local/dynamodb/item_commits.hpp"
#include "local/dynamodb/item_reader.hpp"
#include "local/dynamodb/sqlite_db.hpp"
#include "local/dynamodb/table_catalog.hpp"
#include "local/dynamodb/table_types.hpp"
#include "local/dynamodb/wal_checkpointer.hpp"

namespace csv2ddb::local::dynamodb {

class TableStore {
 public:
  ~TableStore();
  TableStore(const TableStore&) = delete;
  TableStore& operator=(const TableStore&) = delete;

  // Opens or creates `directory`/dynamodb.sqlite3.
  static Result<std::unique_ptr<TableStore>> open(const std::string& directory);

  // Error ResourceInUseException when the name is taken. Returns the info with its id set.
  Result<TableInfo> create_table(TableInfo info);
  std::optional<TableInfo> find_table(std::string_view name) const { return catalog_.find(name); }
  std::vector<std::string> table_names() const { return catalog_.names(); }
  // Removes the table and its items (ResourceNotFoundException when absent). The table is
  // gone from the catalog first; its items go in transactions of a few thousand rows each.
  // Returns the table as it was and its counters at that moment.
  Result<std::pair<TableInfo, TableStats>> delete_table(std::string_view name);
  // UpdateTable: the new description of an existing table (same id, name and key).
  Status update_table(const TableInfo& info);
  // The table's counters, kept exact with every write.
  TableStats stats(std::int64_t table) const { return catalog_.stats(table); }

  // Applies every write in one transaction (item_commits.hpp).
  Status write(std::int64_t table, std::span<const ItemWrite> writes, WriteResults* results) {
    return commits_->write(table, writes, results);
  }
  // A write decided from the item under its key, read in the write's transaction
  // (item_commits.hpp): conditions and update expressions.
  Status write_decided(std::int64_t table, const KeyedDecision& decided, WriteResults* results) {
    return commits_->write_decided(table, decided, results);
  }
  // TransactWriteItems: all of `items` written, or none when a decision refuses; `decisions`
  // gets each item's own outcome.
  Status write_transaction(std::span<const TableDecision> items, std::vector<Status>& decisions) {
    return commits_->write_transaction(items, decisions);
  }
  // Rounds (item_commits.hpp).
  void begin_round() { commits_->begin_round(); }
  Status end_round() { return commits_->end_round(); }
  bool in_own_round() const { return commits_->in_own_round(); }

  Result<std::optional<StoredItem>> get(std::int64_t table, std::string_view hash,
                                        std::string_view range) {
    return reader_.get(table, hash, range);
  }
  Result<std::vector<StoredItem>> scan(
      std::int64_t table, const std::optional<std::pair<std::string, std::string>>& after,
      std::size_t limit, std::size_t max_bytes,
      const std::optional<ScanSegment>& segment = std::nullopt) {
    return reader_.scan(table, after, limit, max_bytes, segment);
  }
  Result<std::vector<StoredItem>> query(std::int64_t table, std::string_view hash,
                                        const RangeBounds& bounds, bool forward,
                                        const std::optional<std::string>& after_range,
                                        std::size_t limit, std::size_t max_bytes) {
    return reader_.query(table, hash, bounds, forward, after_range, limit, max_bytes);
  }

 private:
  explicit TableStore(const std::string& path) : reader_(path) {}
  // Removes a table's items a chunk per transaction, letting other writers in between.
  Status delete_items(std::int64_t table);
  // Items of tables no longer in the catalog: a DeleteTable cut short by a kill.
  Status purge_orphaned_items();

  TableCatalog catalog_;
  ItemReader reader_;
  std::unique_ptr<SqliteConnection> writer_;
  std::unique_ptr<WalCheckpointer> checkpointer_;
  std::unique_ptr<ItemCommits> commits_;
};

}  // namespace csv2ddb::local::dynamodb
