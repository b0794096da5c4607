// The engine at scale in simulated time: adaptive pacing against a table that throttles above
// its capacity, the --max-wcu cap counted per simulated second, last-row-wins across many lanes,
// interrupt + checkpoint + resume, and re-driving an unprocessed/ file.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "ingest/ingestor.hpp"
#include "ingest/json_array_reader.hpp"
#include "model/dynamodb_json.hpp"
#include "support/in_memory_table.hpp"
#include "support/ingest_report.hpp"
#include "support/memory_output_store.hpp"

namespace csv2ddb::ingest {
namespace {

using std::chrono::microseconds;

class FixedRandom final : public RandomSource {
 public:
  double uniform() override { return 0.5; }
};

model::KeySchema schema() {
  return model::parse_key_schema("account:S,offer_id:S").value();
}

std::string offers(int rows, int keys = 0) {
  std::string csv = "account,offer_id,price\n";
  for (int i = 0; i < rows; ++i) {
    const int key = keys > 0 ? i % keys : i;
    csv +=
        "a" + std::to_string(key % 7) + ",o" + std::to_string(key) + "," + std::to_string(i) + "\n";
  }
  return csv;
}

struct SimulatedRun {
  InMemoryTable table{schema(), "offers"};
  ManualClock clock;
  FixedRandom random;
  IngestOptions options;

  SimulatedRun() {
    options.table = "offers";
    options.key_schema = schema();
    options.lanes = 1;  // one lane: simulated time advances deterministically
    options.sleeper = &clock;
    options.clock = &clock;
    options.random = &random;
    table.set_call_sleeper(&clock);
  }
  Report run(const std::string& csv) {
    Result<Report> report =
        ingest_report(csv::make_memory_source(csv, "offers.csv"), table, options);
    EXPECT_TRUE(report.ok()) << report.error().to_string();
    EXPECT_TRUE(report->balanced());
    return *report;
  }
};

// A table of 500 WCU/s and 10 ms calls: one lane unpaced offers 2500 WCU/s.
Report run_against_capacity(bool adaptive) {
  SimulatedRun sim;
  sim.table.set_write_capacity(500, sim.clock);
  sim.table.set_call_delay(microseconds(10'000));
  sim.table.set_store_items(false);
  sim.options.retry.quota_initial = 1'000'000;  // isolate pacing from the retry quota
  if (adaptive) sim.options.pacing = PacerConfig{};
  return sim.run(offers(20'000));
}

TEST(Pacing, AdaptivePacingCutsThrottledRequests) {
  const Report fixed = run_against_capacity(false);
  const Report adaptive = run_against_capacity(true);
  EXPECT_EQ(fixed.rows_written + fixed.rows_unprocessed, 20'000u);
  EXPECT_EQ(adaptive.rows_written + adaptive.rows_unprocessed, 20'000u);
  // Measured (deterministic in simulated time): see the report of this change for the numbers.
  std::printf("fixed: %s\nadaptive: %s\n", fixed.to_json().c_str(), adaptive.to_json().c_str());
  EXPECT_GT(fixed.throttles, 0u);
  EXPECT_LT(adaptive.throttles * 2, fixed.throttles);
  EXPECT_LT(adaptive.rows_unprocessed, fixed.rows_unprocessed + 1);
}

TEST(Pacing, MaxWcuHoldsInEverySimulatedSecond) {
  SimulatedRun sim;
  sim.table.set_write_capacity(1e12, sim.clock);  // never throttles; records call times
  PacerConfig config;
  config.max_wcu = 200;
  config.adaptive = false;
  sim.options.pacing = config;
  // Items of about 1.5 KB: 2 write units each.
  std::string csv = "account,offer_id,blob\n";
  const std::string blob(1500, 'x');
  for (int i = 0; i < 2000; ++i) csv += "a,o" + std::to_string(i) + "," + blob + "\n";
  const Report report = sim.run(csv);
  EXPECT_EQ(report.rows_written, 2000u);
  EXPECT_DOUBLE_EQ(report.consumed_wcu, 4000);
  std::map<std::int64_t, double> per_second;
  double total = 0;
  for (const InMemoryTable::Call& call : sim.table.calls()) {
    per_second[call.at.count() / 1'000'000] += call.write_units;
    total += call.write_units;
  }
  EXPECT_EQ(total, 4000);
  for (const auto& [second, units] : per_second) {
    EXPECT_LE(units, 200 + 50) << "second " << second;  // the cap plus at most one request
  }
  // 4000 units at 200/s: the last request goes out no earlier than 20 s minus its own cost.
  EXPECT_GE(sim.clock.now().count(), 19'750'000);
  double full_seconds = 0;
  for (const auto& [second, units] : per_second) {
    if (second < 19) full_seconds += units;
  }
  EXPECT_LE(full_seconds, 19 * 200.0 + 50);
}

TEST(Lanes, DuplicateKeysAcrossManyLanesLastRowWinsEveryTime) {
  const std::string csv = offers(6000, 150);  // every key 40 times, spread over the file
  std::map<std::string, std::string> expected;
  for (int i = 0; i < 6000; ++i) {
    const int key = i % 150;
    expected["o" + std::to_string(key)] = std::to_string(i);
  }
  for (int round = 0; round < 6; ++round) {
    InMemoryTable table(schema(), "offers");
    table.set_call_delay(microseconds(round * 40));
    IngestOptions options;
    options.table = "offers";
    options.lanes = 16;
    options.lane_queue_capacity = 8;
    // The spreading window holding the whole file, a small one, and none.
    if (round % 3 == 1) options.spread = SpreadLimits{64, 1 << 20};
    if (round % 3 == 2) options.spread.reset();
    Result<Report> report =
        ingest_report(csv::make_memory_source(csv, "offers.csv"), table, options);
    ASSERT_TRUE(report.ok());
    EXPECT_EQ(report->rows_written, 6000u);
    ASSERT_EQ(table.size(), 150u);
    for (const model::Item& item : table.items()) {
      const std::string& offer = item.attributes[1].value.text;
      EXPECT_EQ(item.attributes[2].value.text, expected[offer]) << offer << " round " << round;
    }
  }
}

// Options for a run of 8 lanes that checkpoints at every chance and stops on `interrupt`.
IngestOptions checkpointing_options(std::size_t lane_queue, std::size_t window,
                                    const std::atomic<bool>& interrupt) {
  IngestOptions options;
  options.table = "offers";
  options.lanes = 8;
  options.lane_queue_capacity = lane_queue;
  options.spread = SpreadLimits{window, 4 << 20};  // bound by rows, not by bytes
  options.checkpoint_interval = std::chrono::milliseconds(0);
  options.interrupt = &interrupt;
  return options;
}

// Resumes the interrupted run of `options` from `saved` into `table`: the table and the counts
// must then be those of a clean run.
void resume_equals_a_clean_run(const std::string& csv, const IngestOptions& options,
                               const ResumePoint& saved, InMemoryTable& table,
                               const InMemoryTable& clean_table, const Report& clean_report) {
  IngestOptions resumed = options;
  resumed.interrupt = nullptr;
  resumed.resume = saved;
  resumed.header = std::vector<std::string>{"account", "offer_id", "price"};
  resumed.on_checkpoint = [](const ResumePoint&) {};
  Result<Report> second = ingest_report(csv::make_memory_source(csv, "offers.csv"), table, resumed);
  ASSERT_TRUE(second.ok()) << second.error().to_string();
  EXPECT_EQ(second->rows_read, clean_report.rows_read);
  EXPECT_EQ(second->rows_written, clean_report.rows_written);
  EXPECT_EQ(second->rows_skipped, clean_report.rows_skipped);
  EXPECT_EQ(stored(table), stored(clean_table));
}

// Runs until the `stop_after`-th checkpoint, then resumes from the last one.
void interrupt_then_resume_equals_a_clean_run(const std::string& csv, std::size_t window) {
  InMemoryTable clean_table(schema(), "offers");
  IngestOptions clean;
  clean.table = "offers";
  clean.lanes = 8;
  Result<Report> clean_report =
      ingest_report(csv::make_memory_source(csv, "offers.csv"), clean_table, clean);
  ASSERT_TRUE(clean_report.ok());

  for (int stop_after : {1, 3, 7}) {
    InMemoryTable table(schema(), "offers");
    table.set_call_delay(microseconds(200));
    std::atomic<bool> interrupt{false};
    std::optional<ResumePoint> saved;
    int checkpoints = 0;
    // A window far smaller than the file (the default would hold all of it), so the point
    // moves, and must stay behind the rows the window holds back.
    IngestOptions options = checkpointing_options(64, window, interrupt);
    options.on_checkpoint = [&](const ResumePoint& point) {
      if (saved) {
        EXPECT_GE(point.byte_offset, saved->byte_offset);  // never moves back
      }
      EXPECT_EQ(point.rows_read, point.rows_written + point.rows_skipped);
      saved = point;
      if (point.rows_read > 0 && ++checkpoints == stop_after) interrupt = true;
    };
    Result<RunOutcome> outcome =
        run_ingest(csv::make_memory_source(csv, "offers.csv"), table, options);
    ASSERT_TRUE(outcome.ok()) << outcome.error().to_string();
    const Report* first = &outcome->report;
    ASSERT_TRUE(outcome->end == RunOutcome::End::kInterrupted)
        << "stop after " << stop_after << ": " << checkpoints;
    ASSERT_TRUE(saved.has_value());
    EXPECT_EQ(first->rows_read, saved->rows_read);
    EXPECT_LT(saved->rows_read, 20'001u);
    // Stopped at the n-th checkpoint past the first row (every 2048 rows read or sent).
    EXPECT_GT(saved->rows_read, 0u) << "stop after " << stop_after;
    // The rows before the point are in the table (a row may be there from after it too).
    EXPECT_EQ(csv.compare(saved->byte_offset, 1, "a"), 0) << "a record boundary";
    SCOPED_TRACE("stop after " + std::to_string(stop_after));
    resume_equals_a_clean_run(csv, options, *saved, table, clean_table, *clean_report);
  }
}

TEST(Checkpoint, InterruptThenResumeEqualsACleanRun) {
  // Repeats, and a skipped row at the end.
  interrupt_then_resume_equals_a_clean_run(offers(20'000, 5000) + "\n,,\n", 256);
}

// The whole file fits in the window: it is read at once and written while the window empties,
// which must checkpoint (and stop on Ctrl-C) as reading does.
TEST(Checkpoint, InterruptThenResumeOfAFileTheWindowHoldsWhole) {
  interrupt_then_resume_equals_a_clean_run(offers(20'000, 5000) + "\n,,\n", 65536);
}

// Table calls wait until open() (then take `delay` each): so that a test can hold every write
// back until the reader has read the whole file.
class GatedSleeper final : public Sleeper {
 public:
  explicit GatedSleeper(microseconds delay) : delay_(delay) {}
  void open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    opened_.notify_all();
  }
  void sleep(microseconds) override {
    {
      std::unique_lock lock(mutex_);
      opened_.wait(lock, [&] { return open_; });
    }
    std::this_thread::sleep_for(delay_);
  }

 private:
  microseconds delay_;
  std::mutex mutex_;
  std::condition_variable opened_;
  bool open_ = false;
};

// The lane queues hold the whole file (8 x 4096 > 16,384 rows), and no write ends before the
// reader has read it all: everything after that happens while the reader has nothing left to
// read. It must still checkpoint, and stop on Ctrl-C, while the lanes write (about a second).
TEST(Checkpoint, InterruptWhileTheLanesWriteAFileTheyHoldWhole) {
  const std::string csv = offers(16'384, 5000);
  InMemoryTable clean_table(schema(), "offers");
  IngestOptions clean;
  clean.table = "offers";
  Result<Report> clean_report =
      ingest_report(csv::make_memory_source(csv, "offers.csv"), clean_table, clean);
  ASSERT_TRUE(clean_report.ok());

  InMemoryTable table(schema(), "offers");
  GatedSleeper gate(microseconds(10'000));
  table.set_call_delay(microseconds(1));
  table.set_call_sleeper(&gate);
  std::atomic<bool> interrupt{false};
  std::optional<ResumePoint> saved;
  int checkpoints = 0;
  IngestOptions options = checkpointing_options(4096, 1024, interrupt);
  options.on_checkpoint = [&](const ResumePoint& point) {
    saved = point;
    if (point.rows_read > 0 && ++checkpoints == 3) interrupt = true;
  };
  // Progress comes every 8,192 rows read: at 16,384 the reader is at the end of the file.
  auto progress = [&](const Progress& now) {
    if (now.rows_read == 16'384) gate.open();
  };
  Result<RunOutcome> outcome =
      run_ingest(csv::make_memory_source(csv, "offers.csv"), table, options, progress);
  gate.open();  // should the run have ended some other way
  ASSERT_TRUE(outcome.ok()) << outcome.error().to_string();
  const Report* first = &outcome->report;
  ASSERT_TRUE(outcome->end == RunOutcome::End::kInterrupted)
      << "no checkpoint while the lanes wrote";
  ASSERT_TRUE(saved.has_value());
  EXPECT_GT(saved->rows_read, 0u);
  EXPECT_LT(saved->rows_read, 16'384u);
  EXPECT_EQ(first->rows_read, saved->rows_read);
  EXPECT_EQ(saved->rows_read, saved->rows_written);

  resume_equals_a_clean_run(csv, options, *saved, table, clean_table, *clean_report);
}

// Sorted by account, with repeats: the window reorders the most here (its rows leave in
// turns of account), and lanes get their rows out of input order.
TEST(Checkpoint, InterruptThenResumeOfSortedInputEqualsACleanRun) {
  std::string csv = "account,offer_id,price\n";
  for (int account = 0; account < 40; ++account) {
    for (int i = 0; i < 500; ++i) {
      const int offer = i % 400;  // the last 100 rows of each account repeat earlier keys
      csv += "a" + std::to_string(account) + ",o" + std::to_string(offer) + "," +
             std::to_string(i) + "\n";
    }
  }
  interrupt_then_resume_equals_a_clean_run(csv + "\n,,\n", 1024);
}

// The window holds rows back that the reader has passed: a checkpoint must stay behind them.
// With a quick table the lanes are idle and only the window holds rows back.
TEST(Checkpoint, NeverPassesARowTheWindowHolds) {
  std::string csv = "account,offer_id,price\n";
  for (int i = 0; i < 12'000; ++i) {
    csv += "a" + std::to_string(i / 3000) + ",o" + std::to_string(i) + ",1\n";  // sorted
  }
  InMemoryTable table(schema(), "offers");
  IngestOptions options;
  options.table = "offers";
  options.lanes = 4;
  options.spread = SpreadLimits{4096, 1 << 20};
  options.checkpoint_interval = std::chrono::milliseconds(0);
  int checkpoints = 0;
  options.on_checkpoint = [&](const ResumePoint& point) {
    ++checkpoints;
    EXPECT_EQ(point.rows_read, point.rows_written + point.rows_skipped) << point.line;
  };
  Result<Report> report = ingest_report(csv::make_memory_source(csv, "offers.csv"), table, options);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->rows_written, 12'000u);
  EXPECT_GT(checkpoints, 2);
}

TEST(Checkpoint, NeverPassesARowThatWasNotWritten) {
  std::string csv = offers(3000);
  csv += "a1,,bad\n";  // rejected by the mapper: line 3002
  csv += offers(3000).substr(std::string("account,offer_id,price\n").size());
  InMemoryTable table(schema(), "offers");
  std::optional<ResumePoint> saved;
  IngestOptions options;
  options.table = "offers";
  options.lanes = 4;
  options.checkpoint_interval = std::chrono::milliseconds(0);
  options.on_checkpoint = [&](const ResumePoint& point) { saved = point; };
  std::atomic<bool> interrupt{false};
  options.interrupt = &interrupt;
  Result<Report> report = ingest_report(csv::make_memory_source(csv, "offers.csv"), table, options);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->rows_rejected, 1u);
  ASSERT_TRUE(saved.has_value());
  EXPECT_LE(saved->line, 3002u);
  EXPECT_LE(saved->rows_read, 3001u);
}

TEST(Redrive, ItemArrayIsStreamedAndWritten) {
  const std::string items =
      " [{\"account\":\"a\",\"offer_id\":\"1\",\"price\":3,\"tags\":[\"x\",\"]\"]},\n"
      "  {\"account\":\"b\",\"offer_id\":\"2\",\"note\":\"a \\\"quoted\\\" }\"},"
      "{\"account\":\"c\"}, 17 ]";
  EXPECT_EQ(detect_input_format("x.csv", items), InputFormat::kItemArray);
  EXPECT_EQ(detect_input_format("offers.unprocessed.json", "a,b"), InputFormat::kItemArray);
  EXPECT_EQ(detect_input_format("offers.csv", "account,offer_id"), InputFormat::kCsv);
  for (std::size_t chunk : {std::size_t{1}, std::size_t{5}, SIZE_MAX}) {
    InMemoryTable table(schema(), "offers");
    IngestOptions options;
    options.table = "offers";
    options.input_format = InputFormat::kItemArray;
    MemoryOutputStore store;
    options.outputs.store = &store;
    options.outputs.rejected_key = "rejected";
    Result<Report> report = ingest_report(
        csv::make_memory_source(items, "offers.unprocessed.json", chunk), table, options);
    ASSERT_TRUE(report.ok()) << report.error().to_string();
    EXPECT_EQ(report->rows_read, 4u);
    EXPECT_EQ(report->rows_written, 2u);
    EXPECT_EQ(report->rows_rejected, 2u);
    EXPECT_EQ(stored(table),
              "{\"account\":\"a\",\"offer_id\":\"1\",\"price\":3,\"tags\":[\"x\",\"]\"]}\n"
              "{\"account\":\"b\",\"offer_id\":\"2\",\"note\":\"a \\\"quoted\\\" }\"}\n");
    const std::string rejected = store.get("rejected").value_or("");
    EXPECT_NE(rejected.find("{\"line\":3,"), std::string::npos) << rejected;
    EXPECT_NE(rejected.find("{\"line\":4,\"reason\":\"an element of an item file is not a JSON "
                            "object\",\"fields\":[\"17\"]}"),
              std::string::npos)
        << rejected;
  }
}

TEST(Redrive, BrokenArraysAreErrors) {
  for (const char* text : {"{\"a\":1}", "[{\"a\":1}", "[{\"a\":1}]]", "[1 2"}) {
    JsonArrayReader reader(csv::make_memory_source(text));
    std::string element;
    Result<bool> more = true;
    while (more.ok() && *more) more = reader.next(element);
    EXPECT_FALSE(more.ok()) << text;
  }
}

}  // namespace
}  // namespace csv2ddb::ingest
