// A blocking queue with a fixed capacity, in items and in bytes: the reader's push waits while a
// lane is behind, which is what keeps a multi-gigabyte file in bounded memory (back-pressure
// instead of buffering). The byte bound is for files of large rows: one item larger than it
// still passes when the queue is empty, so that every item gets through.
//
// Built for one fast producer and a consumer that works in batches: the consumer is woken only
// when a batch's worth is waiting (or at close, or when its linger time runs out), and the
// producer only when it actually waits for room, once a quarter of the queue is free. Waking a
// thread per item cost more than all the rest of the per-row work together.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <utility>
#include <vector>

namespace csv2ddb::ingest {

template <typename T>
class BoundedQueue {
 public:
  explicit BoundedQueue(std::size_t capacity, std::size_t max_bytes = SIZE_MAX)
      : capacity_(capacity == 0 ? 1 : capacity), max_bytes_(max_bytes) {}

  // While push() waits for room, `hook` is called every `every` (without the lock held), on
  // the pushing thread: the reader reports progress while a slow table holds it up. Set before
  // the first push.
  void set_wait_hook(std::function<void()> hook, std::chrono::milliseconds every) {
    wait_hook_ = std::move(hook);
    wait_hook_every_ = every;
  }

  // Waits for room for `value`, which weighs `bytes`; false when the queue was aborted (the
  // value is dropped).
  bool push(T value, std::size_t bytes = 0) {
    std::unique_lock lock(mutex_);
    if (!aborted_ && !has_room(bytes)) {
      ++producers_waiting_;
      // The consumer may be waiting for a batch's worth that cannot come now: the queue is as
      // full as it gets, so what it holds is the batch.
      if (consumer_waiting_) not_empty_.notify_one();
      const auto room = [&] { return aborted_ || has_room(bytes); };
      if (wait_hook_) {
        while (!not_full_.wait_for(lock, wait_hook_every_, room)) {
          lock.unlock();
          wait_hook_();
          lock.lock();
        }
      } else {
        not_full_.wait(lock, room);
      }
      --producers_waiting_;
    }
    if (aborted_) return false;
    items_.push_back(Entry{std::move(value), bytes});
    bytes_ += bytes;
    if (items_.size() > high_water_) high_water_ = items_.size();
    if (consumer_waiting_ && items_.size() >= wanted_) not_empty_.notify_one();
    return true;
  }

  enum class Popped {
    kItems,     // `out` holds the `want` items asked for (or fewer when the queue is smaller)
    kTimedOut,  // `linger` ran out first; `out` holds whatever was there (maybe nothing)
    kDone,      // closed and drained, or aborted: nothing more will come
  };

  // Waits until `want` items are queued (or the queue is full in bytes with fewer), the queue is
  // closed or aborted, or `linger` passes, then moves up to `want` items into `out`.
  template <typename Duration>
  Popped pop_some(std::vector<T>& out, std::size_t want, Duration linger) {
    std::unique_lock lock(mutex_);
    const std::size_t target = std::min(want == 0 ? 1 : want, capacity_);
    auto is_ready = [&] {
      return aborted_ || closed_ || items_.size() >= target ||
             (producers_waiting_ > 0 && !items_.empty());
    };
    bool ready = is_ready();
    if (!ready) {
      consumer_waiting_ = true;
      wanted_ = target;
      ready = not_empty_.wait_for(lock, linger, is_ready);
      consumer_waiting_ = false;
    }
    if (aborted_) return Popped::kDone;
    const std::size_t count = std::min(target, items_.size());
    for (std::size_t i = 0; i < count; ++i) {
      bytes_ -= items_.front().bytes;
      out.push_back(std::move(items_.front().value));
      items_.pop_front();
    }
    if (count > 0 && producers_waiting_ > 0 && below_resume_level()) not_full_.notify_all();
    if (count == 0 && closed_) return Popped::kDone;
    return ready ? Popped::kItems : Popped::kTimedOut;
  }

  // No more pushes; pop_some() drains what is left, then says kDone.
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    not_empty_.notify_all();
  }

  // Stop now: pending and future pushes fail, pops say kDone.
  void abort() {
    std::lock_guard lock(mutex_);
    aborted_ = true;
    items_.clear();
    bytes_ = 0;
    not_empty_.notify_all();
    not_full_.notify_all();
  }

  // The most items the queue ever held at once: how tests check the memory bound.
  std::size_t high_water() const {
    std::lock_guard lock(mutex_);
    return high_water_;
  }
  std::size_t capacity() const { return capacity_; }

 private:
  struct Entry {
    T value;
    std::size_t bytes;
  };

  bool has_room(std::size_t bytes) const {
    return items_.size() < capacity_ && (items_.empty() || bytes_ + bytes <= max_bytes_);
  }
  // A producer waiting for room is woken once a quarter of the queue has drained, not at every
  // pop: the reader feeds every lane, so in a steady run it would otherwise sleep and wake once
  // per request sent (strace: a futex pair per request), and each time push only a few rows.
  bool below_resume_level() const {
    return items_.empty() ||
           (items_.size() <= capacity_ - capacity_ / 4 && bytes_ <= max_bytes_ - max_bytes_ / 4);
  }

  const std::size_t capacity_;
  const std::size_t max_bytes_;
  mutable std::mutex mutex_;
  std::condition_variable not_full_;
  std::condition_variable not_empty_;
  std::deque<Entry> items_;
  std::size_t bytes_ = 0;
  std::size_t high_water_ = 0;
  std::function<void()> wait_hook_;
  std::chrono::milliseconds wait_hook_every_{0};
  std::size_t producers_waiting_ = 0;
  bool consumer_waiting_ = false;
  std::size_t wanted_ = 1;
  bool closed_ = false;
  bool aborted_ = false;
};

}  // namespace csv2ddb::ingest
