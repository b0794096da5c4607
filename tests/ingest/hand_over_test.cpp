// StopMode::kHandOver against InMemoryTable and MemoryOutputStore: a file run as a chain of
// runs, each stopped after a few records and continued by the next from the hand-over (resume
// point and suspended outputs), ends with the same table, outputs and counts as one run, and no
// output is visible before the chain's last run. Both ways of continuing are exercised: reading
// and discarding up to the point (compressed input) and a source that starts there (a ranged
// read of a plain object).
#include <gtest/gtest.h>

#include "ingest/ingestor.hpp"
#include "ingest/output_keys.hpp"
#include "model/dynamodb_json.hpp"
#include "support/in_memory_table.hpp"
#include "support/ingest_report.hpp"
#include "support/memory_output_store.hpp"

namespace csv2ddb::ingest {
namespace {

class NoSleep final : public Sleeper {
 public:
  void sleep(std::chrono::microseconds) override {}
};

class FixedRandom final : public RandomSource {
 public:
  double uniform() override { return 0.5; }
};

// A file with every kind of row: written, duplicate keys (the last wins), blank, all-empty,
// rejected by the mapper (no key, too many fields), refused by the table ("bad"), a quoted
// field across lines, CRLF endings.
const char* const kMixedCsv =
    "account,offer_id,price,note\n"
    "a1,o1,10,first\n"
    "\n"
    ",,,\n"
    "a2,,5,no offer\n"
    "a1,o2,20,\n"
    "a1,o1,11,second\r\n"
    "a3,o1,7,\"quoted, with comma\nand a newline\"\n"
    "a4,o4,1,x,extra\n"
    "a5,o5,2,bad\n"
    "a6,o6,3,\n"
    "a1,o2,21,again\n"
    "a7,o7,4,last\n";

struct World {
  InMemoryTable table{model::parse_key_schema("account:S,offer_id:S").value(), "offers"};
  MemoryOutputStore store;
  NoSleep sleeper;
  FixedRandom random;
  OutputKeys keys = output_keys_for("offers.csv");

  World() {
    table.set_invalid_item(
        [](const model::Item& item) {
          const model::AttributeValue* note = item.find("note");
          return note != nullptr && note->text == "bad";
        },
        "One or more parameter values were invalid");
  }

  IngestOptions options() {
    IngestOptions options;
    options.table = "offers";
    options.lanes = 1;  // server rejections and unprocessed items in file order
    options.sleeper = &sleeper;
    options.random = &random;
    options.retry.max_attempts = 2;
    options.source_name = "offers.csv";
    options.outputs.store = &store;
    options.outputs.json_copy_key = keys.json_copy;
    options.outputs.unprocessed_key = keys.unprocessed;
    options.outputs.rejected_key = keys.rejected;
    options.outputs.report_key = keys.report;
    return options;
  }

  std::string table_items() const {
    std::string out;
    for (const model::Item& item : table.items()) {
      model::append_plain_item(out, item);
      out.push_back('\n');
    }
    return out;
  }

  std::string objects() const {
    std::string out;
    for (const std::string& key : store.keys()) {
      std::string bytes = store.get(key).value_or("");
      // The report's seconds and request count depend on the run, not on the rows.
      if (key == keys.report) bytes = bytes.substr(0, bytes.find(",\"seconds\""));
      out += key + ": " + bytes + "\n";
    }
    return out;
  }
};

enum class Continue { kSkipToPoint, kSourceStartsThere };

struct Chain {
  std::size_t runs = 0;
  Report report;
  bool invisible_until_the_end = true;
};

// Runs `csv` as a chain whose runs each take `records` records, then hands over.
Chain run_chain(World& world, const std::string& csv, std::size_t records, Continue how) {
  Chain chain;
  std::optional<HandOver> previous;
  while (true) {
    IngestOptions options = world.options();
    options.stop_mode = StopMode::kHandOver;
    std::size_t polls = 0;
    options.stop_requested = [&polls, records] { return ++polls >= records; };
    std::unique_ptr<csv::ByteSource> source;
    if (previous) {
      options.resume = previous->point;
      options.resume_outputs = previous->outputs;
      options.source_starts_at_resume = how == Continue::kSourceStartsThere;
    }
    if (previous && how == Continue::kSourceStartsThere) {
      source = csv::make_memory_source(csv.substr(previous->point.byte_offset), "offers.csv", 3);
    } else {
      source = csv::make_memory_source(csv, "offers.csv", 3);
    }
    Result<RunOutcome> outcome = run_ingest(std::move(source), world.table, options);
    EXPECT_TRUE(outcome.ok()) << outcome.error().to_string();
    if (!outcome.ok()) return chain;
    const Report* report = &outcome->report;
    RunOutcome& diagnostics = *outcome;
    EXPECT_TRUE(report->balanced()) << report->to_json();
    ++chain.runs;
    chain.report = *report;
    if (!diagnostics.hand_over) break;
    if (!world.store.keys().empty()) chain.invisible_until_the_end = false;
    // Every run makes progress, however soon it is told to stop.
    if (previous) {
      EXPECT_GT(diagnostics.hand_over->point.byte_offset, previous->point.byte_offset);
    }
    EXPECT_EQ(diagnostics.hand_over->point.rows_read, report->rows_read);
    previous = std::move(diagnostics.hand_over);
    if (chain.runs > 100) {
      ADD_FAILURE() << "the chain does not end";
      break;
    }
  }
  return chain;
}

std::string counts(const Report& r) {
  return "read=" + std::to_string(r.rows_read) + " written=" + std::to_string(r.rows_written) +
         " rejected=" + std::to_string(r.rows_rejected) +
         " unprocessed=" + std::to_string(r.rows_unprocessed) +
         " skipped=" + std::to_string(r.rows_skipped) + " bytes=" + std::to_string(r.bytes_read);
}

struct Single {
  std::string table;
  std::string objects;
  Report report;
};

Single single_run(const std::string& csv, const std::function<void(World&)>& setup = {}) {
  World world;
  if (setup) setup(world);
  Result<Report> report =
      ingest_report(csv::make_memory_source(csv, "offers.csv"), world.table, world.options());
  EXPECT_TRUE(report.ok()) << report.error().to_string();
  return {world.table_items(), world.objects(), report.ok() ? *report : Report{}};
}

class HandOverTest : public ::testing::TestWithParam<std::tuple<std::size_t, Continue>> {};

TEST_P(HandOverTest, AChainEndsAsOneRunDoes) {
  const auto [records, how] = GetParam();
  const Single one = single_run(kMixedCsv);
  ASSERT_EQ(counts(one.report), "read=12 written=7 rejected=3 unprocessed=0 skipped=2 bytes=198");

  World world;
  const Chain chain = run_chain(world, kMixedCsv, records, how);
  EXPECT_EQ(chain.runs, (12 + records - 1) / records);
  EXPECT_TRUE(chain.invisible_until_the_end);
  EXPECT_EQ(world.table_items(), one.table);
  EXPECT_EQ(world.objects(), one.objects);
  EXPECT_EQ(counts(chain.report), counts(one.report));
  // Each run's requests are carried, so the last report counts every one the table answered.
  EXPECT_EQ(chain.report.requests, world.table.call_count());
}

INSTANTIATE_TEST_SUITE_P(RecordsPerRun, HandOverTest,
                         ::testing::Combine(::testing::Values(1, 2, 5, 100),
                                            ::testing::Values(Continue::kSkipToPoint,
                                                              Continue::kSourceStartsThere)));

TEST(HandOver, UnprocessedItemsAndRetriesAreCarried) {
  const std::string csv = "account,offer_id\na,1\nb,2\nc,3\nd,4\ne,5\n";
  auto never_writes = [](World& world) { world.table.set_unprocessed_fraction(1.0); };
  const Single one = single_run(csv, never_writes);
  ASSERT_EQ(one.report.rows_unprocessed, 5u);

  World world;
  never_writes(world);
  const Chain chain = run_chain(world, csv, 2, Continue::kSkipToPoint);
  EXPECT_EQ(chain.runs, 3u);
  EXPECT_EQ(world.objects(), one.objects);
  EXPECT_EQ(counts(chain.report), counts(one.report));
  EXPECT_EQ(chain.report.requests, world.table.call_count());
  EXPECT_EQ(chain.report.retries, world.table.call_count() - 3);  // one first try per run
}

TEST(HandOver, InterruptHandsOverKeepingTheRunsFirstRecord) {
  World world;
  IngestOptions options = world.options();
  options.stop_mode = StopMode::kHandOver;
  const std::atomic<bool> interrupt{true};
  options.interrupt = &interrupt;
  Result<RunOutcome> outcome =
      run_ingest(csv::make_memory_source(kMixedCsv, "offers.csv"), world.table, options);
  ASSERT_TRUE(outcome.ok()) << outcome.error().to_string();
  const Report* report = &outcome->report;
  const RunOutcome& diagnostics = *outcome;
  ASSERT_TRUE(diagnostics.hand_over);
  EXPECT_EQ(report->rows_read, 1u);
  EXPECT_EQ(report->rows_written, 1u);
  EXPECT_EQ(diagnostics.hand_over->point.line, 3u);  // the blank line after the first row
  EXPECT_EQ(diagnostics.hand_over->point.byte_offset, 43u);
  EXPECT_TRUE(world.store.keys().empty());
}

TEST(HandOver, NeedsAResumableInput) {
  World world;
  IngestOptions options = world.options();
  options.stop_mode = StopMode::kHandOver;
  options.input_format = InputFormat::kItemArray;
  Result<Report> report =
      ingest_report(csv::make_memory_source(kMixedCsv, "offers.csv"), world.table, options);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error().code, "InvalidOptions");
}

TEST(HandOver, OutputsToResumeMustBeTheOutputsWanted) {
  World world;
  IngestOptions options = world.options();
  options.stop_mode = StopMode::kHandOver;
  options.resume = ResumePoint{};
  options.resume_outputs = SuspendedOutputs{};  // none, but this run writes three
  Result<Report> report =
      ingest_report(csv::make_memory_source(kMixedCsv, "offers.csv"), world.table, options);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error().code, "InvalidResumeOutputs");
}

}  // namespace
}  // namespace csv2ddb::ingest
