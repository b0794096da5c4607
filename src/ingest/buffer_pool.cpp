#include "ingest/buffer_pool.hpp"

#include <utility>

namespace csv2ddb::ingest {

void BufferPool::give_back(std::vector<PlannedItem>& items) {
  std::lock_guard lock(mutex_);
  for (PlannedItem& item : items) {
    if (returned_.size() >= max_buffers_) return;
    if (item.bytes.capacity() > max_capacity_) continue;
    returned_.push_back(std::move(item.bytes));
  }
}

std::string BufferPool::take() {
  if (taking_.empty()) {
    std::lock_guard lock(mutex_);
    std::swap(taking_, returned_);
  }
  if (taking_.empty()) return {};
  std::string buffer = std::move(taking_.back());
  taking_.pop_back();
  buffer.clear();
  return buffer;
}

std::size_t BufferPool::shared_size() const {
  std::lock_guard lock(mutex_);
  return returned_.size();
}

}  // namespace csv2ddb::ingest
