// How item writes reach the database, one writer connection under one lock:
// - Group commit for writers on any thread: every writer queues its writes, then one of them
//   (whoever gets the lock) commits everything queued in one transaction, so concurrent
//   BatchWriteItems share the cost of a commit. Each call returns only after the transaction
//   holding its writes committed.
// - Rounds for the server's reactor thread, which answers the requests of a pass together
//   (DynamoDbService::handle_inline): between begin_round() and end_round() the writes made on
//   that thread join one open transaction, which end_round() commits: one commit, and far fewer
//   WAL pages, for many requests. Until end_round() succeeded none of those writes may be
//   acknowledged; when it fails, none of them happened. Writes from other threads wait for the
//   round's commit and then commit as usual.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "common/result.hpp"
#include "local/dynamodb/item_writer.hpp"
#include "local/dynamodb/sqlite_db.hpp"
#include "local/dynamodb/table_catalog.hpp"
#include "local/dynamodb/wal_checkpointer.hpp"

namespace csv2ddb::local::dynamodb {

class ItemCommits {
 public:
  ItemCommits(SqliteConnection& writer, TableCatalog& catalog, WalCheckpointer& checkpointer)
      : writer_(writer), items_(writer), catalog_(catalog), checkpointer_(checkpointer) {}

  // Applies every write in one transaction (ItemWriter::apply says what `results` gets).
  Status write(std::int64_t table, std::span<const ItemWrite> writes, WriteResults* results);
  // A write decided from the item it replaces, read in the same transaction. Its decision's
  // error (a failed condition) is returned, and nothing is written for it.
  Status write_decided(std::int64_t table, const KeyedDecision& decided, WriteResults* results);
  // A transaction: every item decided, then all written or none (ItemWriter::apply_transaction).
  Status write_transaction(std::span<const TableDecision> items, std::vector<Status>& decisions);

  void begin_round();
  Status end_round();
  // True between begin_round() and end_round() on the thread that began the round.
  bool in_own_round() const { return round_thread_.load() == std::this_thread::get_id(); }

  // Runs `work` with the writer to itself, outside any group or round (a round of this thread
  // commits what it wrote so far first): catalog changes and the chunks of a table's deletion.
  template <typename Work>
  auto exclusively(Work&& work) {
    if (in_own_round()) commit_round();
    std::lock_guard<std::mutex> lock(writer_mutex_);
    return work(writer_, items_);
  }

 private:
  struct PendingWrite {
    std::int64_t table;
    std::span<const ItemWrite> writes;
    WriteResults* results;
    bool done;
    Status status;                                    // the transaction's
    const KeyedDecision* decided = nullptr;           // instead of `writes`
    Status decision;                                  // the decision's own error
    std::span<const TableDecision> transaction = {};  // instead of `writes`, when not empty
    std::vector<Status>* decisions = nullptr;         // the transaction's items' outcomes
  };
  Status enqueue(PendingWrite& mine);
  Status apply(PendingWrite& pending, StatsDeltas& deltas);
  Status commit_group(const std::vector<PendingWrite*>& group);
  // The counters, COMMIT (or ROLLBACK on failure), the checkpoint when due, the counters in
  // memory.
  Status finish_transaction(const StatsDeltas& deltas);
  Status write_in_round(PendingWrite& pending);
  // Commits the round's transaction, if one is open, and lets other writers in again.
  void commit_round();

  SqliteConnection& writer_;
  ItemWriter items_;
  TableCatalog& catalog_;
  WalCheckpointer& checkpointer_;
  std::mutex writer_mutex_;
  std::mutex queue_mutex_;
  std::vector<PendingWrite*> queue_;  // writes waiting for the next group commit
  // The round: its thread, and while it has written, writer_mutex_ held from its first write
  // to its commit, with the transaction's counter changes; the first failure.
  std::atomic<std::thread::id> round_thread_{};
  std::unique_lock<std::mutex> round_lock_;
  StatsDeltas round_deltas_;
  Status round_status_;
};

}  // namespace csv2ddb::local::dynamodb
