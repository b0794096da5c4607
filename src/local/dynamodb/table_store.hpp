// DynamoDB tables and items on SQLite, in one database file in the data folder.
//
// Items live in one SQLite table keyed by (table id, hash key bytes, range key bytes), with the
// item as compact DynamoDB JSON, so a read answers by splicing stored text into the response.
// Key bytes sort as DynamoDB sorts: S and B bytewise, N through number_sort_key; a table
// without a range key stores "" there. A table id is never reused, so a table deleted and
// created again cannot see old rows.
//
// ItemCount and TableSizeBytes are counters kept with the items (table_stats, updated in the
// same transaction as the writes), so DescribeTable never scans a table. DeleteTable drops the
// table from the catalog at once and removes its items in small transactions, so no other
// writer waits long behind it.
//
// The WAL is checkpointed by a thread of the store's own, never in a request's commit.
//
// Threads: any number of readers, each on a pooled connection of its own (WAL lets them read
// while one writes); writes go through one connection under a mutex, so SQLite never has to
// retry a busy lock, and are group-committed: the writes of concurrent calls share one
// transaction, each call's writes all in the same one. The server's reactor thread, which runs
// DynamoDB requests one after the other, groups its writes in rounds instead (begin_round).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/result.hpp"
#include "local/dynamodb/sqlite_db.hpp"
#include "model/attribute_value.hpp"

namespace csv2ddb::local::dynamodb {

struct AttributeDefinition {
  std::string name;
  model::AttributeType type = model::AttributeType::kS;
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

class TableStore {
 public:
  ~TableStore();
  TableStore(const TableStore&) = delete;
  TableStore& operator=(const TableStore&) = delete;

  // Opens or creates `directory`/dynamodb.sqlite3.
  static Result<std::unique_ptr<TableStore>> open(const std::string& directory);

  // Error ResourceInUseException when the name is taken. Returns the info with its id set.
  Result<TableInfo> create_table(TableInfo info);
  std::optional<TableInfo> find_table(std::string_view name) const;
  std::vector<std::string> table_names() const;  // sorted bytewise
  // Removes the table and its items (ResourceNotFoundException when absent). The table is
  // gone from the catalog first; its items go in transactions of a few thousand rows each.
  // Returns the table as it was and its counters at that moment.
  Result<std::pair<TableInfo, TableStats>> delete_table(std::string_view name);
  // The table's counters, kept exact with every write.
  TableStats stats(std::int64_t table) const;

  // Applies every write in one transaction. When `results` is not null it receives, per write,
  // the size of the item replaced or deleted and (when asked) that item.
  Status write(std::int64_t table, std::span<const ItemWrite> writes, WriteResults* results);
  // Rounds: the server's reactor runs the requests of every connection that is ready, then
  // answers them all. Between begin_round() and end_round(), the writes made on the calling
  // thread join one open transaction, which end_round() commits: one commit, and far fewer
  // WAL pages, for many requests. Until end_round() succeeded, none of those writes may be
  // acknowledged; when it fails, none of them happened or all must be reported failed. Writes
  // from other threads wait for the round's commit and then commit as usual; create_table and
  // delete_table on the round's thread commit what the round wrote so far first.
  void begin_round();
  Status end_round();
  // True between begin_round() and end_round() on the thread that began the round.
  bool in_own_round() const { return round_thread_.load() == std::this_thread::get_id(); }

  Result<std::optional<StoredItem>> get(std::int64_t table, std::string_view hash,
                                        std::string_view range);
  // Items in key order after (hash, range) when given, until `limit` items or `max_bytes` of
  // item sizes (the item that crosses it included), as DynamoDB pages.
  Result<std::vector<StoredItem>> scan(
      std::int64_t table, const std::optional<std::pair<std::string, std::string>>& after,
      std::size_t limit, std::size_t max_bytes);
  // One partition's items within `bounds`, ascending or descending by range key, strictly
  // after `after_range` in that direction when given.
  Result<std::vector<StoredItem>> query(std::int64_t table, std::string_view hash,
                                        const RangeBounds& bounds, bool forward,
                                        const std::optional<std::string>& after_range,
                                        std::size_t limit, std::size_t max_bytes);

 private:
  class ReaderLease;
  struct PendingWrite {
    std::int64_t table;
    std::span<const ItemWrite> writes;
    WriteResults* results;
    bool done;
    Status status;
  };
  struct StatsDelta {
    std::int64_t items = 0;
    std::int64_t bytes = 0;
  };
  using StatsDeltas = std::vector<std::pair<std::int64_t, StatsDelta>>;
  Status apply(const PendingWrite& pending, StatsDeltas& deltas);
  Status apply_one(std::int64_t table, const ItemWrite& write, bool want_old_item,
                   std::uint32_t& old_size, std::optional<std::string>& old_item);
  bool distinct_keys(std::span<const ItemWrite> writes);
  Status insert_puts(std::int64_t table, std::span<const ItemWrite> writes,
                     std::span<const std::size_t> puts);
  Status commit_group(const std::vector<PendingWrite*>& group);
  // Stats, COMMIT (or ROLLBACK on failure), the checkpoint when due, the counters in memory.
  Status finish_transaction(const StatsDeltas& deltas);
  Status write_in_round(const PendingWrite& pending);
  // Commits the round's transaction, if one is open, and lets other writers in again.
  void commit_round();
  Status persist_stats(const StatsDeltas& deltas);
  Result<bool> delete_items_chunk(std::int64_t table);
  Status purge_orphaned_items();
  explicit TableStore(std::string path) : path_(std::move(path)) {}
  Status load_tables();
  Status migrate_items_table();
  Status load_stats();
  Result<std::unique_ptr<SqliteConnection>> take_reader();
  void return_reader(std::unique_ptr<SqliteConnection> connection);

  std::string path_;
  mutable std::mutex tables_mutex_;
  std::vector<TableInfo> tables_;  // the catalog, cached; changed only under writer_mutex_ too
  std::unordered_map<std::int64_t, TableStats> stats_;  // by table id, under tables_mutex_
  std::mutex writer_mutex_;
  std::mutex queue_mutex_;
  std::vector<PendingWrite*> queue_;  // writes waiting for the next group commit
  std::unique_ptr<SqliteConnection> writer_;
  // The writer's scratch (under writer_mutex_): insert_puts' statements by row count, the old
  // sizes of the writes being applied, and the like.
  std::vector<std::string> insert_sql_;
  std::vector<std::uint32_t> old_sizes_;
  std::vector<std::size_t> put_indexes_;
  std::vector<std::pair<std::string_view, std::string_view>> key_scratch_;
  // The round (begin_round): its thread, and while it has written, writer_mutex_ held from its
  // first write to its commit, with the transaction's counter changes; the first failure.
  std::atomic<std::thread::id> round_thread_{};
  std::unique_lock<std::mutex> round_lock_;
  StatsDeltas round_deltas_;
  Status round_status_;
  std::mutex readers_mutex_;
  std::vector<std::unique_ptr<SqliteConnection>> readers_;
  // Checkpoints run here, on a connection and a thread of their own, not in the commit of
  // whichever request filled the WAL (which may be on the server's reactor thread): a
  // checkpoint copies pages and syncs two files, which can take long.
  void checkpoint_loop(std::unique_ptr<SqliteConnection> connection);
  std::mutex checkpoint_mutex_;
  std::condition_variable checkpoint_wanted_;
  bool checkpoint_due_ = false;
  int wal_pages_ = 0;              // after the last commit (under writer_mutex_)
  int signalled_at_pages_ = 0;     // WAL pages when the thread was last asked (under writer_mutex_)
  std::mutex checkpoint_running_;  // one checkpoint at a time: the thread's or the writer's
  bool stopping_ = false;
  std::thread checkpointer_;
};

}  // namespace csv2ddb::local::dynamodb
