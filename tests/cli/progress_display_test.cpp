#include "cli/progress_display.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

namespace csv2ddb::cli {
namespace {

ingest::Progress progress(std::uint64_t rows_read, std::uint64_t rows_written,
                          std::uint64_t rows_rejected, std::uint64_t bytes_read,
                          std::uint64_t units_written) {
  ingest::Progress p;
  p.rows_read = rows_read;
  p.rows_written = rows_written;
  p.rows_rejected = rows_rejected;
  p.bytes_read = bytes_read;
  p.units_written = units_written;
  return p;
}

TEST(ProgressDisplayFormat, KnownSizeHasPercentAndEta) {
  // A quarter of the input in 4 s: 12 s to go.
  EXPECT_EQ(ProgressDisplay::format(progress(10000, 9990, 10, 2'500'000, 10000), 4.0, 10'000'000),
            "10000 rows, 2.5 MB, 2500 rows/s, 2500 WCU/s, 9990 written, 10 rejected, 25%, "
            "ETA 0:12");
}

TEST(ProgressDisplayFormat, EtaCountsTheRowsWrittenNotOnlyTheBytesRead) {
  // The reader is 80% through but a quarter of the rows read are written: 20% done in 2 s.
  EXPECT_EQ(ProgressDisplay::format(progress(40000, 10000, 0, 4'000'000, 10000), 2.0, 5'000'000),
            "40000 rows, 4.0 MB, 20000 rows/s, 5000 WCU/s, 10000 written, 0 rejected, 20%, "
            "ETA 0:08");
  // Nothing written yet: nothing to project from.
  EXPECT_EQ(ProgressDisplay::format(progress(8192, 0, 0, 800'000, 0), 0.5, 5'000'000),
            "8192 rows, 0.8 MB, 16384 rows/s, 0 WCU/s, 0 written, 0 rejected");
}

TEST(ProgressDisplayFormat, UnknownSizeHasNoEta) {
  EXPECT_EQ(ProgressDisplay::format(progress(10000, 9990, 10, 2'500'000, 10000), 4.0, 0),
            "10000 rows, 2.5 MB, 2500 rows/s, 2500 WCU/s, 9990 written, 10 rejected");
}

TEST(ProgressDisplayFormat, InputGrownPastItsSizeHasNoEta) {
  EXPECT_EQ(ProgressDisplay::format(progress(10, 10, 0, 2'000, 10), 1.0, 1'000),
            "10 rows, 0.0 MB, 10 rows/s, 10 WCU/s, 10 written, 0 rejected");
}

TEST(ProgressDisplayFormat, ZeroElapsedHasNoRatesAndNoEta) {
  EXPECT_EQ(ProgressDisplay::format(progress(500, 0, 0, 60'000, 0), 0.0, 10'000'000),
            "500 rows, 0.1 MB, 0 rows/s, 0 WCU/s, 0 written, 0 rejected");
  EXPECT_EQ(ProgressDisplay::format(progress(0, 0, 0, 0, 0), 0.0, 0),
            "0 rows, 0.0 MB, 0 rows/s, 0 WCU/s, 0 written, 0 rejected");
}

TEST(ProgressDisplayFormat, LargeNumbersAndAnEtaOverAnHour) {
  // Half of a 197.5 GB input in 1:02:05: as long again to go.
  EXPECT_EQ(ProgressDisplay::format(progress(123'456'789'012, 123'456'000'000, 789'012,
                                             98'765'432'109, 246'913'578'024),
                                    3725.0, 197'530'864'218),
            "123456789012 rows, 98765.4 MB, 33142762 rows/s, 66285524 WCU/s, 123456000000 written, "
            "789012 rejected, 50%, ETA 1:02:05");
}

TEST(ProgressDisplayFormat, AllReadGivesAZeroEta) {
  EXPECT_EQ(ProgressDisplay::format(progress(90, 90, 0, 1'000, 90), 3.0, 1'000),
            "90 rows, 0.0 MB, 30 rows/s, 30 WCU/s, 90 written, 0 rejected, 100%, ETA 0:00");
}

// What a display writes, through a FILE* of our own (open_memstream), as the bytes a terminal
// would receive.
class Captured {
 public:
  Captured() : file_(open_memstream(&data_, &size_)) {}
  ~Captured() {
    if (file_) std::fclose(file_);
    std::free(data_);
  }
  Captured(const Captured&) = delete;
  Captured& operator=(const Captured&) = delete;
  std::FILE* file() { return file_; }
  std::string text() {
    std::fflush(file_);
    return {data_, size_};
  }

 private:
  char* data_ = nullptr;
  std::size_t size_ = 0;
  std::FILE* file_;
};

// Rows read and write units are 0 so that the rates, which depend on the clock, are 0 too.
TEST(ProgressDisplayOutput, EnabledRedrawsInPlaceAndErasesWhatAShorterLineLeaves) {
  Captured out;
  ASSERT_NE(out.file(), nullptr);
  ProgressDisplay display(true, 0, out.file());
  display.update(progress(0, 1234567, 7654321, 0, 0));
  // Past the redraw interval (250 ms), so the next update draws.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  display.update(progress(0, 1, 2, 0, 0));
  display.finish();
  EXPECT_EQ(out.text(),
            "\r0 rows, 0.0 MB, 0 rows/s, 0 WCU/s, 1234567 written, 7654321 rejected\x1b[K"
            "\r0 rows, 0.0 MB, 0 rows/s, 0 WCU/s, 1 written, 2 rejected\x1b[K"
            "\n");
}

TEST(ProgressDisplayOutput, FinishWithoutAnyLineWritesNothing) {
  Captured out;
  ASSERT_NE(out.file(), nullptr);
  ProgressDisplay display(true, 0, out.file());
  display.finish();
  EXPECT_EQ(out.text(), "");
}

TEST(ProgressDisplayOutput, DisabledWritesNothing) {
  Captured out;
  ASSERT_NE(out.file(), nullptr);
  ProgressDisplay display(false, 10'000, out.file());
  display.update(progress(10, 10, 0, 1'000, 10));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  display.update(progress(20, 20, 0, 2'000, 20));
  display.finish();
  EXPECT_EQ(out.text(), "");
}

}  // namespace
}  // namespace csv2ddb::cli
