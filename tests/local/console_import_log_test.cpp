// The console's reading of the functions' logs: lines as the import function and the local
// Lambda write them (src/lambda/progress_log.cpp, object_import.cpp, function_executor.cpp),
// turned into imports (status, counts, a rows/s series, their lines) and invocations.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "local/console/import_log.hpp"

namespace csv2ddb::local::console {
namespace {

namespace fs = std::filesystem;

class ImportLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() /
        ("csv2ddb-import-log-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void append(const std::string& function, const std::string& text) {
    std::ofstream(dir_ / (function + ".log"), std::ios::app) << text;
  }

  static std::string progress(const std::string& time, const std::string& request,
                              const std::string& key, int read, int written, int units,
                              const std::string& share = "") {
    return "{\"timestamp\":\"2026-12-07T10:00:" + time + "Z\",\"level\":\"INFO\",\"requestId\":\"" +
           request + "\",\"message\":\"progress\",\"bucket\":\"b\",\"key\":\"" + key +
           "\",\"generation\":0" + (share.empty() ? "" : ",\"share\":" + share) +
           ",\"rows_read\":" + std::to_string(read) +
           ",\"rows_written\":" + std::to_string(written) +
           ",\"rows_rejected\":0,\"bytes_read\":10,\"requests\":1," +
           "\"throttles\":0,\"units_written\":" + std::to_string(units) + "}\n";
  }

  fs::path dir_;
};

TEST_F(ImportLogTest, ProgressLinesMakeARunningImportWithASeries) {
  append("imp", progress("00.000", "r1", "a.csv", 100, 75, 75));
  append("imp", progress("01.000", "r1", "a.csv", 300, 250, 250));
  ImportLog log(dir_.string());
  auto imports = log.imports(10);
  ASSERT_EQ(imports.size(), 1u);
  EXPECT_EQ(imports[0].status, "running");
  EXPECT_EQ(imports[0].function, "imp");
  EXPECT_EQ(imports[0].first_seen, "2026-12-07T10:00:00.000Z");
  EXPECT_EQ(model::to_json(imports[0].counts),
            "{\"rows_read\":300,\"rows_written\":250,\"rows_rejected\":0,\"bytes_read\":10,"
            "\"requests\":1,\"throttles\":0,\"units_written\":250}");
  ASSERT_EQ(imports[0].series.size(), 2u);
  EXPECT_DOUBLE_EQ(imports[0].series[1].seconds, 1.0);
  EXPECT_EQ(imports[0].series[1].rows_read, 300);
  EXPECT_DOUBLE_EQ(imports[0].series[1].write_units, 250);
}

TEST_F(ImportLogTest, TheReportEndsItAndTheReportLineJoinsItsLog) {
  append("imp", progress("00.000", "r1", "a.csv", 3, 2, 2));
  append("imp",
         "{\"timestamp\":\"2026-12-07T10:00:00.500Z\",\"level\":\"INFO\",\"requestId\":\"r1\","
         "\"message\":\"imported\",\"source\":\"s3://b/a.csv\",\"generation\":\"0\",\"report\":"
         "\"{\\\"rows_read\\\":3,\\\"rows_written\\\":2,\\\"rows_rejected\\\":1,"
         "\\\"consumed_wcu\\\":2,\\\"status\\\":\\\"done\\\"}\"}\n"
         "REPORT RequestId: r1\tDuration: 62.16 ms\tBilled Duration: 63 ms\tMemory Size: 1769 MB"
         "\tMax Memory Used: 14 MB\n");
  ImportLog log(dir_.string());
  ImportRecord record = log.find("b", "a.csv");
  EXPECT_EQ(record.status, "done");
  EXPECT_EQ(model::to_json(record.counts),
            "{\"rows_read\":3,\"rows_written\":2,\"rows_rejected\":1,\"consumed_wcu\":2}");
  ASSERT_EQ(record.log.size(), 3u);
  EXPECT_TRUE(record.log[2].starts_with("REPORT RequestId: r1\t"));
  auto invocations = log.invocations("imp", 10);
  ASSERT_EQ(invocations.size(), 1u);
  EXPECT_EQ(invocations[0].request_id, "r1");
  EXPECT_DOUBLE_EQ(invocations[0].duration_ms, 62.16);
  EXPECT_EQ(invocations[0].max_memory_mb, 14);
  EXPECT_EQ(invocations[0].result, "ok");
}

TEST_F(ImportLogTest, LinesReadInPiecesAsTheFileGrows) {
  const std::string line = progress("00.000", "r1", "a.csv", 5, 5, 5);
  append("imp", line.substr(0, 40));
  ImportLog log(dir_.string());
  EXPECT_TRUE(log.imports(10).empty());  // half a line is not a line yet
  append("imp", line.substr(40));
  append("imp",
         "{\"timestamp\":\"2026-12-07T10:00:02.000Z\",\"level\":\"INFO\",\"requestId\":\"r1\","
         "\"message\":\"handed over to a new invocation\",\"source\":\"s3://b/a.csv\"}\n");
  auto imports = log.imports(10);
  ASSERT_EQ(imports.size(), 1u);
  EXPECT_EQ(imports[0].status, "continued");
}

TEST_F(ImportLogTest, AFannedOutImportAddsUpItsShares) {
  append("imp",
         "{\"timestamp\":\"2026-12-07T10:00:00.000Z\",\"level\":\"INFO\",\"requestId\":\"c\","
         "\"message\":\"fanned out\",\"bucket\":\"b\",\"key\":\"big.csv\",\"size\":\"9\","
         "\"shares\":\"2\"}\n");
  append("imp", progress("01.000", "w0", "big.csv", 100, 100, 100, "0"));
  append("imp", progress("01.500", "w1", "big.csv", 40, 30, 30, "1"));
  append("imp", progress("02.000", "w0", "big.csv", 200, 200, 200, "0"));
  ImportLog log(dir_.string());
  ImportRecord record = log.find("b", "big.csv");
  EXPECT_EQ(record.status, "fanned out");
  EXPECT_EQ(record.counts.find("rows_read")->as_string(), "240");
  EXPECT_EQ(record.counts.find("units_written")->as_string(), "230");
  EXPECT_EQ(record.request_ids, (std::vector<std::string>{"c", "w0", "w1"}));
}

TEST_F(ImportLogTest, AFailedInvocationAndOtherFunctionsLinesStayApart) {
  append("setup",
         "{\"timestamp\":\"2026-12-07T10:00:00.000Z\",\"level\":\"INFO\",\"requestId\":\"s\","
         "\"message\":\"notification configured\",\"bucket\":\"b\"}\n");
  append("imp",
         "csv2ddb local: RequestId r9 failed: {\"errorType\":\"ImportFailed\"}\n"
         "REPORT RequestId: r9\tDuration: 5.00 ms\tBilled Duration: 5 ms\tMemory Size: 128 MB\t"
         "Max Memory Used: 9 MB\n");
  ImportLog log(dir_.string());
  EXPECT_TRUE(log.imports(10).empty());  // a bucket named in another line is not an import
  auto invocations = log.invocations("imp", 10);
  ASSERT_EQ(invocations.size(), 1u);
  EXPECT_EQ(invocations[0].result,
            "csv2ddb local: RequestId r9 failed: {\"errorType\":\"ImportFailed\"}");
  EXPECT_EQ(log.log_tail("setup", 5).size(), 1u);
}

TEST_F(ImportLogTest, WhatItKeepsIsBounded) {
  std::string lines;
  for (int i = 0; i < 1500; ++i) {
    lines += progress("00.000", "r" + std::to_string(i), "k" + std::to_string(i) + ".csv", 1, 1, 1);
  }
  for (int i = 0; i < 5000; ++i) {
    char time[16];
    std::snprintf(time, sizeof time, "%02d.%03d", (i / 1000) % 60, i % 1000);
    lines += progress(time, "long", "long.csv", i, i, i);
  }
  append("imp", lines);
  ImportLog log(dir_.string());
  auto imports = log.imports(5000);
  EXPECT_EQ(imports.size(), 1000u);  // the newest thousand; the oldest forgotten
  EXPECT_EQ(imports.front().key, "long.csv");
  EXPECT_LE(imports.front().series.size(), 600u);
  EXPECT_EQ(imports.front().series.back().rows_read, 4999);
  EXPECT_LE(imports.front().log.size(), 200u);
  EXPECT_EQ(log.find("b", "k0.csv").bucket, "");
}

TEST_F(ImportLogTest, AnUploadIsQueuedUntilTheFunctionSpeaks) {
  ImportLog log(dir_.string());
  log.note_upload("b", "new.csv");
  EXPECT_EQ(log.find("b", "new.csv").status, "queued");
  append("imp", progress("00.000", "r1", "new.csv", 1, 1, 1));
  EXPECT_EQ(log.find("b", "new.csv").status, "running");
  EXPECT_EQ(log.imports(10).size(), 1u);
}

}  // namespace
}  // namespace csv2ddb::local::console
