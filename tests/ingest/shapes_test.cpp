// The engine's other shapes of load: JSON Lines inputs (line reader, line decoding, format
// detection), DynamoDB export manifests, and the write modes through whole runs against
// InMemoryTable (conditions evaluated by the model's expressions).
#include <gtest/gtest.h>

#include "ingest/dynamodb_export.hpp"
#include "ingest/ingestor.hpp"
#include "ingest/input_format.hpp"
#include "ingest/json_line_items.hpp"
#include "ingest/line_reader.hpp"
#include "ingest/output_keys.hpp"
#include "ingest/write_plan.hpp"
#include "model/dynamodb_json.hpp"
#include "support/in_memory_table.hpp"
#include "support/ingest_report.hpp"
#include "support/memory_output_store.hpp"

namespace csv2ddb::ingest {
namespace {

model::KeySchema offers_schema() {
  return model::parse_key_schema("account:S,offer_id:S").value();
}

std::vector<std::string> all_lines(std::string text, std::size_t chunk, std::size_t max_line,
                                   std::vector<std::uint64_t>* offsets = nullptr) {
  LineReader reader(csv::make_memory_source(std::move(text), "x", chunk), max_line);
  std::vector<std::string> lines;
  Line line;
  while (true) {
    Result<bool> more = reader.next(line);
    EXPECT_TRUE(more.ok());
    if (!more.ok() || !*more) break;
    // A line too long keeps only its first bytes: shown as their count.
    lines.push_back(line.too_long ? "LONG:" + std::to_string(line.number) + ":" +
                                        std::to_string(line.text.size()) + " x"
                                  : std::to_string(line.number) + ":" + std::string(line.text));
    if (offsets != nullptr) offsets->push_back(line.offset);
  }
  return lines;
}

TEST(LineReader, SplitsOnNewlinesWhateverTheChunks) {
  for (std::size_t chunk : {std::size_t{1}, std::size_t{3}, SIZE_MAX}) {
    std::vector<std::uint64_t> offsets;
    EXPECT_EQ(all_lines("a\r\nbb\n\nccc", chunk, 1024, &offsets),
              (std::vector<std::string>{"1:a", "2:bb", "3:", "4:ccc"}));
    EXPECT_EQ(offsets, (std::vector<std::uint64_t>{0, 3, 6, 7}));
  }
  EXPECT_TRUE(all_lines("", 4, 1024).empty());
}

TEST(LineReader, ALineOverTheLimitKeepsItsStartAndIsSkippedToItsEnd) {
  const std::string long_line(100, 'x');
  for (std::size_t chunk : {std::size_t{1}, std::size_t{7}, SIZE_MAX}) {
    // What a line too long keeps is what the reader held of it: past the limit, at most 1 KB.
    EXPECT_EQ(all_lines("ok\n" + long_line + "\nafter\n" + long_line, chunk, 16),
              (std::vector<std::string>{"1:ok", "LONG:2:17 x", "3:after", "LONG:4:17 x"}));
    EXPECT_EQ(all_lines(std::string(3000, 'y') + "\nz", chunk, 2048),
              (std::vector<std::string>{"LONG:1:1024 x", "2:z"}));
  }
}

TEST(LineReader, ResumesAtAnOffset) {
  LineReader reader(csv::make_memory_source("a\nbb\ncc\n", "x", 2));
  ASSERT_TRUE(reader.skip_to(5, 3).ok());
  Line line;
  ASSERT_TRUE(*reader.next(line));
  EXPECT_EQ(std::string(line.text), "cc");
  EXPECT_EQ(line.number, 3u);
  EXPECT_EQ(line.offset, 5u);
  LineReader short_one(csv::make_memory_source("a\n", "x"));
  EXPECT_EQ(short_one.skip_to(10, 2).error().code, "InvalidOffset");
}

TEST(InputFormat, ToldFromTheNameAndTheFirstBytes) {
  EXPECT_EQ(detect_input_format("a.csv", "account,offer_id\n"), InputFormat::kCsv);
  EXPECT_EQ(detect_input_format("x", "  {\"Item\": {\"a\":{\"S\":\"1\"}}}"),
            InputFormat::kDynamoDbJson);
  EXPECT_EQ(detect_input_format("x", "{\"Metadata\":{},\"Keys\":{}}"), InputFormat::kDynamoDbJson);
  EXPECT_EQ(detect_input_format("x", "{\"Keys\":{}}"), InputFormat::kDynamoDbJson);
  EXPECT_EQ(detect_input_format("x", "{\"account\":\"a\"}"), InputFormat::kJsonLines);
  EXPECT_EQ(detect_input_format("x", "{\"Ite\\u006d\":1}"), InputFormat::kJsonLines);
  EXPECT_EQ(detect_input_format("x.unprocessed.json", "{"), InputFormat::kItemArray);
  EXPECT_EQ(detect_input_format("x", "\n[{}]"), InputFormat::kItemArray);
  EXPECT_EQ(detect_input_format("x", ""), InputFormat::kCsv);
  EXPECT_EQ(parse_input_format("ddb-json"), InputFormat::kDynamoDbJson);
  EXPECT_EQ(parse_input_format("items"), std::nullopt);  // told by its bytes only
}

struct Decoded {
  LineOutcome outcome;
  std::string item_or_reason;
};

Decoded dynamodb_line(std::string_view line) {
  model::Item item;
  std::string reason;
  const LineOutcome outcome = decode_dynamodb_json_line(line, offers_schema(), item, reason);
  std::string text;
  model::append_dynamodb_item(text, item);
  return {outcome, outcome == LineOutcome::kRejected ? reason : text};
}

Decoded plain_line(std::string_view line, std::string_view types = "strings") {
  model::Item item;
  std::string reason;
  const LineOutcome outcome =
      decode_plain_json_line(line, offers_schema(), parse_typing(types).value(), item, reason);
  std::string text;
  model::append_dynamodb_item(text, item);
  return {outcome, outcome == LineOutcome::kRejected ? reason : text};
}

TEST(JsonLineItems, DynamoDbJsonItemsAndChangeRecords) {
  const Decoded put = dynamodb_line(R"({"Item":{"account":{"S":"a"},"offer_id":{"S":"o"},)"
                                    R"("n":{"N":"01.50"}}})");
  EXPECT_EQ(put.outcome, LineOutcome::kPut);
  EXPECT_EQ(put.item_or_reason, R"({"account":{"S":"a"},"offer_id":{"S":"o"},"n":{"N":"1.5"}})");
  const Decoded changed =
      dynamodb_line(R"({"Metadata":{},"Keys":{"account":{"S":"a"},"offer_id":{"S":"o"}},)"
                    R"("NewImage":{"account":{"S":"a"},"offer_id":{"S":"o"},"v":{"S":"new"}},)"
                    R"("OldImage":{"account":{"S":"a"},"offer_id":{"S":"o"},"v":{"S":"old"}}})");
  EXPECT_EQ(changed.outcome, LineOutcome::kPut);
  EXPECT_EQ(changed.item_or_reason,
            R"({"account":{"S":"a"},"offer_id":{"S":"o"},"v":{"S":"new"}})");
  const Decoded deleted =
      dynamodb_line(R"({"Keys":{"account":{"S":"a"},"offer_id":{"S":"o"}},"OldImage":{}})");
  EXPECT_EQ(deleted.outcome, LineOutcome::kDelete);
  EXPECT_EQ(deleted.item_or_reason, R"({"account":{"S":"a"},"offer_id":{"S":"o"}})");
  EXPECT_EQ(dynamodb_line("   ").outcome, LineOutcome::kSkipped);
}

TEST(JsonLineItems, DynamoDbJsonRejectionsSayWhy) {
  EXPECT_EQ(
      dynamodb_line(R"({"Item":{"account":{"S":"a"},"offer_id":{"S":"o"},"x":{"S":"1","N":"1"}}})")
          .item_or_reason,
      "Item: Supplied AttributeValue has more than one datatypes set, must contain exactly "
      "one of the supported datatypes (attribute 'x')");
  EXPECT_EQ(dynamodb_line(R"({"Item":{"account":{"S":"a"}}})").item_or_reason,
            "key attribute 'offer_id' is missing");
  EXPECT_EQ(dynamodb_line(R"({"Keys":{"account":{"N":"1"},"offer_id":{"S":"o"}}})").item_or_reason,
            "key attribute 'account' has type N; the key schema says S");
  EXPECT_EQ(dynamodb_line(R"({"Other":1})").item_or_reason,
            "a DynamoDB JSON line is {\"Item\":{...}}, or an export's change record with "
            "\"Keys\"; this one has neither");
  EXPECT_EQ(dynamodb_line("[1]").item_or_reason,
            "the line is an array, not a JSON object (JSON Lines holds one object per line)");
  EXPECT_EQ(dynamodb_line("{\"Item\":").item_or_reason,
            "the line is not valid JSON: unexpected end of input at byte 8");
}

TEST(JsonLineItems, PlainJsonTypesAsJsonDoesWithExactNumbers) {
  const Decoded d = plain_line(
      R"({"account":"a","offer_id":"o","n":12345678901234567890.12345678901234567,"e":1E2,)"
      R"("b":false,"z":null,"l":[1,"x"],"m":{"k":{"j":[]}}})");
  EXPECT_EQ(d.outcome, LineOutcome::kPut);
  EXPECT_EQ(d.item_or_reason,
            R"({"account":{"S":"a"},"offer_id":{"S":"o"},)"
            R"("n":{"N":"12345678901234567890.12345678901234567"},"e":{"N":"100"},)"
            R"("b":{"BOOL":false},"z":{"NULL":true},"l":{"L":[{"N":"1"},{"S":"x"}]},)"
            R"("m":{"M":{"k":{"M":{"j":{"L":[]}}}}}})");
  EXPECT_EQ(
      plain_line(R"({"account":"a","offer_id":"o","n":1234567890123456789012345678901234567890})")
          .item_or_reason,
      "Attempting to store more than 38 significant digits in a Number (attribute 'n')");
  EXPECT_EQ(plain_line(R"({"account":"a","offer_id":""})").item_or_reason,
            "key attribute 'offer_id' is empty; DynamoDB does not allow empty key values");
}

TEST(JsonLineItems, TypesNameSetsAndBinaryInPlainJson) {
  const char* spec = "tags:SS,nums:NS,blob:B,bins:BS,count:N,flag:BOOL";
  EXPECT_EQ(plain_line(R"({"account":"a","offer_id":"o","tags":["x","y","x"],"nums":[1,"2.50"],)"
                       R"("blob":"AAE=","bins":["AA=="],"count":"7","flag":"true"})",
                       spec)
                .item_or_reason,
            R"({"account":{"S":"a"},"offer_id":{"S":"o"},"tags":{"SS":["x","y"]},)"
            R"("nums":{"NS":["1","2.5"]},"blob":{"B":"AAE="},"bins":{"BS":["AA=="]},)"
            R"("count":{"N":"7"},"flag":{"BOOL":true}})");
  EXPECT_EQ(plain_line(R"({"account":"a","offer_id":"o","tags":[]})", spec).item_or_reason,
            R"({"account":{"S":"a"},"offer_id":{"S":"o"}})");  // an empty set is omitted
  EXPECT_EQ(plain_line(R"({"account":"a","offer_id":"o","tags":"x"})", spec).item_or_reason,
            "attribute 'tags' is typed SS by --types but holds a S, not an array");
  EXPECT_EQ(plain_line(R"({"account":"a","offer_id":"o","nums":[true]})", spec).item_or_reason,
            "attribute 'nums' is typed NS by --types but has a member that holds a BOOL");
}

TEST(DynamoDbExport, ManifestsResolveAgainstTheExportsRoot) {
  const char* summary =
      R"({"version":"2020-06-30","exportArn":"arn:x","outputFormat":"DYNAMODB_JSON",)"
      R"("exportType":"FULL_EXPORT","itemCount":3})";
  const char* files =
      R"({"itemCount":2,"md5Checksum":"abc=","etag":"e-1","dataFileS3Key":"prefix/AWSDynamoDB/1-a/data/x.json.gz"})"
      "\n\n"
      R"({"itemCount":1,"md5Checksum":"def=","etag":"e-1","dataFileS3Key":"AWSDynamoDB/1-a/data/y.json.gz"})"
      "\n";
  Result<ExportManifest> manifest =
      parse_export_manifests("copies/team/AWSDynamoDB/1-a/", summary, files);
  ASSERT_TRUE(manifest.ok()) << manifest.error().message;
  EXPECT_FALSE(manifest->incremental);
  ASSERT_EQ(manifest->files.size(), 2u);
  EXPECT_EQ(manifest->files[0].location, "copies/team/AWSDynamoDB/1-a/data/x.json.gz");
  EXPECT_EQ(manifest->files[0].md5_base64, "abc=");
  EXPECT_EQ(manifest->files[0].item_count, 2u);
  EXPECT_EQ(manifest->files[1].location, "copies/team/AWSDynamoDB/1-a/data/y.json.gz");
  auto incremental = parse_export_manifests(
      "e/", R"({"outputFormat":"DYNAMODB_JSON","exportType":"INCREMENTAL_EXPORT"})", "");
  ASSERT_TRUE(incremental.ok());
  EXPECT_TRUE(incremental->incremental);
}

TEST(DynamoDbExport, WhatCannotBeReadIsNamed) {
  auto ion = parse_export_manifests("e/", R"({"outputFormat":"ION"})", "");
  EXPECT_EQ(ion.error().code, "InvalidExport");
  EXPECT_EQ(ion.error().message,
            "e/manifest-summary.json: an export in ION format, which csv2ddb does not read; "
            "export the table again with --export-format DYNAMODB_JSON");
  EXPECT_EQ(parse_export_manifests("e/", R"({"exportType":"SNAPSHOT"})", "").error().message,
            "e/manifest-summary.json: exportType SNAPSHOT is not known");
  EXPECT_EQ(
      parse_export_manifests("e/", "{}", R"({"itemCount":1,"md5Checksum":"x"})").error().message,
      "e/manifest-files.json: line 1: dataFileS3Key is missing");
}

TEST(WritePlan, ModesConditionsAndTheirErrors) {
  const model::KeySchema schema = offers_schema();
  const std::vector<std::string> columns = {"account", "offer_id", "version"};
  auto absent = make_write_plan(WriteMode::kPutIfAbsent, "", schema, &columns);
  ASSERT_TRUE(absent.ok());
  EXPECT_EQ(absent->condition, "attribute_not_exists(#account)");
  EXPECT_TRUE(absent->per_item());
  auto newer = make_write_plan(
      WriteMode::kPut, "attribute_not_exists(#deleted) OR version < :version", schema, &columns);
  ASSERT_TRUE(newer.ok()) << newer.error().message;
  EXPECT_EQ(newer->values, std::vector<std::string>{":version"});
  EXPECT_FALSE(make_write_plan(WriteMode::kPut, "", schema, &columns)->per_item());
  EXPECT_TRUE(make_write_plan(WriteMode::kUpdate, "", schema, &columns)->per_item());
  auto no_column = make_write_plan(WriteMode::kPut, "v < :v", schema, &columns);
  EXPECT_EQ(no_column.error().code, kInvalidCondition);
  EXPECT_EQ(no_column.error().message,
            "--condition 'v < :v' uses :v, but the input has no column 'v'");
  EXPECT_EQ(make_write_plan(WriteMode::kPutIfAbsent, "v < :v", schema, nullptr).error().message,
            "--mode put-if-absent is itself a condition; it cannot take --condition");
  EXPECT_EQ(parse_write_mode("upsert"), std::nullopt);
}

struct ModeHarness {
  InMemoryTable table{offers_schema(), "offers"};
  MemoryOutputStore store;
  OutputKeys keys = output_keys_for("rows.ndjson");
  IngestOptions options;

  ModeHarness() {
    options.table = "offers";
    options.lanes = 3;
    options.outputs.store = &store;
    options.outputs.rejected_key = keys.rejected;
    options.outputs.conflicts_key = keys.conflicts;
    options.outputs.unprocessed_key = keys.unprocessed;
  }
  Report run(std::string input, InputFormat format) {
    options.input_format = format;
    Result<Report> report =
        ingest_report(csv::make_memory_source(std::move(input), "rows", 5), table, options);
    EXPECT_TRUE(report.ok()) << report.error().to_string();
    EXPECT_TRUE(report->balanced()) << report->to_json();
    return *report;
  }
  std::string stored() const {
    std::string out;
    for (const model::Item& item : table.items()) {
      model::append_plain_item(out, item);
      out.push_back('\n');
    }
    return out;
  }
};

TEST(WriteModes, IncrementalRecordsPutNewImagesAndDeleteTheRest) {
  ModeHarness h;
  h.run("{\"account\":\"a\",\"offer_id\":\"1\",\"v\":1}\n{\"account\":\"a\",\"offer_id\":\"2\"}\n",
        InputFormat::kJsonLines);
  const Report report = h.run(
      R"({"Keys":{"account":{"S":"a"},"offer_id":{"S":"1"}},"NewImage":{"account":{"S":"a"},"offer_id":{"S":"1"},"v":{"N":"2"}}})"
      "\n"
      R"({"Keys":{"account":{"S":"a"},"offer_id":{"S":"2"}}})"
      "\n",
      InputFormat::kDynamoDbJson);
  EXPECT_EQ(report.rows_written, 2u);
  EXPECT_EQ(h.stored(), "{\"account\":\"a\",\"offer_id\":\"1\",\"v\":2}\n");
}

TEST(WriteModes, UpdateMergesAndConditionsListTheirConflicts) {
  ModeHarness h;
  h.run(
      "{\"account\":\"a\",\"offer_id\":\"1\",\"keep\":\"k\",\"version\":5}\n"
      "{\"account\":\"a\",\"offer_id\":\"2\",\"version\":1}\n",
      InputFormat::kJsonLines);
  h.options.mode = WriteMode::kUpdate;
  h.options.condition = "attribute_not_exists(account) OR version < :version";
  const Report report = h.run(
      "{\"account\":\"a\",\"offer_id\":\"1\",\"version\":3}\n"
      "{\"account\":\"a\",\"offer_id\":\"2\",\"version\":3,\"new\":true}\n"
      "{\"account\":\"a\",\"offer_id\":\"3\",\"version\":3}\n"
      "{\"account\":\"a\",\"offer_id\":\"4\"}\n",
      InputFormat::kJsonLines);
  EXPECT_EQ((std::vector<std::uint64_t>{report.rows_written, report.rows_conflicts,
                                        report.rows_rejected}),
            (std::vector<std::uint64_t>{2, 1, 1}));
  EXPECT_EQ(h.store.get(h.keys.conflicts).value_or(""),
            "{\"line\":1,\"key\":{\"account\":\"a\",\"offer_id\":\"1\"}}\n");
  EXPECT_NE(h.store.get(h.keys.rejected)
                .value_or("")
                .find("the condition needs a value for 'version' and the row has none"),
            std::string::npos);
  EXPECT_EQ(h.stored(),
            "{\"account\":\"a\",\"offer_id\":\"1\",\"keep\":\"k\",\"version\":5}\n"
            "{\"account\":\"a\",\"offer_id\":\"2\",\"version\":3,\"new\":true}\n"
            "{\"account\":\"a\",\"offer_id\":\"3\",\"version\":3}\n");
}

TEST(WriteModes, DeleteRemovesEachRowsKey) {
  ModeHarness h;
  h.run("account,offer_id,x\na,1,1\na,2,2\nb,1,3\n", InputFormat::kCsv);
  h.options.mode = WriteMode::kDelete;
  const Report report = h.run("account,offer_id,ignored\na,1,zz\nb,1,\nc,9,\n", InputFormat::kCsv);
  EXPECT_EQ(report.rows_written, 3u);
  EXPECT_EQ(h.stored(), "{\"account\":\"a\",\"offer_id\":\"2\",\"x\":\"2\"}\n");
}

}  // namespace
}  // namespace csv2ddb::ingest
