// A TableWriter held in memory, for tests of the engine and of whatever wires it up. It checks
// each batch as DynamoDB does, stores items by primary key (a later put replaces an earlier one),
// and can be told to misbehave: return items unprocessed, throttle or fail chosen calls, refuse
// items as invalid, or take time. Every call is recorded for assertions. Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "ingest/table_writer.hpp"
#include "ingest/write_pacer.hpp"

namespace csv2ddb::ingest {

// A scripted answer of InMemoryTable for a call, by its 1-based number among all batch_put calls.
struct TableFailure {
  BatchWriteOutcome::Status status = BatchWriteOutcome::Status::kThrottled;
  std::string code = "ProvisionedThroughputExceededException";
  std::string message =
      "The level of configured provisioned throughput for the table was "
      "exceeded. Consider increasing your provisioning level with the "
      "UpdateTable API.";
};

class InMemoryTable final : public TableWriter {
 public:
  using ScriptedFailure = TableFailure;

  // What one call carried and how it was answered.
  struct Call {
    std::vector<std::string> fingerprints;  // the keys sent, in request order (when storing)
    BatchWriteOutcome::Status status = BatchWriteOutcome::Status::kOk;
    std::size_t unprocessed = 0;
    std::chrono::microseconds at{0};  // by the capacity clock, when one is set
    double write_units = 0;           // of the items sent
  };

  explicit InMemoryTable(model::KeySchema schema, std::string name = "table");

  BatchWriteOutcome batch_put_json(const std::string& table,
                                   std::span<const std::string_view> items) override;
  BatchWriteOutcome batch_write_json(const std::string& table,
                                     std::span<const BatchEntry> entries) override;
  // Per-item writes with the condition evaluated against the stored item (model/expression),
  // as DynamoDB does; update merges the row's attributes into the stored item.
  ItemWriteOutcome write_item_json(const std::string& table, const WritePlan& plan,
                                   std::string_view item_json) override;
  Result<model::KeySchema> describe_key_schema(const std::string& table) override;

  // --- knobs (set before the run) ---
  // Calls answered with a failure instead of being applied, e.g. {1, 2} throttled then success.
  void fail_call(std::size_t call_number, ScriptedFailure failure = {});
  // Every call after `call_number` calls fails this way (e.g. kFatal from the 3rd call on).
  void fail_calls_after(std::size_t call_number, ScriptedFailure failure);
  void clear_failures();  // calls from now on are answered normally again
  // Of each accepted call, the last floor(fraction * n) items come back unprocessed.
  void set_unprocessed_fraction(double fraction) { unprocessed_fraction_ = fraction; }
  // Of each accepted call, the last min(n, count) items come back unprocessed, for the first
  // `calls` accepted calls (SIZE_MAX: always).
  void set_unprocessed_count(std::size_t count, std::size_t calls = SIZE_MAX);
  // A batch holding an item this predicate accepts is refused whole as ValidationException with
  // `message`, as DynamoDB refuses a batch for one bad item.
  void set_invalid_item(std::function<bool(const model::Item&)> predicate, std::string message);
  // Time each call takes (slept outside the lock, so calls from lanes overlap).
  void set_call_delay(std::chrono::microseconds delay) { delay_ = delay; }
  // Each call is sent at the moment the capacity clock says; a call whose write units would
  // take the current second of that clock past `wcu_per_second` is throttled whole
  // (ProvisionedThroughputExceededException), as a table at its limit does.
  void set_write_capacity(double wcu_per_second, Clock& clock);
  // The call delay passes on this sleeper (e.g. a ManualClock) instead of the real clock.
  void set_call_sleeper(Sleeper* sleeper) { call_sleeper_ = sleeper; }
  // Keep only counts, not items nor the keys of calls (for runs of millions of rows).
  void set_store_items(bool store) { store_items_ = store; }

  // --- observations ---
  std::vector<Call> calls() const;
  std::size_t call_count() const;
  std::size_t put_count() const;  // items applied, counting repeats of a key
  std::size_t size() const;       // distinct keys stored
  std::optional<model::Item> get(const std::string& fingerprint) const;
  // Stored items ordered by fingerprint (a stable order for comparisons).
  std::vector<model::Item> items() const;
  // Most calls that were in progress at the same moment.
  std::size_t max_concurrent_calls() const;

 private:
  std::optional<BatchWriteOutcome> validate(const std::vector<model::Item>& items) const;
  // Puts, and deletes where `deletes[i]`.
  BatchWriteOutcome apply_batch(const std::string& table, std::vector<model::Item> items,
                                const std::vector<bool>& deletes);
  // Records a call; returns its number. Sleeps the call delay outside the lock.
  std::size_t begin_call(const std::vector<model::Item>& items);
  // The scripted failure of a call, if any (under mutex_).
  const ScriptedFailure* scripted_failure(std::size_t call_number) const;

  const model::KeySchema schema_;
  const std::string name_;
  mutable std::mutex mutex_;
  std::map<std::string, model::Item> items_;
  std::vector<Call> calls_;
  std::map<std::size_t, ScriptedFailure> failures_;
  std::optional<std::pair<std::size_t, ScriptedFailure>> failures_after_;
  double unprocessed_fraction_ = 0;
  std::size_t unprocessed_count_ = 0;
  std::size_t unprocessed_calls_ = 0;
  std::size_t accepted_calls_ = 0;
  std::function<bool(const model::Item&)> invalid_item_;
  std::string invalid_message_;
  std::chrono::microseconds delay_{0};
  bool store_items_ = true;
  double capacity_ = 0;
  Clock* capacity_clock_ = nullptr;
  std::int64_t capacity_second_ = -1;
  double capacity_used_ = 0;
  Sleeper* call_sleeper_ = nullptr;
  std::size_t puts_ = 0;
  std::size_t in_progress_ = 0;
  std::size_t max_in_progress_ = 0;
};

// What `table` holds, one plain JSON item a line in key order: what tests compare.
std::string stored(const InMemoryTable& table);

}  // namespace csv2ddb::ingest
