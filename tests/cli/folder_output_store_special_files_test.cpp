// Regression: an output path naming a device or a pipe (`--json-copy /dev/null`) must never be
// replaced by a rename or removed as a "stale output". Run as root, that once turned the
// machine's /dev/null into a regular file.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "cli/folder_output_store.hpp"

namespace csv2ddb::cli {
namespace {

class SpecialFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ =
        std::filesystem::temp_directory_path() / ("csv2ddb-special-" + std::to_string(::getpid()));
    std::filesystem::create_directories(root_);
    fifo_ = (root_ / "pipe").string();
    ASSERT_EQ(::mkfifo(fifo_.c_str(), 0600), 0);
    store_ = make_folder_output_store(root_.string());
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  bool still_a_fifo() const {
    struct stat st {};
    return ::lstat(fifo_.c_str(), &st) == 0 && S_ISFIFO(st.st_mode);
  }

  std::filesystem::path root_;
  std::string fifo_;
  std::unique_ptr<ingest::OutputStore> store_;
};

TEST_F(SpecialFiles, CreateRefusesToReplaceAPipe) {
  auto writer = store_->create("pipe", "application/json");
  ASSERT_FALSE(writer.ok());
  EXPECT_EQ(writer.error().message, fifo_ + " exists and is not a regular file");
  EXPECT_TRUE(still_a_fifo());
}

TEST_F(SpecialFiles, RemoveLeavesAPipeAlone) {
  EXPECT_TRUE(store_->remove("pipe").ok());
  EXPECT_TRUE(still_a_fifo());
}

}  // namespace
}  // namespace csv2ddb::cli
