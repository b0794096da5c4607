#include "ingest/checkpoint_tracker.hpp"

#include <utility>

namespace csv2ddb::ingest {

CheckpointTracker::CheckpointTracker(std::size_t lanes, std::optional<ResumePoint> base)
    : lanes_(lanes), base_(std::move(base)) {
  if (base_) last_ = base_;
}

void CheckpointTracker::item_queued(std::size_t lane, const RowMark& mark) {
  if (frozen_) return;
  lanes_[lane].unfinished.push_back(mark);
}

void CheckpointTracker::cap_at(const RowMark& mark) {
  if (!cap_ || mark.offset < cap_->offset) cap_ = mark;
}

void CheckpointTracker::row_not_written(const RowMark& mark) {
  if (!frozen_) cap_at(mark);
}

std::optional<ResumePoint> CheckpointTracker::update(
    const std::vector<std::unique_ptr<WriterLane>>& lanes) {
  if (frozen_) return last_;
  // Hand the lanes' finished batches to their items.
  for (std::size_t i = 0; i < lanes.size() && i < lanes_.size(); ++i) {
    scratch_.clear();
    lanes[i]->take_completed(scratch_);
    LaneTrack& track = lanes_[i];
    for (const CompletedBatch& done : scratch_) {
      if (track.unfinished.size() < done.items) break;  // cannot happen: every item was queued
      if (!done.clean) cap_at(track.unfinished.front());
      for (std::uint32_t n = 0; n < done.items; ++n) {
        if (done.clean) track.written.push_back(track.unfinished.front().offset);
        track.unfinished.pop_front();
      }
    }
  }

  std::optional<RowMark> point = latest_;
  auto lower = [&point](const RowMark& mark) {
    if (!point || mark.offset < point->offset) point = mark;
  };
  for (const LaneTrack& track : lanes_) {
    if (!track.unfinished.empty()) lower(track.unfinished.front());
  }
  if (cap_) lower(*cap_);
  if (!point) return last_;  // nothing read yet
  // Written items before the point are counted; the rest wait for the point to pass them.
  for (LaneTrack& track : lanes_) {
    while (!track.written.empty() && track.written.front() < point->offset) {
      ++written_;
      track.written.pop_front();
    }
  }

  ResumePoint result;
  result.byte_offset = point->offset;
  result.line = point->line;
  result.rows_read = point->rows_read_before;
  result.rows_skipped = point->rows_skipped_before;
  result.rows_written = (base_ ? base_->rows_written : 0) + written_;
  // A point never moves back: with the base of a resumed run as the floor.
  if (!last_ || result.byte_offset >= last_->byte_offset) last_ = result;
  if (cap_) {
    frozen_ = true;  // the point cannot pass the cap; stop following the run
    lanes_.clear();
  }
  return last_;
}

}  // namespace csv2ddb::ingest
