// One writer lane: a thread that takes items from its bounded queue, batches them
// (BatchPlanner) and sends the batches one at a time, retrying per the RetryPolicy. One request
// in flight per lane and keys routed to lanes by hash is what makes "last row wins" hold with
// any number of lanes (see batch_planner.hpp); a key once given up to unprocessed/ sends its
// later rows there too, so that it also holds after a re-drive (given_up_keys.hpp).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/retry_policy.hpp"
#include "ingest/batch_planner.hpp"
#include "ingest/bounded_queue.hpp"
#include "ingest/buffer_pool.hpp"
#include "ingest/counts.hpp"
#include "ingest/given_up_keys.hpp"
#include "ingest/output_sink.hpp"
#include "ingest/table_writer.hpp"
#include "ingest/write_pacer.hpp"
#include "ingest/write_plan.hpp"

namespace csv2ddb::ingest {

// What the lanes of one run share. Sinks may be null (that output is not wanted).
struct LaneContext {
  LaneContext(TableWriter& table_writer, std::string name, model::KeySchema key_schema,
              RetryPolicy& retry_policy, Sleeper& retry_sleeper)
      : table(table_writer),
        table_name(std::move(name)),
        schema(std::move(key_schema)),
        policy(retry_policy),
        sleeper(retry_sleeper) {}

  TableWriter& table;
  std::string table_name;
  model::KeySchema schema;
  RetryPolicy& policy;
  Sleeper& sleeper;
  BatchLimits limits;
  const WritePlan* plan = nullptr;  // null: puts in batches
  OutputSink* unprocessed = nullptr;
  OutputSink* unprocessed_deletes = nullptr;
  OutputSink* rejected = nullptr;
  OutputSink* conflicts = nullptr;
  WritePacer* pacer = nullptr;    // null: no pacing
  BufferPool* buffers = nullptr;  // where sent items' strings go back to; null: freed
  // A partial batch waits this long for more items before it is sent anyway (slow inputs).
  std::chrono::milliseconds linger{50};
  // Each lane remembers up to this many keys it gave up to unprocessed/ (given_up_keys.hpp).
  std::size_t max_given_up_keys = 1 << 20;

  std::atomic<std::uint64_t> rows_written{0};   // for progress reports while running
  std::atomic<std::uint64_t> units_written{0};  // write units of those rows
  std::atomic<std::uint64_t> requests{0};       // write calls so far, retries included
  std::atomic<std::uint64_t> throttles{0};      // of those, throttled (or partly unprocessed)
  std::atomic<bool> stopping{false};
  // Ctrl-C: the engine aborts the queues; lanes finish the batch they are sending (retries
  // included) and drop what they hold unsent, which the checkpoint leaves for the resume.
  std::atomic<bool> interrupted{false};
  // Lanes log each finished batch (CompletedBatch) only while the checkpoint needs them.
  std::atomic<bool> log_completions{false};

  // The first error that stops the run (a fatal answer, an output that cannot be written).
  // `on_stop` runs once, on the first failure (the engine aborts every queue there).
  void fail(Error error);
  std::optional<Error> failure() const;
  std::function<void()> on_stop;

  // Each lane's thread calls lane_finished() as it ends. wait_for_lanes() waits until `lanes`
  // of them have, or `timeout` passes; true when they all have.
  void lane_finished();
  bool wait_for_lanes(std::size_t lanes, std::chrono::milliseconds timeout);

 private:
  mutable std::mutex mutex_;
  std::optional<Error> failure_;
  std::mutex finish_mutex_;
  std::condition_variable all_finished_;
  std::size_t lanes_finished_ = 0;
};

// What became of a row that was not written.
enum class SetAside : std::uint8_t { kRejected, kUnprocessed, kConflict };
struct SetAsideRow {
  std::uint64_t line = 0;
  SetAside outcome = SetAside::kUnprocessed;
};

// A batch a lane has finished with: its items are the next `items` of those the lane was given,
// in order (a lane batches and sends in queue order). The rows of it not written are in
// `set_aside` by line; the others were written, unless `stopped` (the run was failing, and what
// became of them is not known).
struct CompletedBatch {
  std::uint32_t items = 0;
  std::vector<SetAsideRow> set_aside;
  bool stopped = false;

  bool clean() const { return set_aside.empty() && !stopped; }
};

class WriterLane {
 public:
  // The queue holds at most `queue_capacity` items and about `queue_bytes` of them (planned).
  WriterLane(LaneContext& context, std::size_t queue_capacity, std::size_t queue_bytes = SIZE_MAX);
  ~WriterLane();
  WriterLane(const WriterLane&) = delete;
  WriterLane& operator=(const WriterLane&) = delete;

  void start();
  void remember_given_up(std::string_view fingerprint) { given_up_.add(fingerprint); }
  // Called by the reader; waits while the queue is full. False once the run is stopping.
  bool push(PlannedItem item) {
    const std::size_t bytes = item.bytes.capacity();
    return queue_.push(std::move(item), bytes);
  }
  // See BoundedQueue::set_wait_hook.
  void set_wait_hook(std::function<void()> hook, std::chrono::milliseconds every) {
    queue_.set_wait_hook(std::move(hook), every);
  }
  void close() { queue_.close(); }
  void abort() { queue_.abort(); }
  void join();

  // What the lane did: rows written, unprocessed and rejected, and the costs. Valid after join().
  const Counts& stats() const { return stats_; }
  std::size_t queue_high_water() const { return queue_.high_water(); }
  // Moves the batches finished since the last call into `out` (thread-safe).
  void take_completed(std::vector<CompletedBatch>& out);

 private:
  void run();
  void send(Batch batch);  // one batch to its end, logged as completed
  // The attempts (and splits) of one batch; `batch` is left to be recycled.
  void send_attempts(Batch& batch);
  // The attempts of one row's own request (per-item write modes); `batch` holds that row.
  void send_item_attempts(Batch& batch);
  BatchWriteOutcome write_batch(const Batch& batch);
  void conflict(const PlannedItem& planned);
  bool wait_to_retry(const Batch& batch, int attempt, RetryClass retry_class, int& last_retry_cost);
  void give_up(const Batch& batch);  // to unprocessed/, remembering the keys
  // Gives up, unsent, the items of `batch` whose key was given up earlier in the run.
  void follow_given_up_keys(Batch& batch);
  void reject(const PlannedItem& planned, const std::string& code, const std::string& message);
  void note_set_aside(std::uint64_t line, SetAside outcome);
  // Empties `batch`, its items' strings going back to the reader (LaneContext::buffers).
  void release(Batch& batch);
  // Points item_json_ at the items of `batch`, for the table.
  void collect_json(const Batch& batch);
  // Keeps the entries of `batch` whose keys the server returned unprocessed.
  void keep_unprocessed(Batch& batch, const std::vector<model::Item>& unprocessed);

  LaneContext& context_;
  BoundedQueue<PlannedItem> queue_;
  BatchPlanner planner_;
  GivenUpKeys given_up_;
  std::vector<std::string_view> item_json_;  // the batch being sent, reused from batch to batch
  std::vector<BatchEntry> entries_;          // the same, for batches with deletes
  Counts stats_;
  std::thread thread_;
  std::vector<SetAsideRow> set_aside_;  // of the batch being sent, while completions are logged
  std::mutex completed_mutex_;
  std::vector<CompletedBatch> completed_;
};

}  // namespace csv2ddb::ingest
