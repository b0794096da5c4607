#include "ingest/writer_lanes.hpp"

#include <algorithm>

namespace csv2ddb::ingest {

WriterLanes::WriterLanes(TableWriter& table, const LaneSetup& setup, Clock& clock, Sleeper& sleeper,
                         BufferPool& buffers)
    : policy_(setup.retry, setup.random != nullptr ? *setup.random : default_random_source()),
      context_(table, setup.table, setup.schema, policy_, sleeper) {
  if (setup.pacing && setup.lanes > 0) pacer_.emplace(*setup.pacing, clock, sleeper);
  context_.limits = setup.limits;
  context_.plan = setup.plan;
  context_.unprocessed = setup.unprocessed;
  context_.unprocessed_deletes = setup.unprocessed_deletes;
  context_.rejected = setup.rejected;
  context_.conflicts = setup.conflicts;
  context_.pacer = pacer_ ? &*pacer_ : nullptr;
  context_.buffers = &buffers;
  context_.max_given_up_keys =
      std::max<std::size_t>(setup.max_given_up_keys / std::max<std::size_t>(setup.lanes, 1), 1024);
  for (std::size_t i = 0; i < setup.lanes; ++i) {
    lanes_.push_back(
        std::make_unique<WriterLane>(context_, setup.queue_capacity, setup.queue_bytes));
  }
  // On the first failure, stop the reader's pushes and the lanes' pops at once.
  context_.on_stop = [this] {
    for (auto& lane : lanes_) lane->abort();
  };
}

void WriterLanes::start() {
  for (auto& lane : lanes_) lane->start();
}

void WriterLanes::remember_given_up(const PlannedItem& item) {
  if (lanes_.empty()) return;
  lanes_[lane_for(item.key_hash, lanes_.size())]->remember_given_up(item.fingerprint());
}

std::optional<std::size_t> WriterLanes::push(PlannedItem&& item) {
  const std::size_t lane = lane_for(item.key_hash, lanes_.size());
  if (!lanes_[lane]->push(std::move(item))) return std::nullopt;
  return lane;
}

void WriterLanes::set_wait_hook(const std::function<void()>& hook,
                                std::chrono::milliseconds every) {
  for (auto& lane : lanes_) lane->set_wait_hook(hook, every);
}

void WriterLanes::close() {
  for (auto& lane : lanes_) lane->close();
}

void WriterLanes::interrupt() {
  context_.interrupted = true;
  for (auto& lane : lanes_) lane->abort();
}

bool WriterLanes::wait(std::chrono::milliseconds timeout) {
  return context_.wait_for_lanes(lanes_.size(), timeout);
}

void WriterLanes::join() {
  for (auto& lane : lanes_) lane->join();
}

Counts WriterLanes::totals() const {
  Counts total;
  for (const auto& lane : lanes_) total += lane->stats();
  return total;
}

std::size_t WriterLanes::max_queue_depth() const {
  std::size_t deepest = 0;
  for (const auto& lane : lanes_) deepest = std::max(deepest, lane->queue_high_water());
  return deepest;
}

}  // namespace csv2ddb::ingest
