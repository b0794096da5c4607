// Strings the lanes hand back for the reader to fill again with the next rows' planned items.
//
// Every row's planned item (batch_planner.hpp) is one string that the reader allocates and a
// lane frees once the row is written. glibc gives each thread its own arena, and a block freed
// by another thread than the one that allocated it misses the freeing thread's cache and takes
// the owner's arena lock: at 32 lanes those frees and the reader's mallocs were about 5% of the
// client's CPU (perf). With the pool, strings come back and go out a batch at a time, so each
// side takes the lock once per batch and the bytes are reused in place.
//
// Bounded: at most `max_buffers` strings are held, and a string of more than `max_capacity`
// bytes (a rare large row) is freed instead of kept, so the pool never holds much memory.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <vector>

#include "ingest/batch_planner.hpp"

namespace csv2ddb::ingest {

class BufferPool {
 public:
  explicit BufferPool(std::size_t max_buffers = 4096, std::size_t max_capacity = 1024)
      : max_buffers_(max_buffers), max_capacity_(max_capacity) {}

  // Lane side: takes the strings of `items` (they are left empty). Thread-safe.
  void give_back(std::vector<PlannedItem>& items);
  // Reader side (one thread): an empty string, with capacity when the pool had one to give.
  std::string take();

  std::size_t shared_size() const;  // for tests

 private:
  const std::size_t max_buffers_;
  const std::size_t max_capacity_;
  mutable std::mutex mutex_;
  std::vector<std::string> returned_;  // given back by the lanes, under mutex_
  std::vector<std::string> taking_;    // the reader's, refilled from returned_ in one swap
};

}  // namespace csv2ddb::ingest
