// The in-memory output store the engine's tests write to.
#include "support/memory_output_store.hpp"

#include <gtest/gtest.h>

namespace csv2ddb::ingest {
namespace {

TEST(MemoryOutputStore, ObjectsAppearOnCommitOnly) {
  MemoryOutputStore store;
  auto writer = store.create("k.json", "application/json");
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->write("ab").ok());
  EXPECT_FALSE(store.get("k.json"));
  ASSERT_TRUE((*writer)->write("c").ok());
  ASSERT_TRUE((*writer)->commit().ok());
  EXPECT_EQ(store.get("k.json"), "abc");
  EXPECT_EQ(store.content_type("k.json"), "application/json");
  EXPECT_EQ(store.keys(), (std::vector<std::string>{"k.json"}));
  ASSERT_TRUE(store.remove("k.json").ok());
  EXPECT_TRUE(store.keys().empty());
}

}  // namespace
}  // namespace csv2ddb::ingest
