// The outcome files, byte for byte, and where they go.
#include <gtest/gtest.h>

#include "ingest/input_format.hpp"
#include "ingest/output_keys.hpp"
#include "ingest/output_sink.hpp"
#include "ingest/report.hpp"
#include "support/memory_output_store.hpp"

namespace csv2ddb::ingest {
namespace {

model::Item item(const std::string& account, const std::string& price) {
  model::Item out;
  out.attributes.push_back({"account", model::AttributeValue::string(account)});
  out.attributes.push_back({"price", model::AttributeValue::number(price)});
  out.attributes.push_back({"active", model::AttributeValue::boolean_value(true)});
  return out;
}

TEST(OutputKeys, FromTheInputKey) {
  const OutputKeys root = output_keys_for("offers.csv");
  EXPECT_EQ(root.json_copy, "json-copy/offers.json");
  EXPECT_EQ(root.unprocessed, "unprocessed/offers.csv.unprocessed.json");
  EXPECT_EQ(root.rejected, "rejected/offers.csv.rejected.jsonl");
  EXPECT_EQ(root.report, "reports/offers.csv.report.json");
  EXPECT_EQ(output_keys_for("data/2024/Offers.CSV").json_copy, "json-copy/data/2024/Offers.json");
  EXPECT_EQ(output_keys_for("a/b.csv.gz").json_copy, "json-copy/a/b.json");
  EXPECT_EQ(output_keys_for("a/b.Csv.ZST").json_copy, "json-copy/a/b.json");
  EXPECT_EQ(output_keys_for("a/b.txt").json_copy, "json-copy/a/b.txt.json");
  EXPECT_EQ(output_keys_for("a/b.csv.gz").unprocessed, "unprocessed/a/b.csv.gz.unprocessed.json");
  EXPECT_EQ(strip_input_suffix("x.csv.bak"), "x.csv.bak");
  EXPECT_EQ(output_keys_for("exports/AWSDynamoDB/1-a/data/x.json.gz").json_copy,
            "json-copy/exports/AWSDynamoDB/1-a/data/x.json");
  EXPECT_EQ(output_keys_for("feed/day.NDJSON.zst").json_copy, "json-copy/feed/day.json");
  EXPECT_EQ(strip_input_suffix("outputs.json"), "outputs.json");  // not an input suffix
  EXPECT_EQ(strip_input_suffix("outputs.jsonl"), "outputs.jsonl");
}

TEST(OutputKeys, OutputPrefixesAreRecognised) {
  EXPECT_TRUE(is_output_key("json-copy/a.json"));
  EXPECT_TRUE(is_output_key("unprocessed/a.csv.unprocessed.json"));
  EXPECT_TRUE(is_output_key("rejected/a.csv.rejected.jsonl"));
  EXPECT_TRUE(is_output_key("reports/a.csv.report.json"));
  EXPECT_FALSE(is_output_key("data/json-copy/a.csv"));
  EXPECT_FALSE(is_output_key("offers.csv"));
}

TEST(JsonCopySink, ExactBytes) {
  MemoryOutputStore store;
  OutputSink sink(store, "json-copy/offers.json", OutputKind::kJsonCopy);
  ASSERT_TRUE(sink.add(item("a1", "12.5"), 0).ok());
  ASSERT_TRUE(sink.add(item("a\"2", "-3"), 0).ok());
  ASSERT_TRUE(sink.finish().ok());
  EXPECT_EQ(store.get("json-copy/offers.json"),
            R"({"data":[{"account":"a1","price":12.5,"active":true},)"
            R"({"account":"a\"2","price":-3,"active":true}]})");
  EXPECT_EQ(store.content_type("json-copy/offers.json"), "application/json");
  EXPECT_EQ(sink.entries(), 2u);
}

TEST(JsonCopySink, EmptyFileStillGetsACopy) {
  MemoryOutputStore store;
  OutputSink sink(store, "json-copy/empty.json", OutputKind::kJsonCopy);
  ASSERT_TRUE(sink.finish().ok());
  EXPECT_EQ(store.get("json-copy/empty.json"), R"({"data":[]})");
}

TEST(JsonCopySink, LargeCopiesStreamAndStayExact) {
  MemoryOutputStore store;
  OutputSink sink(store, "c.json", OutputKind::kJsonCopy);
  std::string expected = "{\"data\":[";
  for (int i = 0; i < 20000; ++i) {
    ASSERT_TRUE(sink.add(item("a" + std::to_string(i), std::to_string(i)), 0).ok());
    expected += (i ? "," : "") + std::string("{\"account\":\"a") + std::to_string(i) +
                "\",\"price\":" + std::to_string(i) + ",\"active\":true}";
  }
  ASSERT_TRUE(sink.finish().ok());
  EXPECT_EQ(store.get("c.json"), expected + "]}");
}

TEST(JsonCopySink, AbortLeavesNothing) {
  MemoryOutputStore store;
  OutputSink sink(store, "c.json", OutputKind::kJsonCopy);
  ASSERT_TRUE(sink.add(item("a", "1"), 0).ok());
  sink.abort();
  EXPECT_TRUE(store.keys().empty());
}

TEST(UnprocessedSink, ExactBytes) {
  MemoryOutputStore store;
  OutputSink sink(store, "unprocessed/o.csv.unprocessed.json", OutputKind::kUnprocessed);
  ASSERT_TRUE(sink.add(item("a1", "1"), 0).ok());
  ASSERT_TRUE(sink.add(item("a2", "2"), 0).ok());
  ASSERT_TRUE(sink.finish().ok());
  EXPECT_EQ(
      store.get("unprocessed/o.csv.unprocessed.json"),
      R"([{"account":"a1","price":1,"active":true},{"account":"a2","price":2,"active":true}])");
  EXPECT_EQ(sink.entries(), 2u);
}

TEST(UnprocessedSink, NoneRemovesAStaleFile) {
  MemoryOutputStore store;
  store.put("unprocessed/o.csv.unprocessed.json", "[stale]");
  OutputSink sink(store, "unprocessed/o.csv.unprocessed.json", OutputKind::kUnprocessed);
  ASSERT_TRUE(sink.finish().ok());
  EXPECT_TRUE(store.keys().empty());
}

TEST(RejectedSink, ExactBytes) {
  MemoryOutputStore store;
  OutputSink sink(store, "rejected/o.csv.rejected.jsonl", OutputKind::kRejected);
  ASSERT_TRUE(sink.add(Rejection{4, "key attribute 'account' is empty", {"", "o1", "x\"y"}}).ok());
  ASSERT_TRUE(
      sink.add(Rejection{9, "row has 3 fields; the header has 2", {"a", "b\nc", "d"}}).ok());
  ASSERT_TRUE(sink.finish().ok());
  EXPECT_EQ(store.get("rejected/o.csv.rejected.jsonl"),
            "{\"line\":4,\"reason\":\"key attribute 'account' is empty\",\"fields\":[\"\",\"o1\","
            "\"x\\\"y\"]}\n"
            "{\"line\":9,\"reason\":\"row has 3 fields; the header has 2\",\"fields\":[\"a\","
            "\"b\\nc\",\"d\"]}\n");
  EXPECT_EQ(sink.entries(), 2u);
}

TEST(RejectedSink, NoneRemovesAStaleFile) {
  MemoryOutputStore store;
  store.put("rejected/o.csv.rejected.jsonl", "stale\n");
  store.put("other", "kept");
  OutputSink sink(store, "rejected/o.csv.rejected.jsonl", OutputKind::kRejected);
  ASSERT_TRUE(sink.finish().ok());
  EXPECT_EQ(store.keys(), (std::vector<std::string>{"other"}));
}

TEST(Report, JsonFieldOrderIsStable) {
  Report report;
  report.source = "s3://bucket/data/offers.csv";
  report.table = "offers";
  report.rows_read = 10;
  report.rows_written = 6;
  report.rows_rejected = 2;
  report.rows_unprocessed = 1;
  report.rows_skipped = 1;
  report.bytes_read = 321;
  report.seconds = 1.23456;
  report.requests = 4;
  report.retries = 2;
  report.throttles = 1;
  report.consumed_wcu = 6;
  EXPECT_TRUE(report.balanced());
  EXPECT_EQ(
      report.to_json(),
      R"({"source":"s3://bucket/data/offers.csv","table":"offers","rows_read":10,)"
      R"("rows_written":6,"rows_rejected":2,"rows_unprocessed":1,"rows_skipped":1,)"
      R"("rows_conflicts":0,"bytes_read":321,"seconds":1.235,"requests":4,"retries":2,"throttles":1,)"
      R"("consumed_wcu":6,"dry_run":false,"status":"done"})");
  report.seconds = 0;
  report.consumed_wcu = 2.5;
  report.dry_run = true;
  EXPECT_NE(report.to_json().find(R"("seconds":0,)"), std::string::npos);
  EXPECT_NE(report.to_json().find(R"("consumed_wcu":2.5,"dry_run":true,"status":"done"})"),
            std::string::npos);
  report.rows_skipped = 0;
  EXPECT_FALSE(report.balanced());
  report.rows_conflicts = 1;
  EXPECT_TRUE(report.balanced());
  report.failure = Report::Failure{"s3://b/k: NoSuchKey", 12};
  EXPECT_NE(report.to_json().find(
                R"("status":"failed","error":{"reason":"s3://b/k: NoSuchKey","line":12}})"),
            std::string::npos);
}

}  // namespace
}  // namespace csv2ddb::ingest
