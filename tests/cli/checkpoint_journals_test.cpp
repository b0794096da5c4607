// The journals beside a checkpoint: one generation replays what the one before wrote, a line cut
// off by a kill is not an entry, a damaged line is an error naming the file, and the files go
// when they are no longer named.
#include "cli/checkpoint_journals.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "cli/checkpoint_file.hpp"

namespace csv2ddb::cli {
namespace {

namespace fs = std::filesystem;
using ingest::OutputKind;
using Entries = std::vector<std::pair<std::uint64_t, std::string>>;

class CheckpointJournalsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("csv2ddb-journals-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
    checkpoint_ = (root_ / "offers.checkpoint.json").string();
  }
  void TearDown() override { fs::remove_all(root_); }

  Result<Entries> replay(CheckpointJournals& journals, OutputKind kind) {
    Result<ingest::OutputJournal*> journal = journals.journal(kind);
    if (!journal) return journal.take_error();
    Entries out;
    Status done = (*journal)->replay([&out](std::uint64_t line, std::string_view entry) {
      out.emplace_back(line, std::string(entry));
      return Status{};
    });
    if (!done) return done.take_error();
    return out;
  }

  fs::path root_;
  std::string checkpoint_;
};

TEST_F(CheckpointJournalsTest, TheNextGenerationReplaysWhatThisOneWrote) {
  {
    CheckpointJournals first(checkpoint_, 0);
    EXPECT_EQ(first.generation(), 1u);
    ingest::OutputJournal* rejected = first.journal(OutputKind::kRejected).value();
    ASSERT_TRUE(rejected->append(7, "{\"line\":7,\"reason\":\"a b\",\"fields\":[]}").ok());
    ASSERT_TRUE(rejected->append(12, "{\"line\":12}").ok());
    ASSERT_TRUE(rejected->flush().ok());
  }
  std::ifstream written(checkpoint_ + ".1.rejected");
  std::string text((std::istreambuf_iterator<char>(written)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "7 {\"line\":7,\"reason\":\"a b\",\"fields\":[]}\n12 {\"line\":12}\n");

  CheckpointJournals second(checkpoint_, 1);
  EXPECT_EQ(second.generation(), 2u);
  Result<Entries> entries = replay(second, OutputKind::kRejected);
  ASSERT_TRUE(entries.ok());
  EXPECT_EQ(*entries,
            (Entries{{7, "{\"line\":7,\"reason\":\"a b\",\"fields\":[]}"}, {12, "{\"line\":12}"}}));
  Result<Entries> none = replay(second, OutputKind::kConflicts);  // never written: empty
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());

  EXPECT_TRUE(fs::exists(checkpoint_ + ".1.rejected"));
  second.remove_previous();
  EXPECT_FALSE(fs::exists(checkpoint_ + ".1.rejected"));
  EXPECT_TRUE(fs::exists(checkpoint_ + ".2.rejected"));
  second.remove();
  EXPECT_FALSE(fs::exists(checkpoint_ + ".2.rejected"));
  EXPECT_FALSE(fs::exists(checkpoint_ + ".2.conflicts"));
}

TEST_F(CheckpointJournalsTest, ALastLineCutOffByAKillIsNotAnEntry) {
  std::ofstream(checkpoint_ + ".3.unprocessed") << "4 {\"a\":1}\n9 {\"a\":2}\n1";  // "1..." cut
  CheckpointJournals journals(checkpoint_, 3);
  Result<Entries> entries = replay(journals, OutputKind::kUnprocessed);
  ASSERT_TRUE(entries.ok());
  EXPECT_EQ(*entries, (Entries{{4, "{\"a\":1}"}, {9, "{\"a\":2}"}}));
}

TEST_F(CheckpointJournalsTest, ADamagedLineIsAnErrorNamingTheFile) {
  for (const char* damaged : {"x {}\n", "12{}\n", "\n", "99999999999999999999999 {}\n"}) {
    std::ofstream(checkpoint_ + ".1.rejected") << "3 {}\n" << damaged;
    CheckpointJournals journals(checkpoint_, 1);
    Result<Entries> entries = replay(journals, OutputKind::kRejected);
    ASSERT_FALSE(entries.ok()) << damaged;
    EXPECT_EQ(entries.error().code, "CheckpointError");
    EXPECT_EQ(entries.error().message, checkpoint_ + ".1.rejected: line 2 is damaged");
  }
}

TEST_F(CheckpointJournalsTest, TheCheckpointNamesItsJournalAndReadsVersionOne) {
  CheckpointFile file;
  file.input = "offers.csv";
  file.identity = "size=1 mtime_ns=2";
  file.table = "offers";
  file.point.header = {"account", "offer_id"};
  file.point.byte_offset = 900;
  file.point.line = 31;
  file.point.rows_read = 29;
  file.point.rows_written = 20;
  file.point.rows_rejected = 2;
  file.point.rows_unprocessed = 4;
  file.point.rows_conflicts = 3;
  file.journal = 5;
  const std::string text = encode_checkpoint(file);
  EXPECT_EQ(text,
            "{\"version\":2,\"input\":\"offers.csv\",\"identity\":\"size=1 mtime_ns=2\","
            "\"table\":\"offers\",\"header\":[\"account\",\"offer_id\"],\"byte_offset\":900,"
            "\"line\":31,\"rows_read\":29,\"rows_written\":20,\"rows_rejected\":2,"
            "\"rows_unprocessed\":4,\"rows_skipped\":0,\"rows_conflicts\":3,\"journal\":5}\n");
  Result<CheckpointFile> back = decode_checkpoint(text);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->journal, 5u);
  EXPECT_EQ(back->point.rows_unprocessed, 4u);
  EXPECT_EQ(back->point.rows_conflicts, 3u);

  Result<CheckpointFile> old = decode_checkpoint(
      "{\"version\":1,\"input\":\"a.csv\",\"identity\":\"\",\"table\":\"t\",\"header\":[],"
      "\"byte_offset\":10,\"line\":3,\"rows_read\":2,\"rows_written\":2,\"rows_skipped\":0}");
  ASSERT_TRUE(old.ok()) << old.error().message;
  EXPECT_EQ(old->journal, 0u);
  EXPECT_EQ(old->point.rows_written, 2u);
}

}  // namespace
}  // namespace csv2ddb::cli
