// A checkpoint that passes rows set aside (rejected, unprocessed), with the outputs' entries kept
// in journals (output_journal.hpp): interrupted and resumed, the outputs and counts are those of
// one run, every row accounted once.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "ingest/ingestor.hpp"
#include "ingest/output_journal.hpp"
#include "ingest/output_sink.hpp"
#include "model/json.hpp"
#include "support/in_memory_table.hpp"
#include "support/memory_output_store.hpp"

namespace csv2ddb::ingest {
namespace {

// Journals in memory: what a run appends becomes what the next one replays.
class MemoryJournals final : public OutputJournals {
 public:
  using Entries = std::vector<std::pair<std::uint64_t, std::string>>;

  class Journal final : public OutputJournal {
   public:
    Status append(std::uint64_t line, std::string_view entry) override {
      current.emplace_back(line, std::string(entry));
      return {};
    }
    Status flush() override {
      ++flushes;
      return {};
    }
    Status replay(const EachEntry& each) override {
      for (const auto& [line, entry] : previous) {
        if (Status done = each(line, entry); !done) return done;
      }
      return {};
    }
    Entries previous;
    Entries current;
    int flushes = 0;
  };

  Result<OutputJournal*> journal(OutputKind kind) override {
    return &journals_[static_cast<std::size_t>(kind)];
  }
  // The next run resumes from what this one wrote.
  void next_generation() {
    for (Journal& journal : journals_) {
      journal.previous = std::move(journal.current);
      journal.current.clear();
    }
  }
  const Journal& of(OutputKind kind) const { return journals_[static_cast<std::size_t>(kind)]; }

 private:
  std::array<Journal, 5> journals_;
};

model::KeySchema schema() {
  return model::parse_key_schema("account:S,offer_id:S").value();
}

// 20,000 rows of distinct keys; every 499th has no offer_id (rejected by the mapper).
std::string offers_with_bad_rows() {
  std::string csv = "account,offer_id,price\n";
  for (int i = 0; i < 20'000; ++i) {
    const std::string offer = i % 499 == 0 ? "" : "o" + std::to_string(i);
    csv += "a" + std::to_string(i % 7) + "," + offer + "," + std::to_string(i) + "\n";
  }
  return csv;
}

struct JournaledRun {
  InMemoryTable table{schema(), "offers"};
  MemoryOutputStore store;
  IngestOptions options;

  explicit JournaledRun(MemoryJournals* journals) {
    options.table = "offers";
    options.lanes = 8;
    options.lane_queue_capacity = 64;
    options.spread = SpreadLimits{256, 4 << 20};
    options.retry.max_attempts = 1;  // unprocessed at once: rows set aside all through the file
    options.checkpoint_interval = std::chrono::milliseconds(0);
    options.journals = journals;
    options.outputs.store = &store;
    options.outputs.json_copy_key = "copy";
    options.outputs.unprocessed_key = "unprocessed";
    options.outputs.rejected_key = "rejected";
    options.outputs.conflicts_key = "conflicts";
    options.outputs.unprocessed_deletes_key = "deletes";
    table.set_unprocessed_fraction(0.3);
    table.set_call_delay(std::chrono::microseconds(100));
  }

  // Goes on from where an interrupted run saved its checkpoint.
  void resume_from(const ResumePoint& saved) {
    options.resume = saved;
    options.header = std::vector<std::string>{"account", "offer_id", "price"};
    options.on_checkpoint = [](const ResumePoint&) {};
  }
};

// The `key` member of each element of a JSON array (unprocessed items).
std::multiset<std::string> offer_ids(const std::string& array) {
  std::multiset<std::string> out;
  Result<model::JsonValue> parsed = model::parse_json(array);
  EXPECT_TRUE(parsed.ok());
  if (!parsed || !parsed->is_array()) return out;
  for (const model::JsonValue& item : parsed->as_array()) {
    out.insert(item.find("offer_id")->as_string());
  }
  return out;
}

TEST(Journals, TheCheckpointPassesRowsSetAsideAndTheResumeAccountsEachOnce) {
  const std::string csv = offers_with_bad_rows();
  JournaledRun clean(nullptr);
  Result<RunOutcome> whole =
      run_ingest(csv::make_memory_source(csv, "offers.csv"), clean.table, clean.options);
  ASSERT_TRUE(whole.ok());
  ASSERT_GT(whole->report.rows_unprocessed, 1000u);

  for (int stop_after : {2, 5}) {
    SCOPED_TRACE("stop after " + std::to_string(stop_after));
    MemoryJournals journals;
    JournaledRun first(&journals);
    std::atomic<bool> interrupt{false};
    std::optional<ResumePoint> saved;
    int checkpoints = 0;
    first.options.interrupt = &interrupt;
    first.options.on_checkpoint = [&](const ResumePoint& point) {
      EXPECT_TRUE(point.balanced());
      saved = point;
      if (point.rows_read > 0 && ++checkpoints == stop_after) interrupt = true;
    };
    Result<RunOutcome> stopped =
        run_ingest(csv::make_memory_source(csv, "offers.csv"), first.table, first.options);
    ASSERT_TRUE(stopped.ok()) << stopped.error().to_string();
    ASSERT_TRUE(stopped->end == RunOutcome::End::kInterrupted);
    ASSERT_TRUE(saved.has_value());
    // Past rows rejected (line 2 is the first) and left unprocessed: the point moved on.
    EXPECT_GT(saved->rows_rejected, 0u);
    EXPECT_GT(saved->rows_unprocessed, 0u);
    EXPECT_EQ(stopped->report.rows_unprocessed, saved->rows_unprocessed);
    EXPECT_TRUE(stopped->report.balanced());
    EXPECT_GT(journals.of(OutputKind::kUnprocessed).flushes, 0);
    EXPECT_FALSE(first.store.get("unprocessed").has_value()) << "nothing committed";

    journals.next_generation();
    JournaledRun second(&journals);
    second.resume_from(*saved);
    Result<RunOutcome> resumed =
        run_ingest(csv::make_memory_source(csv, "offers.csv"), second.table, second.options);
    ASSERT_TRUE(resumed.ok()) << resumed.error().to_string();
    const Report& report = resumed->report;
    EXPECT_TRUE(report.balanced());
    EXPECT_EQ(report.rows_read, whole->report.rows_read);
    EXPECT_EQ(report.rows_rejected, whole->report.rows_rejected);
    // The JSON copy and the rejected rows are those of one run, byte for byte.
    EXPECT_EQ(second.store.get("copy"), clean.store.get("copy"));
    EXPECT_EQ(second.store.get("rejected"), clean.store.get("rejected"));
    // Every row left unprocessed is there once, and they are what the report counts.
    const std::multiset<std::string> unprocessed =
        offer_ids(second.store.get("unprocessed").value_or("[]"));
    EXPECT_EQ(unprocessed.size(), report.rows_unprocessed);
    EXPECT_EQ(std::set<std::string>(unprocessed.begin(), unprocessed.end()).size(),
              unprocessed.size());
    // And every row that was neither is in one of the two tables.
    EXPECT_EQ(first.table.size() + second.table.size() >= report.rows_written, true);
  }
}

TEST(Journals, AResumeWhoseJournalsDoNotHoldTheCountedRowsIsRefused) {
  const std::string csv = offers_with_bad_rows();
  MemoryJournals journals;
  JournaledRun first(&journals);
  std::atomic<bool> interrupt{false};
  std::optional<ResumePoint> saved;
  first.options.interrupt = &interrupt;
  first.options.on_checkpoint = [&](const ResumePoint& point) {
    saved = point;
    if (point.rows_rejected > 2) interrupt = true;
  };
  ASSERT_TRUE(
      run_ingest(csv::make_memory_source(csv, "offers.csv"), first.table, first.options).ok());
  ASSERT_TRUE(saved.has_value());
  MemoryJournals empty;  // the journals lost (deleted by hand)
  JournaledRun second(&empty);
  second.resume_from(*saved);
  Result<RunOutcome> resumed =
      run_ingest(csv::make_memory_source(csv, "offers.csv"), second.table, second.options);
  ASSERT_FALSE(resumed.ok());
  EXPECT_EQ(resumed.error().code, "InvalidCheckpoint");
  EXPECT_NE(resumed.error().message.find("the outputs kept with the checkpoint hold 0 rejected"),
            std::string::npos)
      << resumed.error().message;
}

// A key given up before the point stays given up after it: its later rows go to unprocessed/
// too, so that re-driving unprocessed/ cannot put an older row over a newer one.
TEST(Journals, KeysGivenUpBeforeThePointStayGivenUp) {
  std::string csv = "account,offer_id,price\n";
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 5000; ++i) {  // the first checkpoint comes after 2,048 rows
      csv += "a,o" + std::to_string(i) + "," + std::to_string(round) + "\n";
    }
  }
  MemoryJournals journals;
  JournaledRun first(&journals);
  first.table.set_unprocessed_fraction(0);
  first.table.fail_call(1);  // the first batch (o0..o24) throttled, and not retried
  first.options.lanes = 1;
  first.options.spread.reset();
  std::atomic<bool> interrupt{false};
  std::optional<ResumePoint> saved;
  first.options.interrupt = &interrupt;
  first.options.on_checkpoint = [&](const ResumePoint& point) {
    saved = point;
    if (point.rows_read > 100) interrupt = true;
  };
  ASSERT_TRUE(
      run_ingest(csv::make_memory_source(csv, "offers.csv"), first.table, first.options).ok());
  ASSERT_TRUE(saved.has_value());
  ASSERT_EQ(saved->rows_unprocessed, 25u);
  ASSERT_LT(saved->rows_read, 5000u);

  journals.next_generation();
  JournaledRun second(&journals);
  second.table.set_unprocessed_fraction(0);
  second.options.lanes = 1;
  second.options.spread.reset();
  second.resume_from(*saved);
  Result<RunOutcome> resumed =
      run_ingest(csv::make_memory_source(csv, "offers.csv"), second.table, second.options);
  ASSERT_TRUE(resumed.ok()) << resumed.error().to_string();
  EXPECT_EQ(resumed->report.rows_unprocessed, 50u);
  EXPECT_EQ(resumed->report.rows_written, 9950u);
  EXPECT_EQ(offer_ids(second.store.get("unprocessed").value_or("[]")).count("o7"), 2u);
  for (const model::Item& item : second.table.items()) {
    EXPECT_NE(item.attributes[1].value.text, "o7");
  }
}

// Without journals the point stops at the first row set aside, as the outputs need.
TEST(Journals, WithoutJournalsThePointStopsAtTheFirstRowSetAside) {
  const std::string csv = offers_with_bad_rows();
  JournaledRun run(nullptr);
  std::optional<ResumePoint> saved;
  run.options.on_checkpoint = [&](const ResumePoint& point) { saved = point; };
  ASSERT_TRUE(run_ingest(csv::make_memory_source(csv, "offers.csv"), run.table, run.options).ok());
  ASSERT_TRUE(saved.has_value());
  EXPECT_EQ(saved->line, 2u);  // the first row has no offer_id
  EXPECT_EQ(saved->rows_read, 0u);
}

}  // namespace
}  // namespace csv2ddb::ingest
