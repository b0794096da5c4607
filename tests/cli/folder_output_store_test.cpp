// The folder output store: atomic commit, abort, folders, and keys that try to leave the root.
#include "cli/folder_output_store.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace csv2ddb::cli {
namespace {

namespace fs = std::filesystem;

class FolderOutputStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("csv2ddb-ingest-store-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
    store_ = make_folder_output_store(root_.string());
  }
  void TearDown() override { fs::remove_all(root_); }

  std::string read(const std::string& key) {
    std::ifstream in(root_ / key, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  std::size_t files_under_root() {
    std::size_t count = 0;
    for (const auto& entry : fs::recursive_directory_iterator(root_)) {
      count += entry.is_regular_file() ? 1 : 0;
    }
    return count;
  }

  fs::path root_;
  std::unique_ptr<ingest::OutputStore> store_;
};

TEST_F(FolderOutputStoreTest, CommitMakesTheObjectVisibleWhole) {
  auto writer = store_->create("json-copy/data/offers.json", "application/json");
  ASSERT_TRUE(writer.ok()) << writer.error().to_string();
  ASSERT_TRUE((*writer)->write("{\"data\":[").ok());
  const std::string big(200 * 1024, 'x');  // larger than the write buffer
  ASSERT_TRUE((*writer)->write(big).ok());
  ASSERT_TRUE((*writer)->write("]}").ok());
  EXPECT_FALSE(fs::exists(root_ / "json-copy/data/offers.json"));  // not before commit
  ASSERT_TRUE((*writer)->commit().ok());
  EXPECT_EQ(read("json-copy/data/offers.json"), "{\"data\":[" + big + "]}");
  EXPECT_EQ(files_under_root(), 1u);  // no temporary file left
  EXPECT_EQ(store_->locate("a/b.json"), (root_ / "a/b.json").string());
}

TEST_F(FolderOutputStoreTest, CommitReplacesAnExistingObject) {
  for (const char* text : {"first", "second"}) {
    auto writer = store_->create("reports/r.json", "application/json");
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->write(text).ok());
    ASSERT_TRUE((*writer)->commit().ok());
  }
  EXPECT_EQ(read("reports/r.json"), "second");
}

TEST_F(FolderOutputStoreTest, AbortAndDestructionLeaveNothing) {
  {
    auto writer = store_->create("a/aborted.json", "");
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->write("partial").ok());
    (*writer)->abort();
    EXPECT_FALSE((*writer)->write("more").ok());
  }
  {
    auto writer = store_->create("a/dropped.json", "");
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->write("partial").ok());
  }  // destroyed without commit
  EXPECT_EQ(files_under_root(), 0u);
}

// A run killed while it writes (kill -9: no destructor, no abort) must leave nothing behind: the
// object has no name in the folder until it is committed.
TEST_F(FolderOutputStoreTest, AnObjectBeingWrittenHasNoNameYet) {
  auto writer = store_->create("unprocessed/a.csv.unprocessed.json", "application/json");
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->write(std::string(200 * 1024, 'x')).ok());  // past the write buffer
  EXPECT_EQ(files_under_root(), 0u);
  ASSERT_TRUE((*writer)->commit().ok());
  EXPECT_EQ(files_under_root(), 1u);
  EXPECT_EQ(read("unprocessed/a.csv.unprocessed.json").size(), 200u * 1024);
}

TEST_F(FolderOutputStoreTest, RemoveIsIdempotent) {
  auto writer = store_->create("x.json", "");
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->commit().ok());
  EXPECT_TRUE(store_->remove("x.json").ok());
  EXPECT_FALSE(fs::exists(root_ / "x.json"));
  EXPECT_TRUE(store_->remove("x.json").ok());
}

TEST_F(FolderOutputStoreTest, KeysEscapingTheRootAreRefused) {
  for (const char* key : {"../outside.json", "a/../../outside.json", "/etc/passwd", "a//b", "",
                          "./a", "a/.", "a/.."}) {
    auto writer = store_->create(key, "");
    ASSERT_FALSE(writer.ok()) << key;
    EXPECT_EQ(writer.error().code, "InvalidKey") << key;
    EXPECT_EQ(store_->remove(key).error().code, "InvalidKey") << key;
  }
  EXPECT_FALSE(fs::exists(root_.parent_path() / "outside.json"));
  EXPECT_TRUE(store_->create("a..b/..c.json", "").ok());  // dots inside names are fine
}

}  // namespace
}  // namespace csv2ddb::cli
