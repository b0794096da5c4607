// BoundedQueue: its two bounds (items and bytes), and that a consumer waiting for a batch's
// worth takes what there is when the queue is full in bytes, instead of waiting out its linger.
#include "ingest/bounded_queue.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace csv2ddb::ingest {
namespace {

using Queue = BoundedQueue<std::string>;
// Long enough that a test waiting it out would hit ctest's timeout: none of these may wait it.
constexpr auto kForever = std::chrono::hours(1);

TEST(BoundedQueue, PopsInOrderAndDrainsAfterClose) {
  Queue queue(10);
  for (const char* value : {"a", "b", "c"}) ASSERT_TRUE(queue.push(value));
  queue.close();
  std::vector<std::string> out;
  EXPECT_EQ(queue.pop_some(out, 2, kForever), Queue::Popped::kItems);
  EXPECT_EQ(out, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(queue.pop_some(out, 2, kForever), Queue::Popped::kItems);
  EXPECT_EQ(out, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(queue.pop_some(out, 2, kForever), Queue::Popped::kDone);
}

TEST(BoundedQueue, AShortQueueTimesOutWithWhatItHas) {
  Queue queue(10);
  ASSERT_TRUE(queue.push("only"));
  std::vector<std::string> out;
  EXPECT_EQ(queue.pop_some(out, 5, std::chrono::milliseconds(1)), Queue::Popped::kTimedOut);
  EXPECT_EQ(out, (std::vector<std::string>{"only"}));
}

TEST(BoundedQueue, PushWaitsForRoomInItems) {
  Queue queue(2);
  ASSERT_TRUE(queue.push("1"));
  ASSERT_TRUE(queue.push("2"));
  std::thread producer([&] { EXPECT_TRUE(queue.push("3")); });
  std::vector<std::string> out;
  // The third push can only land once the consumer made room; pop until all three are seen.
  while (out.size() < 3) queue.pop_some(out, 1, kForever);
  producer.join();
  EXPECT_EQ(out, (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(queue.high_water(), 2u);
}

TEST(BoundedQueue, AWaitingPushCallsItsHookOnItsOwnThread) {
  Queue queue(1);
  std::atomic<int> calls{0};
  std::thread::id called_on;
  std::thread producer([&] {
    queue.set_wait_hook(
        [&] {
          called_on = std::this_thread::get_id();
          ++calls;
        },
        std::chrono::milliseconds(1));
    EXPECT_TRUE(queue.push("1"));
    EXPECT_EQ(calls.load(), 0);  // no wait, no call
    EXPECT_TRUE(queue.push("2"));
    EXPECT_EQ(called_on, std::this_thread::get_id());
  });
  // Room is made only once the waiting push has called its hook twice.
  while (calls.load() < 2) std::this_thread::yield();
  std::vector<std::string> out;
  while (out.size() < 2) queue.pop_some(out, 1, kForever);
  producer.join();
  EXPECT_EQ(out, (std::vector<std::string>{"1", "2"}));
}

TEST(BoundedQueue, ABatchIsWhatFitsInTheBytes) {
  // 100 bytes: two items of 40 fit, a third must wait. The consumer asks for 25 items with a
  // linger of an hour, and gets the two at once because the producer waits for room.
  Queue queue(1000, 100);
  ASSERT_TRUE(queue.push("a", 40));
  ASSERT_TRUE(queue.push("b", 40));
  std::thread producer([&] {
    EXPECT_TRUE(queue.push("c", 40));
    queue.close();
  });
  std::vector<std::string> out;
  EXPECT_EQ(queue.pop_some(out, 25, kForever), Queue::Popped::kItems);
  ASSERT_GE(out.size(), 2u);
  EXPECT_EQ(out[0], "a");
  EXPECT_EQ(out[1], "b");
  while (queue.pop_some(out, 25, kForever) != Queue::Popped::kDone) {
  }
  producer.join();
  EXPECT_EQ(out, (std::vector<std::string>{"a", "b", "c"}));
}

TEST(BoundedQueue, AnItemLargerThanTheBytesBoundPassesAlone) {
  Queue queue(1000, 100);
  ASSERT_TRUE(queue.push("huge", 5000));  // an empty queue takes anything
  std::thread producer([&] {
    EXPECT_TRUE(queue.push("next", 1));  // waits until "huge" has left
    queue.close();
  });
  std::vector<std::string> out;
  while (queue.pop_some(out, 25, kForever) != Queue::Popped::kDone) {
  }
  producer.join();
  EXPECT_EQ(out, (std::vector<std::string>{"huge", "next"}));
  EXPECT_EQ(queue.high_water(), 1u);
}

TEST(BoundedQueue, AfterAbortPushesFailAndPopsAreDone) {
  Queue queue(4);
  ASSERT_TRUE(queue.push("dropped"));
  queue.abort();
  EXPECT_FALSE(queue.push("late"));
  std::vector<std::string> out;
  EXPECT_EQ(queue.pop_some(out, 1, kForever), Queue::Popped::kDone);
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace csv2ddb::ingest
