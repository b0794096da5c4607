#include "local/dynamodb/item_commits.hpp"

namespace csv2ddb::local::dynamodb {

Status ItemCommits::write(std::int64_t table, std::span<const ItemWrite> writes,
                          WriteResults* results) {
  PendingWrite mine{table, writes, results, false, {}, nullptr, {}};
  return enqueue(mine);
}

Status ItemCommits::write_decided(std::int64_t table, const KeyedDecision& decided,
                                  WriteResults* results) {
  PendingWrite mine{table, {}, results, false, {}, nullptr, {}};
  mine.decided = &decided;
  if (Status committed = enqueue(mine); !committed) return committed;
  return mine.decision;
}

Status ItemCommits::write_transaction(std::span<const TableDecision> items,
                                      std::vector<Status>& decisions) {
  PendingWrite mine{0, {}, nullptr, false, {}, nullptr, {}};
  mine.transaction = items;
  mine.decisions = &decisions;
  return enqueue(mine);
}

Status ItemCommits::apply(PendingWrite& pending, StatsDeltas& deltas) {
  if (!pending.transaction.empty()) {
    return items_.apply_transaction(pending.transaction, deltas, *pending.decisions);
  }
  if (pending.decided == nullptr) {
    return items_.apply(pending.table, pending.writes, pending.results, deltas);
  }
  return items_.apply_decided(pending.table, *pending.decided, pending.results, deltas,
                              pending.decision);
}

Status ItemCommits::enqueue(PendingWrite& mine) {
  if (in_own_round()) return write_in_round(mine);
  {
    std::lock_guard<std::mutex> lock(queue_mutex_);
    queue_.push_back(&mine);
  }
  std::lock_guard<std::mutex> write_lock(writer_mutex_);
  if (mine.done) return mine.status;  // a previous leader committed it (set under writer_mutex_)
  std::vector<PendingWrite*> group;
  {
    std::lock_guard<std::mutex> lock(queue_mutex_);
    group.swap(queue_);
  }
  Status committed = commit_group(group);
  for (PendingWrite* pending : group) {
    pending->status = committed;
    pending->done = true;
  }
  return mine.status;
}

Status ItemCommits::commit_group(const std::vector<PendingWrite*>& group) {
  if (Status s = writer_.exec("BEGIN IMMEDIATE"); !s) return s;
  StatsDeltas deltas;
  for (PendingWrite* pending : group) {
    // Only storage failures get here (requests are validated before); the whole group then
    // fails rather than commit part of it.
    if (Status s = apply(*pending, deltas); !s) {
      (void)writer_.exec("ROLLBACK");
      return s;
    }
  }
  return finish_transaction(deltas);
}

Status ItemCommits::finish_transaction(const StatsDeltas& deltas) {
  if (Status s = TableCatalog::persist(writer_, deltas); !s) {
    (void)writer_.exec("ROLLBACK");
    return s;
  }
  if (Status s = writer_.exec("COMMIT"); !s) {
    (void)writer_.exec("ROLLBACK");
    return s;
  }
  checkpointer_.after_commit(writer_);
  catalog_.apply(deltas);
  return {};
}

void ItemCommits::begin_round() {
  round_thread_.store(std::this_thread::get_id());
}

Status ItemCommits::end_round() {
  commit_round();
  round_thread_.store(std::thread::id());
  Status status = std::move(round_status_);
  round_status_ = {};
  return status;
}

// The round's first write takes the writer and opens the transaction; every write of the
// round then only applies its rows.
Status ItemCommits::write_in_round(PendingWrite& pending) {
  if (!round_lock_.owns_lock()) {
    round_lock_ = std::unique_lock<std::mutex>(writer_mutex_);
    if (Status s = writer_.exec("BEGIN IMMEDIATE"); !s) {
      round_lock_.unlock();
      if (round_status_) round_status_ = s;
      return s;
    }
  }
  if (Status s = apply(pending, round_deltas_); !s) {
    // Only storage failures get here. The round's earlier writes go with this one, as a group
    // commit's would; end_round() reports the failure for them.
    (void)writer_.exec("ROLLBACK");
    round_deltas_.clear();
    round_lock_.unlock();
    if (round_status_) round_status_ = s;
    return s;
  }
  return {};
}

void ItemCommits::commit_round() {
  if (!round_lock_.owns_lock()) return;
  Status committed = finish_transaction(round_deltas_);
  round_deltas_.clear();
  round_lock_.unlock();
  if (!committed && round_status_) round_status_ = std::move(committed);
}

}  // namespace csv2ddb::local::dynamodb
