#include "ingest/checkpoint_tracker.hpp"

#include <utility>

namespace csv2ddb::ingest {

CheckpointTracker::CheckpointTracker(std::size_t lanes, std::optional<ResumePoint> base)
    : lanes_(lanes), base_(std::move(base)) {
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

void CheckpointTracker::row_not_written(const RowMark& mark) {
  if (!frozen_) cap_at(mark);
}

std::optional<ResumePoint> CheckpointTracker::update(
    const std::vector<std::unique_ptr<WriterLane>>& lanes, std::optional<RowMark> held) {
  if (frozen_) return last_;
  // Hand the lanes' finished batches to their items.
  for (std::size_t i = 0; i < lanes.size() && i < lanes_.size(); ++i) {
    scratch_.clear();
    lanes[i]->take_completed(scratch_);
    LaneTrack& track = lanes_[i];
    for (const CompletedBatch& done : scratch_) {
      if (track.unfinished.size() < done.items) break;  // cannot happen: every item was queued
      std::optional<RowMark> first;  // of the batch in input order (a spread lane mixes it)
      for (std::uint32_t n = 0; n < done.items; ++n) {
        const RowMark mark = track.finish_front();
        if (done.clean) track.written.push(mark.offset);
        if (!first || mark.offset < first->offset) first = mark;
      }
      if (!done.clean && first) cap_at(*first);
    }
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
  // Written items before the point are counted; the rest wait for the point to pass them.
  for (LaneTrack& track : lanes_) {
    while (!track.written.empty() && track.written.top() < point->offset) {
      ++written_;
      track.written.pop();
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
