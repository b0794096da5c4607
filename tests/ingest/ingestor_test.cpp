// The whole engine against InMemoryTable: outputs byte for byte, retries, splitting, fatal
// errors, last-row-wins with parallel lanes, and bounded memory on a large generated input.
#include "ingest/ingestor.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <thread>

#include "ingest/output_keys.hpp"
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

class RecordingSleeper final : public Sleeper {
 public:
  void sleep(microseconds duration) override {
    std::lock_guard lock(mutex_);
    delays_.push_back(duration);
  }
  std::vector<microseconds> delays() const {
    std::lock_guard lock(mutex_);
    return delays_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<microseconds> delays_;
};

model::KeySchema offers_schema() {
  return model::parse_key_schema("account:S,offer_id:S").value();
}

struct Harness {
  InMemoryTable table{offers_schema(), "offers"};
  MemoryOutputStore store;
  RecordingSleeper sleeper;
  FixedRandom random;
  OutputKeys keys = output_keys_for("offers.csv");
  IngestOptions options;

  Harness() {
    options.table = "offers";
    options.lanes = 1;
    options.sleeper = &sleeper;
    options.random = &random;
    options.source_name = "offers.csv";
    options.outputs.store = &store;
    options.outputs.json_copy_key = keys.json_copy;
    options.outputs.unprocessed_key = keys.unprocessed;
    options.outputs.rejected_key = keys.rejected;
    options.outputs.report_key = keys.report;
  }

  Result<Report> run(std::string csv, std::size_t chunk = SIZE_MAX) {
    Result<Report> report =
        ingest_report(csv::make_memory_source(std::move(csv), "offers.csv", chunk), table, options);
    if (report.ok()) {
      EXPECT_TRUE(report->balanced()) << report->to_json();
    }
    return report;
  }

  std::string object(const std::string& key) { return store.get(key).value_or("<absent>"); }
};

// The counts of a report, without the run-dependent seconds.
std::string counts(const Report& r) {
  return "read=" + std::to_string(r.rows_read) + " written=" + std::to_string(r.rows_written) +
         " rejected=" + std::to_string(r.rows_rejected) +
         " unprocessed=" + std::to_string(r.rows_unprocessed) +
         " skipped=" + std::to_string(r.rows_skipped) + " requests=" + std::to_string(r.requests) +
         " retries=" + std::to_string(r.retries) + " throttles=" + std::to_string(r.throttles);
}

const char* const kOffersCsv =
    "account,offer_id,price,note\n"
    "a1,o1,10,first\n"
    "\n"
    ",,,\n"
    "a2,,5,no offer\n"
    "a1,o2,20,\n"
    "a1,o1,11,second\n"
    "a3,o1,7,\"quoted, with comma\"\n"
    "a4,o4,1,x,extra\n";

TEST(Ingest, OutputsAndCountsExact) {
  for (std::size_t chunk : {std::size_t{1}, std::size_t{7}, SIZE_MAX}) {
    Harness h;
    Result<Report> report = h.run(kOffersCsv, chunk);
    ASSERT_TRUE(report.ok()) << report.error().to_string();
    EXPECT_EQ(counts(*report),
              "read=8 written=4 rejected=2 unprocessed=0 skipped=2 requests=2 retries=0 "
              "throttles=0");
    EXPECT_EQ(report->bytes_read, std::strlen(kOffersCsv));
    EXPECT_EQ(report->consumed_wcu, 4.0);
    EXPECT_EQ(h.object("json-copy/offers.json"),
              R"({"data":[{"account":"a1","offer_id":"o1","price":"10","note":"first"},)"
              R"({"account":"a1","offer_id":"o2","price":"20"},)"
              R"({"account":"a1","offer_id":"o1","price":"11","note":"second"},)"
              R"({"account":"a3","offer_id":"o1","price":"7","note":"quoted, with comma"}]})");
    EXPECT_EQ(h.object("rejected/offers.csv.rejected.jsonl"),
              "{\"line\":5,\"reason\":\"key attribute 'offer_id' is empty\",\"fields\":[\"a2\","
              "\"\",\"5\",\"no offer\"]}\n"
              "{\"line\":9,\"reason\":\"row has 5 fields; the header has 4\",\"fields\":[\"a4\","
              "\"o4\",\"1\",\"x\",\"extra\"]}\n");
    EXPECT_EQ(h.object("unprocessed/offers.csv.unprocessed.json"), "<absent>");
    EXPECT_EQ(h.object("reports/offers.csv.report.json"), report->to_json() + "\n");
    // The second a1/o1 row wins; the repeat forced a second batch.
    EXPECT_EQ(stored(h.table),
              "{\"account\":\"a1\",\"offer_id\":\"o1\",\"price\":\"11\",\"note\":\"second\"}\n"
              "{\"account\":\"a1\",\"offer_id\":\"o2\",\"price\":\"20\"}\n"
              "{\"account\":\"a3\",\"offer_id\":\"o1\",\"price\":\"7\",\"note\":\"quoted, with "
              "comma\"}\n");
  }
}

TEST(Ingest, TableAlwaysReturningUnprocessedFillsTheUnprocessedFile) {
  Harness h;
  h.table.set_unprocessed_fraction(1.0);
  Result<Report> report = h.run("account,offer_id\na,1\nb,2\nc,3\n");
  ASSERT_TRUE(report.ok()) << report.error().to_string();
  // Every call came back with UnprocessedItems: each counts as throttled.
  EXPECT_EQ(counts(*report),
            "read=3 written=0 rejected=0 unprocessed=3 skipped=0 requests=4 retries=3 "
            "throttles=4");
  EXPECT_EQ(h.object("unprocessed/offers.csv.unprocessed.json"),
            R"([{"account":"a","offer_id":"1"},{"account":"b","offer_id":"2"},)"
            R"({"account":"c","offer_id":"3"}])");
  // The copy holds every item read, unprocessed ones included, as the reference's does.
  EXPECT_EQ(h.object("json-copy/offers.json"),
            R"({"data":[{"account":"a","offer_id":"1"},{"account":"b","offer_id":"2"},)"
            R"({"account":"c","offer_id":"3"}]})");
  EXPECT_EQ(h.sleeper.delays(),
            (std::vector<microseconds>{microseconds(500'000), microseconds(1'000'000),
                                       microseconds(2'000'000)}));
  EXPECT_EQ(h.table.size(), 0u);
}

TEST(Ingest, PartiallyUnprocessedItemsAreResentUntilWritten) {
  Harness h;
  h.table.set_unprocessed_count(2, 1);  // the first call leaves its last two items
  h.table.fail_call(2);                 // and the resend is throttled once
  Result<Report> report = h.run("account,offer_id\na,1\nb,2\nc,3\n");
  ASSERT_TRUE(report.ok()) << report.error().to_string();
  EXPECT_EQ(counts(*report),
            "read=3 written=3 rejected=0 unprocessed=0 skipped=0 requests=3 retries=2 "
            "throttles=2");  // the partial answer and the throttling error
  const std::vector<InMemoryTable::Call> calls = h.table.calls();
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0].fingerprints.size(), 3u);
  EXPECT_EQ(calls[1].fingerprints, (std::vector<std::string>{"S:1:bS:1:2", "S:1:cS:1:3"}));
  EXPECT_EQ(calls[2].fingerprints, (std::vector<std::string>{"S:1:bS:1:2", "S:1:cS:1:3"}));
  EXPECT_EQ(h.sleeper.delays(),
            (std::vector<microseconds>{microseconds(500'000), microseconds(1'000'000)}));
  EXPECT_EQ(h.table.size(), 3u);
  EXPECT_EQ(h.object("unprocessed/offers.csv.unprocessed.json"), "<absent>");
}

TEST(Ingest, ThrottlingThenSuccess) {
  Harness h;
  h.table.fail_call(1);
  h.table.fail_call(2);
  Result<Report> report = h.run("account,offer_id\na,1\nb,2\n");
  ASSERT_TRUE(report.ok()) << report.error().to_string();
  EXPECT_EQ(counts(*report),
            "read=2 written=2 rejected=0 unprocessed=0 skipped=0 requests=3 retries=2 "
            "throttles=2");
  EXPECT_EQ(h.sleeper.delays(),
            (std::vector<microseconds>{microseconds(500'000), microseconds(1'000'000)}));
  EXPECT_EQ(h.table.size(), 2u);
}

TEST(Ingest, TransientErrorsBackOffFromTheShortBase) {
  Harness h;
  h.table.fail_calls_after(0, {BatchWriteOutcome::Status::kTransient, "InternalServerError", ""});
  Result<Report> report = h.run("account,offer_id\na,1\n");
  ASSERT_TRUE(report.ok()) << report.error().to_string();
  EXPECT_EQ(counts(*report),
            "read=1 written=0 rejected=0 unprocessed=1 skipped=0 requests=4 retries=3 "
            "throttles=0");
  EXPECT_EQ(h.sleeper.delays(),
            (std::vector<microseconds>{microseconds(12'500), microseconds(25'000),
                                       microseconds(50'000)}));
}

TEST(Ingest, EmptyRetryQuotaSendsItemsToUnprocessedEarly) {
  Harness h;
  h.options.retry.quota_initial = 5;  // one throttling retry's worth
  h.table.fail_calls_after(0, {});    // always throttled
  Result<Report> report = h.run("account,offer_id\na,1\n");
  ASSERT_TRUE(report.ok()) << report.error().to_string();
  EXPECT_EQ(counts(*report),
            "read=1 written=0 rejected=0 unprocessed=1 skipped=0 requests=2 retries=1 "
            "throttles=2");
  EXPECT_EQ(h.sleeper.delays(), (std::vector<microseconds>{microseconds(500'000)}));
  EXPECT_EQ(h.object("unprocessed/offers.csv.unprocessed.json"),
            R"([{"account":"a","offer_id":"1"}])");
}

TEST(Ingest, ReaderDamageRejectsTheRecordWithTheReadersMessage) {
  Harness h;
  Result<Report> report = h.run("account,offer_id\na,1\nb,\"2\n");  // ends inside quotes
  ASSERT_TRUE(report.ok()) << report.error().to_string();
  EXPECT_EQ(counts(*report),
            "read=2 written=1 rejected=1 unprocessed=0 skipped=0 requests=1 retries=0 "
            "throttles=0");
  const std::string rejected = h.object("rejected/offers.csv.rejected.jsonl");
  EXPECT_EQ(rejected.substr(0, 20), "{\"line\":3,\"reason\":\"");
  EXPECT_NE(rejected.find("quote"), std::string::npos) << rejected;
}

TEST(Ingest, InvalidBatchIsSplitUntilTheBadItemIsIsolated) {
  Harness h;
  h.table.set_invalid_item(
      [](const model::Item& item) {
        const model::AttributeValue* note = item.find("note");
        return note != nullptr && note->text == "bad";
      },
      "One or more parameter values were invalid: note is bad");
  std::string csv = "account,offer_id,note\n";
  for (int i = 0; i < 25; ++i) {
    csv += "a,o" + std::to_string(i) + "," + (i == 17 ? "bad" : "ok") + "\n";
  }
  Result<Report> report = h.run(csv);
  ASSERT_TRUE(report.ok()) << report.error().to_string();
  // 25 → 12 + 13; 13 → 6 + 7 (o12..o17 fails); 6 → 3 + 3; 3 → 1 + 2; 2 → 1 + 1 (o17 alone).
  EXPECT_EQ(counts(*report),
            "read=25 written=24 rejected=1 unprocessed=0 skipped=0 requests=11 retries=0 "
            "throttles=0");
  EXPECT_EQ(h.object("rejected/offers.csv.rejected.jsonl"),
            "{\"line\":19,\"reason\":\"ValidationException: One or more parameter values were "
            "invalid: note is bad\",\"fields\":[\"a\",\"o17\",\"bad\"]}\n");
  EXPECT_EQ(h.table.size(), 24u);
}

TEST(Ingest, FatalErrorStopsTheRunAndReportsWhatWasAccounted) {
  Harness h;
  h.options.lanes = 3;
  h.table.fail_calls_after(1, {BatchWriteOutcome::Status::kFatal, "AccessDeniedException",
                               "User is not authorized to perform: dynamodb:BatchWriteItem"});
  std::string csv = "account,offer_id\n";
  for (int i = 0; i < 5000; ++i) csv += "a" + std::to_string(i) + ",o\n";
  Result<RunOutcome> outcome =
      run_ingest(csv::make_memory_source(csv, "offers.csv"), h.table, h.options);
  ASSERT_TRUE(outcome.ok()) << outcome.error().to_string();
  EXPECT_EQ(outcome->end, RunOutcome::End::kFailed);
  const Report& report = outcome->report;
  ASSERT_TRUE(report.failure.has_value());
  EXPECT_EQ(report.failure->reason,
            "AccessDeniedException: User is not authorized to perform: dynamodb:BatchWriteItem");
  EXPECT_FALSE(report.failure->line.has_value());
  // The rows still queued when the table refused are in no count: the report covers the rows
  // accounted, and balances.
  EXPECT_TRUE(report.balanced()) << report.to_json();
  EXPECT_EQ(report.rows_written, h.table.size());
  EXPECT_LT(report.rows_read, 5000u);
  EXPECT_EQ(h.object("reports/offers.csv.report.json"), report.to_json() + "\n");
  EXPECT_LT(h.table.call_count(), 200u);  // stopped early, not after all 200 batches
}

// The input breaks off (a truncated gzip, a failed read): the rows before are written and
// accounted, and the report says where and why it failed.
TEST(Ingest, AnInputThatBreaksOffEndsWithAFailedReport) {
  class BreakingSource final : public csv::ByteSource {
   public:
    explicit BreakingSource(std::string bytes) : bytes_(std::move(bytes)) {}
    Result<std::size_t> read(char* buffer, std::size_t capacity) override {
      if (position_ == bytes_.size()) {
        return make_error("DecompressionError", "offers.csv.gz: truncated gzip stream");
      }
      const std::size_t n = std::min(capacity, bytes_.size() - position_);
      bytes_.copy(buffer, n, position_);
      position_ += n;
      return n;
    }
    std::string name() const override { return "offers.csv.gz"; }

   private:
    std::string bytes_;
    std::size_t position_ = 0;
  };
  Harness h;
  h.options.lanes = 2;
  Result<RunOutcome> outcome =
      run_ingest(std::make_unique<BreakingSource>("account,offer_id\na1,o1\na2,o2\na3,o3\na4,o"),
                 h.table, h.options);
  ASSERT_TRUE(outcome.ok()) << outcome.error().to_string();
  EXPECT_EQ(outcome->end, RunOutcome::End::kFailed);
  EXPECT_EQ(counts(outcome->report),
            "read=3 written=3 rejected=0 unprocessed=0 skipped=0 requests=2 retries=0 "
            "throttles=0");
  EXPECT_EQ(outcome->report.failure->reason,
            "DecompressionError: offers.csv.gz: truncated gzip stream");
  EXPECT_EQ(outcome->report.failure->line, 5u);
  EXPECT_EQ(h.table.size(), 3u);
  EXPECT_NE(h.object("reports/offers.csv.report.json")
                .find(R"("status":"failed","error":{"reason":"DecompressionError: offers.csv.gz: )"
                      R"(truncated gzip stream","line":5}})"),
            std::string::npos);
}

TEST(Ingest, LastRowWinsWithManyLanesAndRetries) {
  // 3000 rows over 50 keys, each key repeated ~60 times, some repeats adjacent.
  std::string csv = "account,offer_id,seq\n";
  std::map<std::string, int> last;
  for (int i = 0; i < 3000; ++i) {
    const int key = (i % 7 == 0) ? (i / 7) % 50 : (i * 31) % 50;
    csv += "acct" + std::to_string(key) + ",o," + std::to_string(i) + "\n";
    last["acct" + std::to_string(key)] = i;
  }
  std::map<std::string, std::string> expected;
  for (const auto& [account, seq] : last) expected[account] = std::to_string(seq);
  auto seq_by_account = [](const InMemoryTable& table) {
    std::map<std::string, std::string> out;
    for (const model::Item& item : table.items()) {
      out[item.find("account")->text] = item.find("seq")->text;
    }
    return out;
  };
  for (int run = 0; run < 20; ++run) {
    Harness h;
    h.options.lanes = 8;
    h.options.lane_queue_capacity = 16;
    h.table.set_unprocessed_fraction(0.3);  // resends interleave with later batches' keys
    Result<Report> report = h.run(csv);
    ASSERT_TRUE(report.ok()) << report.error().to_string();
    ASSERT_EQ(report->rows_written + report->rows_unprocessed, 3000u);
    if (report->rows_unprocessed == 0) {
      ASSERT_EQ(seq_by_account(h.table), expected) << "run " << run;
    }
  }
  // And without injected trouble, every run must write everything, last row winning.
  for (int run = 0; run < 20; ++run) {
    Harness h;
    h.options.lanes = 8;
    h.options.lane_queue_capacity = 4;
    h.table.set_call_delay(microseconds(run % 3 == 0 ? 200 : 0));
    Result<Report> report = h.run(csv);
    ASSERT_TRUE(report.ok()) << report.error().to_string();
    EXPECT_EQ(report->rows_written, 3000u);
    ASSERT_EQ(seq_by_account(h.table), expected) << "run " << run;
  }
}

// Re-drives the run's unprocessed/ file (if any) into the same table, as
// `csv2ddb ingest s3://bucket/unprocessed/...` does.
void redrive_unprocessed(Harness& h) {
  const std::optional<std::string> unprocessed = h.store.get(h.keys.unprocessed);
  if (!unprocessed) return;
  IngestOptions options;
  options.table = "offers";
  options.input_format = InputFormat::kItemArray;
  options.sleeper = &h.sleeper;
  options.random = &h.random;
  Result<Report> report = ingest_report(
      csv::make_memory_source(*unprocessed, "offers.csv.unprocessed.json"), h.table, options);
  ASSERT_TRUE(report.ok()) << report.error().to_string();
  EXPECT_EQ(report->rows_unprocessed, 0u);
}

// Last row wins across a re-drive: once a key's row is given up to unprocessed/, the key's later
// rows follow it there, in order, unsent, so that the table plus a re-drive equals a clean run.
TEST(Ingest, RowsAfterAGivenUpRowOfTheirKeyGoToUnprocessedToo) {
  const std::string csv =
      "account,offer_id,seq\n"
      "a,1,first\n"
      "b,1,x\n"
      "a,1,second\n"  // the repeat closes batch 1: [a first, b]; batch 2: [a second, c]
      "c,1,y\n";
  Harness clean;
  ASSERT_TRUE(clean.run(csv).ok());

  Harness h;
  h.options.spread.reset();  // input order, so that the batches are as described above
  for (std::size_t call = 1; call <= 4; ++call) h.table.fail_call(call);  // batch 1 given up
  Result<Report> report = h.run(csv);
  ASSERT_TRUE(report.ok()) << report.error().to_string();
  EXPECT_EQ(counts(*report),
            "read=4 written=1 rejected=0 unprocessed=3 skipped=0 requests=5 retries=3 "
            "throttles=4");
  EXPECT_EQ(h.object("unprocessed/offers.csv.unprocessed.json"),
            R"([{"account":"a","offer_id":"1","seq":"first"},)"
            R"({"account":"b","offer_id":"1","seq":"x"},)"
            R"({"account":"a","offer_id":"1","seq":"second"}])");
  EXPECT_EQ(stored(h.table), "{\"account\":\"c\",\"offer_id\":\"1\",\"seq\":\"y\"}\n");
  // Only c was sent after the give-up: a's second row was never attempted.
  ASSERT_EQ(h.table.calls().size(), 5u);
  EXPECT_EQ(h.table.calls()[4].fingerprints.size(), 1u);

  redrive_unprocessed(h);
  EXPECT_EQ(stored(h.table), stored(clean.table));
}

// The same over many lanes, random-ish give-ups and many repeats of each key: whatever ends in
// unprocessed/, the table plus a re-drive holds every key's last row.
TEST(Ingest, TableThenRedriveEqualsACleanRunWithManyLanes) {
  std::string csv = "account,offer_id,seq\n";
  for (int i = 0; i < 2000; ++i) {
    const int key = (i % 5 == 0) ? (i / 5) % 40 : (i * 17) % 40;
    csv += "acct" + std::to_string(key) + ",o," + std::to_string(i) + "\n";
  }
  Harness clean;
  clean.options.lanes = 8;
  ASSERT_TRUE(clean.run(csv).ok());
  for (int run = 0; run < 10; ++run) {
    Harness h;
    h.options.lanes = 8;
    h.options.lane_queue_capacity = 8;
    h.options.retry.max_attempts = 2;
    // Two in five of the first 80 calls (a run-dependent shift) are throttled: with two
    // attempts, some batches are given up, at places that depend on the lanes' timing, and the
    // later rows of their keys follow them to unprocessed/ unsent (so the run may make fewer
    // than 80 calls).
    for (std::size_t call = 1; call <= 80; ++call) {
      if ((call + static_cast<std::size_t>(run)) % 5 < 2) h.table.fail_call(call);
    }
    Result<Report> report = h.run(csv);
    ASSERT_TRUE(report.ok()) << report.error().to_string();
    EXPECT_GT(report->rows_unprocessed, 0u) << "run " << run;
    h.table.clear_failures();  // the re-drive meets a healthy table
    redrive_unprocessed(h);
    ASSERT_EQ(stored(h.table), stored(clean.table)) << "run " << run;
  }
}

// Bounded: past the run's budget of remembered keys, a lane gives up everything after.
TEST(Ingest, PastTheGivenUpKeyBudgetTheRestGoesToUnprocessed) {
  std::string csv = "account,offer_id\n";
  for (int i = 0; i < 3000; ++i) csv += "k" + std::to_string(i) + ",o\n";
  Harness h;
  h.options.max_given_up_keys = 0;  // shared out: 1024 per lane at least
  h.options.retry.max_attempts = 1;
  h.table.fail_calls_after(0, {});  // every call is throttled
  Result<Report> report = h.run(csv);
  ASSERT_TRUE(report.ok()) << report.error().to_string();
  EXPECT_EQ(report->rows_unprocessed, 3000u);
  // The call that takes the given-up keys past 1024 exhausts the budget; nothing is sent after
  // it. (Batches are not always full: a lane sends what it has when its queue runs dry.)
  const std::vector<InMemoryTable::Call> calls = h.table.calls();
  ASSERT_FALSE(calls.empty());
  std::size_t keys_before_last = 0;
  for (std::size_t i = 0; i + 1 < calls.size(); ++i)
    keys_before_last += calls[i].fingerprints.size();
  EXPECT_LE(keys_before_last, 1024u);
  EXPECT_GT(keys_before_last + calls.back().fingerprints.size(), 1024u);
  EXPECT_EQ(report->requests, calls.size());
  h.table.clear_failures();
  redrive_unprocessed(h);
  EXPECT_EQ(h.table.size(), 3000u);
}

TEST(Ingest, GivenHeaderMakesTheFirstRecordData) {
  Harness h;
  h.options.header = std::vector<std::string>{"account", "offer_id"};
  Result<Report> report = h.run("a,1\nb,2\n");
  ASSERT_TRUE(report.ok()) << report.error().to_string();
  EXPECT_EQ(report->rows_written, 2u);
  EXPECT_EQ(h.table.size(), 2u);
}

TEST(Ingest, KeySchemaComesFromTheTableUnlessGiven) {
  Harness h;
  h.options.table = "missing";
  Result<Report> report = h.run("account,offer_id\na,1\n");
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error().to_string(),
            "ResourceNotFoundException: Requested resource not found: Table: missing not found");

  Harness given;
  given.options.key_schema = model::parse_key_schema("id:N").value();
  given.options.dry_run = true;
  Result<Report> dry = given.run("id,v\n1,x\nnope,y\n");
  ASSERT_TRUE(dry.ok()) << dry.error().to_string();
  EXPECT_EQ(counts(*dry),
            "read=2 written=1 rejected=1 unprocessed=0 skipped=0 requests=0 retries=0 "
            "throttles=0");
  EXPECT_TRUE(dry->dry_run);
  EXPECT_EQ(given.table.call_count(), 0u);
}

TEST(Ingest, HeaderErrorsFailTheFile) {
  Harness h;
  Result<Report> report = h.run("account,offer_id,account\na,1,x\n");
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error().to_string(), "InvalidHeader: column 3 'account' duplicates column 1");
  EXPECT_TRUE(h.store.keys().empty());
}

TEST(Ingest, EmptyInputGivesAnEmptyCopyAndAZeroReport) {
  Harness h;
  h.store.put("unprocessed/offers.csv.unprocessed.json", "[stale]");
  Result<Report> report = h.run("");
  ASSERT_TRUE(report.ok()) << report.error().to_string();
  EXPECT_EQ(counts(*report),
            "read=0 written=0 rejected=0 unprocessed=0 skipped=0 requests=0 retries=0 "
            "throttles=0");
  EXPECT_EQ(h.object("json-copy/offers.json"), R"({"data":[]})");
  EXPECT_EQ(h.store.keys(),
            (std::vector<std::string>{"json-copy/offers.json", "reports/offers.csv.report.json"}));
}

// While the lanes drain their queues after the input ended, progress is also reported every
// 50 ms: how many such reports there are depends on the machine's speed, so the tests below
// check the reports at fixed row counts, then that every later one is a step towards the totals.
void expect_drain_reports_reach_the_totals(const std::vector<Progress>& seen, std::size_t fixed,
                                           std::uint64_t rows, std::uint64_t bytes) {
  ASSERT_GT(seen.size(), fixed);
  for (std::size_t i = fixed; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].rows_read, rows) << "report " << i;
    EXPECT_GE(seen[i].rows_written, seen[i - 1].rows_written) << "report " << i;
  }
  EXPECT_EQ(seen.back().rows_written, rows);
  EXPECT_EQ(seen.back().bytes_read, bytes);
}

TEST(Ingest, ProgressIsReportedAndEndsWithTheTotals) {
  Harness h;
  ManualClock clock;  // still: only the every-8,192-rows reports, none by time
  h.options.clock = &clock;
  std::vector<Progress> seen;
  std::string csv = "account,offer_id\n";
  // One account: a sorted run, which the spreading window holds whole.
  for (int i = 0; i < 20000; ++i) csv += "a,o" + std::to_string(i) + "\n";
  Result<Report> report = ingest_report(csv::make_memory_source(csv), h.table, h.options,
                                        [&](const Progress& p) { seen.push_back(p); });
  ASSERT_TRUE(report.ok()) << report.error().to_string();
  // Every 8,192 rows read, then every 8,192 rows let out of the spreading window (which holds
  // this whole file, so it is read before any row is written), then while the lanes drain.
  ASSERT_GE(seen.size(), 5u);
  const std::vector<std::uint64_t> read = {seen[0].rows_read, seen[1].rows_read, seen[2].rows_read,
                                           seen[3].rows_read};
  EXPECT_EQ(read, (std::vector<std::uint64_t>{8192, 16384, 20000, 20000}));
  EXPECT_EQ(seen[0].rows_written, 0u);  // the window holds every row read so far
  EXPECT_EQ(seen[1].rows_written, 0u);
  expect_drain_reports_reach_the_totals(seen, 2, 20000, csv.size());
}

TEST(Ingest, ProgressWithoutSpreadingFollowsTheReader) {
  Harness h;
  ManualClock clock;  // still: only the every-8,192-rows reports, none by time
  h.options.clock = &clock;
  h.options.spread.reset();
  std::vector<Progress> seen;
  std::string csv = "account,offer_id\n";
  for (int i = 0; i < 20000; ++i) csv += "a" + std::to_string(i) + ",o\n";
  Result<Report> report = ingest_report(csv::make_memory_source(csv), h.table, h.options,
                                        [&](const Progress& p) { seen.push_back(p); });
  ASSERT_TRUE(report.ok()) << report.error().to_string();
  ASSERT_GE(seen.size(), 3u);  // at 8192, 16384, then while the lanes drain
  EXPECT_EQ(seen[0].rows_read, 8192u);
  EXPECT_EQ(seen[1].rows_read, 16384u);
  expect_drain_reports_reach_the_totals(seen, 2, 20000, csv.size());
}

// Progress by time, on the run's clock: a reader held up by a full lane (a queue of one row,
// behind a batch the table takes 300 ms to write) still reports, from its wait, before the end;
// no 8,192-row mark is ever reached.
TEST(Ingest, ProgressGoesOnWhileTheReaderWaitsForAFullLane) {
  // Calls take 300 ms, really and on the run's clock.
  class SlowCalls final : public Sleeper {
   public:
    explicit SlowCalls(ManualClock& clock) : clock_(clock) {}
    void sleep(std::chrono::microseconds duration) override {
      clock_.advance(duration);
      std::this_thread::sleep_for(duration);
    }

   private:
    ManualClock& clock_;
  };
  Harness h;
  ManualClock clock;
  SlowCalls slow(clock);
  h.options.clock = &clock;
  h.options.spread.reset();
  h.options.lane_queue_capacity = 1;
  h.table.set_call_delay(std::chrono::milliseconds(300));
  h.table.set_call_sleeper(&slow);
  std::vector<Progress> seen;
  std::string csv = "account,offer_id\n";
  // More than a batch of 25 and the queue hold: the reader waits while the first batch is sent.
  for (int i = 0; i < 60; ++i) csv += "a" + std::to_string(i) + ",o\n";
  Result<Report> report = ingest_report(csv::make_memory_source(csv), h.table, h.options,
                                        [&](const Progress& p) { seen.push_back(p); });
  ASSERT_TRUE(report.ok()) << report.error().to_string();
  ASSERT_GE(seen.size(), 2u);
  // Given while the reader waited, before it read the last row (the drain's reports come after).
  EXPECT_LT(seen.front().rows_read, 60u);
  EXPECT_EQ(seen.back().rows_written, 60u);
}

// Generates "account,offer_id" then `rows` rows on the fly, never holding the file.
class GeneratedSource final : public csv::ByteSource {
 public:
  explicit GeneratedSource(std::uint64_t rows) : rows_(rows) { pending_ = "account,offer_id\n"; }

  Result<std::size_t> read(char* buffer, std::size_t capacity) override {
    while (pending_.size() - offset_ < capacity && next_ < rows_) {
      pending_.erase(0, offset_);
      offset_ = 0;
      pending_ += "a" + std::to_string(next_ % 10007) + "," + std::to_string(next_) + "\n";
      ++next_;
    }
    const std::size_t n = std::min(capacity, pending_.size() - offset_);
    std::memcpy(buffer, pending_.data() + offset_, n);
    offset_ += n;
    return n;
  }
  std::string name() const override { return "generated"; }

 private:
  std::uint64_t rows_;
  std::uint64_t next_ = 0;
  std::string pending_;
  std::size_t offset_ = 0;
};

TEST(Ingest, TwoMillionRowsStreamWithinTheLaneQueueBound) {
  constexpr std::uint64_t kRows = 2'000'000;
  InMemoryTable table(offers_schema(), "offers");
  table.set_store_items(false);
  IngestOptions options;
  options.table = "offers";
  options.lanes = 2;
  options.lane_queue_capacity = 64;
  Result<RunOutcome> outcome = run_ingest(std::make_unique<GeneratedSource>(kRows), table, options);
  ASSERT_TRUE(outcome.ok()) << outcome.error().to_string();
  const Report* report = &outcome->report;
  const RunOutcome& diagnostics = *outcome;
  EXPECT_TRUE(report->balanced());
  EXPECT_EQ(report->rows_read, kRows);
  EXPECT_EQ(report->rows_written, kRows);
  EXPECT_EQ(table.put_count(), kRows);
  EXPECT_GT(diagnostics.max_lane_queue_depth, 0u);
  EXPECT_LE(diagnostics.max_lane_queue_depth, 64u);
}

}  // namespace
}  // namespace csv2ddb::ingest
