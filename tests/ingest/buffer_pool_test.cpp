// BufferPool: strings given back by a lane come out again, empty and with their capacity, and
// the pool keeps neither too many nor too large ones.
#include "ingest/buffer_pool.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace csv2ddb::ingest {
namespace {

std::vector<PlannedItem> items_of_sizes(const std::vector<std::size_t>& sizes) {
  std::vector<PlannedItem> items(sizes.size());
  for (std::size_t i = 0; i < sizes.size(); ++i) items[i].bytes.assign(sizes[i], 'x');
  return items;
}

TEST(BufferPool, GivenBackStringsComeOutEmptyWithTheirCapacity) {
  BufferPool pool;
  EXPECT_EQ(pool.take().capacity(), std::string().capacity());  // nothing yet: a new string
  std::vector<PlannedItem> sent = items_of_sizes({300, 400});
  const char* first = sent[0].bytes.data();
  pool.give_back(sent);
  EXPECT_TRUE(sent[0].bytes.empty());
  EXPECT_EQ(pool.shared_size(), 2u);

  std::string a = pool.take();
  std::string b = pool.take();
  EXPECT_TRUE(a.empty());
  EXPECT_TRUE(b.empty());
  EXPECT_GE(a.capacity() + b.capacity(), 700u);
  EXPECT_TRUE(a.data() == first || b.data() == first);  // the same bytes, reused in place
  EXPECT_EQ(pool.take().capacity(), std::string().capacity());
}

TEST(BufferPool, KeepsNeitherTooManyNorTooLargeStrings) {
  BufferPool pool(3, 1024);
  std::vector<PlannedItem> sent = items_of_sizes({100, 5000, 200, 300, 400});
  pool.give_back(sent);
  EXPECT_EQ(pool.shared_size(), 3u);  // 100, 200, 300: the 5,000-byte one was not kept
  EXPECT_EQ(sent[1].bytes.size(), 5000u);
  EXPECT_EQ(sent[4].bytes.size(), 400u);  // the pool was full
}

TEST(BufferPool, PlanItemFillsTheBufferItIsGiven) {
  std::string buffer(512, 'z');
  buffer.clear();
  const char* bytes = buffer.data();
  model::Item item;
  item.attributes.push_back({"k", model::AttributeValue::string("v")});
  const PlannedItem planned =
      plan_item(item, model::parse_key_schema("k:S").value(), 1, std::move(buffer));
  EXPECT_EQ(planned.bytes.data(), bytes);
  EXPECT_EQ(planned.item().value(), item);
}

}  // namespace
}  // namespace csv2ddb::ingest
