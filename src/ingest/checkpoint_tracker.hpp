// Where a run could be resumed from, with parallel lanes finishing batches out of input order.
//
// The resume point is the start of a record such that every row before it is fully accounted:
// read, and skipped, written, rejected, left unprocessed or a conflict. It is the lowest of
// - the record the reader is at (the latest one read, which resuming simply reads again),
// - for each lane, the oldest item it was given and has not finished,
// - the earliest row the reader holds back to spread partitions (partition_spreader.hpp).
// The point's counts are the outcomes of the rows before it. Rows after it that were finished
// are counted once the point passes them, and written again by a resume if it never does: puts
// of the same item are idempotent, so the table ends the same.
//
// The rows set aside (rejected, unprocessed, conflicts) have entries in outputs that a run
// commits only at its end. When the run keeps those entries in journals (output_journal.hpp),
// the point passes them like any other row: the resumed run starts its outputs with the entries
// before the point. Without journals the point cannot pass the first such row, so that a resume
// sees it again; the tracker then stops following the run (its memory would otherwise grow).
//
// Lanes finish the items they are given in order (they batch and send in queue order), so a
// lane's finished batches are simply the next items of the per-lane list the reader keeps here.
// A lane's items need not be in input order (the spreader reorders across partition-key
// values), so the lane's oldest unfinished item is kept as a running minimum, and the finished
// rows wait in one heap until the point passes them.
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
  // `journaled`: the run's outputs keep their entries in journals, so the point may pass rows
  // that were not written.
  CheckpointTracker(std::size_t lanes, std::optional<ResumePoint> base, bool journaled);

  bool following() const { return !frozen_; }
  void record_read(const RowMark& mark) { latest_ = mark; }
  void item_queued(std::size_t lane, const RowMark& mark);
  void row_rejected(const RowMark& mark);  // by the reader: the source or the write plan

  // Takes the lanes' finished batches and returns the resume point, if there is one yet.
  // `held`: the earliest row read but not yet given to a lane.
  std::optional<ResumePoint> update(const std::vector<std::unique_ptr<WriterLane>>& lanes,
                                    std::optional<RowMark> held = std::nullopt);

 private:
  enum class Outcome : std::uint8_t { kWritten, kRejected, kUnprocessed, kConflict };
  // A finished row the point has not passed yet.
  struct Finished {
    std::uint64_t offset = 0;
    Outcome outcome = Outcome::kWritten;
    bool operator>(const Finished& other) const { return offset > other.offset; }
  };
  struct LaneTrack {
    std::deque<RowMark> unfinished;  // in queue order
    // The minima of `unfinished` (by offset) from each position on: front() is its lowest.
    std::deque<RowMark> lowest;

    RowMark finish_front();  // pops the oldest queued item
  };

  void take_batch(LaneTrack& track, const CompletedBatch& done);
  void cap_at(const RowMark& mark);
  void count_before(std::uint64_t offset);

  const bool journaled_;
  std::vector<LaneTrack> lanes_;
  std::optional<ResumePoint> base_;
  std::optional<RowMark> latest_;
  std::optional<RowMark> cap_;
  std::priority_queue<Finished, std::vector<Finished>, std::greater<>> finished_;
  Counts before_;  // the outcomes of the finished rows before the point (this run's)
  bool frozen_ = false;
  std::optional<ResumePoint> last_;
  std::vector<CompletedBatch> scratch_;
};

}  // namespace csv2ddb::ingest
