// The writer lanes of one run and what they share: the retry policy, the pacer and the context
// (writer_lane.hpp). The run hands each item to the lane its key hashes to; the lanes batch,
// write and retry on their own threads until the run closes (drain), aborts (failure) or
// interrupts (Ctrl-C) them.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/retry_policy.hpp"
#include "ingest/counts.hpp"
#include "ingest/write_pacer.hpp"
#include "ingest/writer_lane.hpp"

namespace csv2ddb::ingest {

struct LaneSetup {
  std::string table;
  model::KeySchema schema;
  std::size_t lanes = 4;  // 0: none (a dry run)
  std::size_t queue_capacity = 1024;
  std::size_t queue_bytes = std::size_t{1} << 20;
  BatchLimits limits;
  std::size_t max_given_up_keys = 1 << 20;  // for the run, shared out between the lanes
  RetryConfig retry;
  RandomSource* random = nullptr;  // default: default_random_source()
  std::optional<PacerConfig> pacing;
  const WritePlan* plan = nullptr;
  OutputSink* unprocessed = nullptr;
  OutputSink* unprocessed_deletes = nullptr;
  OutputSink* rejected = nullptr;
  OutputSink* conflicts = nullptr;
};

class WriterLanes {
 public:
  WriterLanes(TableWriter& table, const LaneSetup& setup, Clock& clock, Sleeper& sleeper,
              BufferPool& buffers);
  WriterLanes(const WriterLanes&) = delete;
  WriterLanes& operator=(const WriterLanes&) = delete;

  // Before start(): the key of `item` was given up by the interrupted run this one resumes, so
  // its lane gives up the key's later rows too (given_up_keys.hpp).
  void remember_given_up(const PlannedItem& item);
  void start();
  // Hands `item` to its key's lane, waiting while that lane's queue is full. The lane's
  // number, or nullopt once the run is stopping.
  std::optional<std::size_t> push(PlannedItem&& item);
  // While push() waits for a full lane, `hook` is called every `every` on the pushing thread.
  void set_wait_hook(const std::function<void()>& hook, std::chrono::milliseconds every);
  // No more items: the lanes write what they hold and end.
  void close();
  // Ctrl-C: the lanes drop what waits in their queues and finish what they are sending.
  void interrupt();
  // True once every lane has ended; waits at most `timeout`.
  bool wait(std::chrono::milliseconds timeout);
  void join();

  LaneContext& context() { return context_; }
  const std::vector<std::unique_ptr<WriterLane>>& lanes() const { return lanes_; }
  std::size_t count() const { return lanes_.size(); }
  // After join(): what the lanes did, added up, and the most any lane queue held at once.
  Counts totals() const;
  std::size_t max_queue_depth() const;

 private:
  RetryPolicy policy_;
  std::optional<WritePacer> pacer_;
  LaneContext context_;
  std::vector<std::unique_ptr<WriterLane>> lanes_;
};

}  // namespace csv2ddb::ingest
