// The pieces of `csv2ddb ingest INPUT...` that name things: where each file's outputs go, and
// the checkpoint of a run of several files (its place in the list, the reports before it).
#include <gtest/gtest.h>

#include "cli/checkpoint_file.hpp"
#include "cli/file_outputs.hpp"

namespace csv2ddb::cli {
namespace {

TEST(FileOutputs, OneFilesStemDropsItsInputSuffix) {
  EXPECT_EQ(output_stem("data/offers.csv.gz"), "offers");
  EXPECT_EQ(output_stem("feed/day.ndjson.zst"), "day");
  EXPECT_EQ(output_stem("x/items.jsonl"), "items");
  EXPECT_EQ(output_stem("x/items.json"), "items");
  EXPECT_EQ(output_stem("s3://b/k/notes.txt"), "notes.txt");
  EXPECT_EQ(output_stem("-"), "stdin");
}

TEST(FileOutputs, SeveralFilesKeepTheirFoldersInsideDir) {
  EXPECT_EQ(output_name("in/sub/a.csv"), "in/sub/a.csv");
  EXPECT_EQ(output_name("/tmp/x/a.csv"), "tmp/x/a.csv");
  EXPECT_EQ(output_name("./a//b.csv"), "a/b.csv");
  EXPECT_EQ(output_name("../../etc/a.csv"), "__/__/etc/a.csv");
  EXPECT_EQ(output_name("-"), "stdin");
  auto outputs = FileOutputs::for_several(nullptr, "/tmp/outs");
  ASSERT_TRUE(outputs.ok());
  const ingest::IngestOutputs keys = outputs->outputs_for("../in/a.csv");
  EXPECT_EQ(keys.rejected_key, "__/in/a.csv.rejected.jsonl");
  EXPECT_EQ(keys.unprocessed_key, "__/in/a.csv.unprocessed.json");
  EXPECT_EQ(keys.conflicts_key, "__/in/a.csv.conflicts.jsonl");
  EXPECT_EQ(keys.unprocessed_deletes_key, "__/in/a.csv.unprocessed-deletes.json");
  EXPECT_EQ(keys.report_key, "__/in/a.csv.report.json");
  EXPECT_EQ(keys.json_copy_key, "");
  EXPECT_EQ(outputs->locate("../in/a.csv", "rejected"), "/tmp/outs/__/in/a.csv.rejected.jsonl");
}

TEST(FileOutputs, OneFileHasWhatTheFlagsName) {
  auto outputs = FileOutputs::for_one(
      nullptr, {{"rejected", std::string("r.jsonl")}, {"report", std::nullopt}});
  ASSERT_TRUE(outputs.ok());
  const ingest::IngestOutputs keys = outputs->outputs_for("offers.csv");
  EXPECT_EQ(keys.rejected_key, "rejected");
  EXPECT_EQ(keys.report_key, "");
  EXPECT_EQ(keys.unprocessed_key, "");
}

TEST(CheckpointFile, SeveralFilesKeepTheirPlaceAndTheReportsBefore) {
  CheckpointFile file;
  file.input = "in/2.csv";
  file.identity = "size=5 mtime_ns=6";
  file.table = "offers";
  file.point.line = 7;
  file.point.byte_offset = 90;
  file.point.rows_read = 6;
  file.point.rows_written = 6;
  file.point.header = {"account", "offer_id"};
  file.file_index = 1;
  file.done_reports = {R"({"input":"in/1.csv","rows_read":3})"};
  const std::string text = encode_checkpoint(file);
  EXPECT_NE(text.find(R"("file_index":1,"done":[{"input":"in/1.csv","rows_read":3}]})"),
            std::string::npos)
      << text;
  auto decoded = decode_checkpoint(text);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->file_index, 1u);
  EXPECT_EQ(decoded->done_reports, file.done_reports);
  EXPECT_EQ(decoded->point.byte_offset, 90u);
  // One file's checkpoint keeps the form it always had.
  file.file_index = 0;
  file.done_reports.clear();
  EXPECT_EQ(encode_checkpoint(file).find("file_index"), std::string::npos);
}

}  // namespace
}  // namespace csv2ddb::cli
