// Where a run could be resumed from, with parallel lanes finishing batches out of input order.
//
// The resume point is the start of a record such that every row before it is fully accounted:
// read, and skipped or written. It is the lowest of
// - the record the reader is at (the latest one read, which resuming simply reads again),
// - for each lane, the oldest item it was given and has not finished,
// - the first row that was rejected or left unprocessed. Those rows go to rejected/ and
//   unprocessed/, which a run only commits at its end, so a resume must see them again for its
//   outputs to hold them. Once there is such a row the point cannot pass it, and the tracker
//   stops following the run (its memory would otherwise grow).
// Rows before the point may be written again by the resume; puts of the same item are
// idempotent, so the table ends the same.
//
// - the earliest row the reader holds back to spread partitions (partition_spreader.hpp).
// Lanes finish the items they are given in order (they batch and send in queue order), so a
// lane's finished batches are simply the next items of the per-lane list the reader keeps here.
// A lane's items need not be in input order (the spreader reorders across partition-key
// values), so the lane's oldest unfinished item is kept as a running minimum and its written
// items in a heap.
// Only the reader's thread calls this class; lanes hand over finished batches through
// WriterLane::take_completed.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <vector>

#include "ingest/resume_point.hpp"
#include "ingest/writer_lane.hpp"

namespace csv2ddb::ingest {

class CheckpointTracker {
 public:
  CheckpointTracker(std::size_t lanes, std::optional<ResumePoint> base);

  bool following() const { return !frozen_; }
  void record_read(const RowMark& mark) { latest_ = mark; }
  void item_queued(std::size_t lane, const RowMark& mark);
  void row_not_written(const RowMark& mark);  // rejected by the mapper

  // Takes the lanes' finished batches and returns the resume point, if there is one yet.
  // `held`: the earliest row read but not yet given to a lane.
  std::optional<ResumePoint> update(const std::vector<std::unique_ptr<WriterLane>>& lanes,
                                    std::optional<RowMark> held = std::nullopt);

 private:
  struct LaneTrack {
    std::deque<RowMark> unfinished;  // in queue order
    // The minima of `unfinished` (by offset) from each position on: front() is its lowest.
    std::deque<RowMark> lowest;
    // Offsets of written items not yet counted in written_, lowest on top.
    std::priority_queue<std::uint64_t, std::vector<std::uint64_t>, std::greater<>> written;

    RowMark finish_front();  // pops the oldest queued item
  };

  void cap_at(const RowMark& mark);

  std::vector<LaneTrack> lanes_;
  std::optional<ResumePoint> base_;
  std::optional<RowMark> latest_;
  std::optional<RowMark> cap_;
  std::uint64_t written_ = 0;  // written items before the point
  bool frozen_ = false;
  std::optional<ResumePoint> last_;
  std::vector<CompletedBatch> scratch_;
};

}  // namespace csv2ddb::ingest
