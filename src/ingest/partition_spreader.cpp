#include "ingest/partition_spreader.hpp"

namespace csv2ddb::ingest {

PartitionSpreader::PartitionSpreader(const model::KeySchema& schema, SpreadLimits limits,
                                     BufferPool* buffers)
    : schema_(schema), limits_(limits), buffers_(buffers) {}

void PartitionSpreader::push(const model::Item& item, std::uint64_t line, const RowMark* mark,
                             bool is_delete) {
  std::uint32_t index;
  if (!free_.empty()) {
    index = free_.back();
    free_.pop_back();
  } else {
    index = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  Slot& slot = slots_[index];
  slot.planned =
      plan_item(item, schema_, line, buffers_ != nullptr ? buffers_->take() : "", is_delete);
  slot.mark = mark != nullptr ? std::optional<RowMark>(*mark) : std::nullopt;
  slot.sequence = next_sequence_++;
  slot.next = kNone;
  if (mark != nullptr) arrivals_.emplace_back(slot.sequence, index);
  ++rows_;
  bytes_ += slot.planned.bytes.capacity();

  // The lookup reuses one string; only a new group's key is allocated. The partition's
  // fingerprint is the front of the item's, which plan_item just made.
  const std::string_view fingerprint = slot.planned.fingerprint();
  scratch_.assign(fingerprint.substr(0, model::hash_part_bytes(fingerprint)));
  auto found = groups_.find(scratch_);
  const bool is_new = found == groups_.end();
  auto entry = is_new ? groups_.try_emplace(scratch_).first : found;
  Group& group = entry->second;
  if (is_new) {
    group.head = index;
    turn_.push_back(&*entry);
  } else {
    slots_[group.tail].next = index;
  }
  group.tail = index;
}

bool PartitionSpreader::pop(SpreadRow& out) {
  if (turn_.empty()) return false;
  GroupEntry* entry = turn_.front();
  turn_.pop_front();
  Group& group = entry->second;
  const std::uint32_t index = group.head;
  Slot& slot = slots_[index];
  bytes_ -= slot.planned.bytes.capacity();
  out.planned = std::move(slot.planned);
  out.mark = slot.mark;
  group.head = slot.next;
  if (group.head == kNone) {
    groups_.erase(groups_.find(entry->first));
  } else {
    turn_.push_back(entry);  // its next row waits for every other value's turn
  }
  --rows_;
  slot.sequence = 0;
  free_.push_back(index);
  drop_departed_arrivals();
  return true;
}

void PartitionSpreader::drop_departed_arrivals() {
  while (!arrivals_.empty() &&
         slots_[arrivals_.front().second].sequence != arrivals_.front().first) {
    arrivals_.pop_front();
  }
}

std::optional<RowMark> PartitionSpreader::oldest_mark() {
  drop_departed_arrivals();
  if (arrivals_.empty()) return std::nullopt;
  return slots_[arrivals_.front().second].mark;
}

}  // namespace csv2ddb::ingest
