// The function's progress line: its members, exactly (the console and people read them).
#include "lambda/progress_log.hpp"

#include <gtest/gtest.h>

namespace csv2ddb::lambda {
namespace {

ingest::Progress progress() {
  ingest::Progress progress;
  progress.rows_read = 5000;
  progress.rows_written = 4990;
  progress.rows_rejected = 3;
  progress.bytes_read = 412345;
  progress.requests = 210;
  progress.throttles = 7;
  progress.units_written = 4990;
  progress.seconds = 2.5;  // not a member: the line's timestamp says when
  return progress;
}

TEST(ProgressLog, MembersOfAWholeObjectsImport) {
  const ProgressLog log("in", "data/a \"b\".csv", 2, std::nullopt);
  EXPECT_EQ(log.members(progress()),
            R"("bucket":"in","key":"data/a \"b\".csv","generation":2,"rows_read":5000,)"
            R"("rows_written":4990,"rows_rejected":3,"bytes_read":412345,"requests":210,)"
            R"("throttles":7,"units_written":4990)");
}

TEST(ProgressLog, AWorkersLineNamesItsShare) {
  const ProgressLog log("in", "big.csv", 0, 3);
  EXPECT_EQ(log.members(ingest::Progress{}),
            R"("bucket":"in","key":"big.csv","generation":0,"share":3,"rows_read":0,)"
            R"("rows_written":0,"rows_rejected":0,"bytes_read":0,"requests":0,"throttles":0,)"
            R"("units_written":0)");
}

}  // namespace
}  // namespace csv2ddb::lambda
