#include "ingest/checkpoint_tracker.hpp"

#include <algorithm>
#include <utility>

namespace csv2ddb::ingest {

CheckpointTracker::CheckpointTracker(std::size_t lanes, std::optional<ResumePoint> base,
                                     bool journaled)
    : journaled_(journaled), lanes_(lanes), base_(std::move(base)) {
  if (base_) last_ = base_;
}

void CheckpointTracker::item_queued(std::size_t lane, const RowMark& mark) {
  if (frozen_) return;
  LaneTrack& track = lanes_[lane];
  track.unfinished.push_back(mark);
  while (!track.lowest.empty() && track.lowest.back().offset > mark.offset) {
    track.lowest.pop_back();
  }
  track.lowest.push_back(mark);
}

RowMark CheckpointTracker::LaneTrack::finish_front() {
  const RowMark mark = unfinished.front();
  unfinished.pop_front();
  if (lowest.front().offset == mark.offset) lowest.pop_front();
  return mark;
}

void CheckpointTracker::cap_at(const RowMark& mark) {
  if (!cap_ || mark.offset < cap_->offset) cap_ = mark;
}

void CheckpointTracker::row_rejected(const RowMark& mark) {
  if (frozen_) return;
  if (journaled_) {
    finished_.push(Finished{mark.offset, Outcome::kRejected});
  } else {
    cap_at(mark);
  }
}

// The batch's items are the next ones of the lane's list. Each becomes a finished row with its
// outcome, or (without journals, or when the run was failing) a batch with a row not written
// caps the point at its first item.
void CheckpointTracker::take_batch(LaneTrack& track, const CompletedBatch& done) {
  if (track.unfinished.size() < done.items) return;  // cannot happen: every item was queued
  const bool follow_each = done.clean() || (journaled_ && !done.stopped);
  std::optional<RowMark> first;  // of the batch in input order (a spread lane mixes it)
  for (std::uint32_t n = 0; n < done.items; ++n) {
    const RowMark mark = track.finish_front();
    if (!first || mark.offset < first->offset) first = mark;
    if (!follow_each) continue;
    Outcome outcome = Outcome::kWritten;
    const auto set_aside =
        std::find_if(done.set_aside.begin(), done.set_aside.end(),
                     [&mark](const SetAsideRow& row) { return row.line == mark.line; });
    if (set_aside != done.set_aside.end()) {
      outcome = set_aside->outcome == SetAside::kRejected      ? Outcome::kRejected
                : set_aside->outcome == SetAside::kUnprocessed ? Outcome::kUnprocessed
                                                               : Outcome::kConflict;
    }
    finished_.push(Finished{mark.offset, outcome});
  }
  if (!follow_each && first) cap_at(*first);
}

void CheckpointTracker::count_before(std::uint64_t offset) {
  while (!finished_.empty() && finished_.top().offset < offset) {
    switch (finished_.top().outcome) {
      case Outcome::kWritten:
        ++before_.rows_written;
        break;
      case Outcome::kRejected:
        ++before_.rows_rejected;
        break;
      case Outcome::kUnprocessed:
        ++before_.rows_unprocessed;
        break;
      case Outcome::kConflict:
        ++before_.rows_conflicts;
        break;
    }
    finished_.pop();
  }
}

std::optional<ResumePoint> CheckpointTracker::update(
    const std::vector<std::unique_ptr<WriterLane>>& lanes, std::optional<RowMark> held) {
  if (frozen_) return last_;
  for (std::size_t i = 0; i < lanes.size() && i < lanes_.size(); ++i) {
    scratch_.clear();
    lanes[i]->take_completed(scratch_);
    for (const CompletedBatch& done : scratch_) take_batch(lanes_[i], done);
  }

  std::optional<RowMark> point = latest_;
  auto lower = [&point](const RowMark& mark) {
    if (!point || mark.offset < point->offset) point = mark;
  };
  for (const LaneTrack& track : lanes_) {
    if (!track.lowest.empty()) lower(track.lowest.front());
  }
  if (held) lower(*held);
  if (cap_) lower(*cap_);
  if (!point) return last_;  // nothing read yet
  count_before(point->offset);

  ResumePoint result;
  static_cast<Counts&>(result) = before_;
  if (base_) {
    result.rows_written += base_->rows_written;
    result.rows_rejected += base_->rows_rejected;
    result.rows_unprocessed += base_->rows_unprocessed;
    result.rows_conflicts += base_->rows_conflicts;
  }
  result.byte_offset = point->offset;
  result.line = point->line;
  result.rows_read = point->rows_read_before;
  result.rows_skipped = point->rows_skipped_before;
  // A point never moves back: with the base of a resumed run as the floor.
  if (!last_ || result.byte_offset >= last_->byte_offset) last_ = result;
  if (cap_) {
    frozen_ = true;  // the point cannot pass the cap; stop following the run
    lanes_.clear();
  }
  return last_;
}

}  // namespace csv2ddb::ingest
