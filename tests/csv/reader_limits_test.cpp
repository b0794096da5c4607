// CsvReader at its limits: over-long records and resynchronisation, very wide and very long
// records, and resuming a fresh reader at a record boundary.
#include <gtest/gtest.h>

#include <string>

#include "csv/reader.hpp"
#include "csv_test_support.hpp"

namespace csv2ddb::csv {
namespace {

using testing::Fields;
using testing::fields_of;
using testing::kDefaultSize;
using testing::read_all;
using testing::read_all_sizes;

TEST(CsvReaderLimitsTest, RecordTooLargeThenNextRecordIsReadFine) {
  ReaderOptions options;
  options.max_record_bytes = 10;
  std::string wide;
  for (int i = 0; i < 20; ++i) wide += "a,";
  const std::string input = "short\n" + wide + "\nnext,1\n";
  const auto records = read_all_sizes(input, options);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].fields, (std::vector<std::string>{"short"}));
  EXPECT_EQ(records[1].error, RecordErrorKind::kRecordTooLarge);
  EXPECT_EQ(records[1].error_message, "record exceeds 10 bytes");
  EXPECT_TRUE(records[1].fields.empty());
  Record too_large;
  too_large.error = RecordErrorKind::kRecordTooLarge;
  EXPECT_FALSE(too_large.blank());
  EXPECT_EQ(records[1].line, 2u);
  EXPECT_EQ(records[1].byte_offset, 6u);
  EXPECT_EQ(records[1].end_offset, 47u);
  EXPECT_EQ(records[2].fields, (std::vector<std::string>{"next", "1"}));
  EXPECT_EQ(records[2].line, 3u);
  EXPECT_EQ(records[2].byte_offset, 47u);
}

TEST(CsvReaderLimitsTest, ResynchronisationHonoursQuotes) {
  // The discarded record holds quoted newlines and delimiters: the reader must keep following
  // the quotes while discarding, or it would resume in the middle of the quoted field.
  ReaderOptions options;
  options.max_record_bytes = 8;
  const std::string input = "\"long\nquoted,\r\nfield\",x\r\nok\n";
  const auto records = read_all_sizes(input, options);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].error, RecordErrorKind::kRecordTooLarge);
  EXPECT_EQ(records[0].line, 1u);
  EXPECT_EQ(records[0].end_offset, 25u);
  EXPECT_EQ(records[1].fields, (std::vector<std::string>{"ok"}));
  EXPECT_EQ(records[1].line, 4u);
}

TEST(CsvReaderLimitsTest, LimitCountsContentNotTerminator) {
  ReaderOptions options;
  options.max_record_bytes = 5;
  EXPECT_EQ(fields_of(read_all_sizes("12345\r\n123456\n1\n", options)),
            (Fields{{"12345"}, {}, {"1"}}));
  const auto records = read_all_sizes("12345\r\n123456\n", options);
  EXPECT_EQ(records[0].error, RecordErrorKind::kNone);
  EXPECT_EQ(records[1].error, RecordErrorKind::kRecordTooLarge);
}

TEST(CsvReaderLimitsTest, TenThousandColumns) {
  std::string header;
  std::string row;
  for (int i = 0; i < 10000; ++i) {
    header += (i > 0 ? "," : "") + std::string("c") + std::to_string(i);
    row += (i > 0 ? "," : "") + std::string("\"v") + std::to_string(i) + "\"";
  }
  const auto records = read_all_sizes(header + "\n" + row + "\n", {}, {1, 7, kDefaultSize});
  ASSERT_EQ(records.size(), 2u);
  ASSERT_EQ(records[0].fields.size(), 10000u);
  ASSERT_EQ(records[1].fields.size(), 10000u);
  EXPECT_EQ(records[0].fields[9999], "c9999");
  EXPECT_EQ(records[1].fields[0], "v0");
  EXPECT_EQ(records[1].fields[5000], "v5000");
  EXPECT_EQ(records[1].line, 2u);
}

TEST(CsvReaderLimitsTest, OneMegabyteFieldPassesTheDefaultCap) {
  const std::string big(1 << 20, 'x');
  const std::string quoted_big = std::string(1 << 19, 'y') + "\"\"" + std::string(1 << 19, 'z');
  const std::string input = "a," + big + "\n\"" + quoted_big + "\",b\nend\n";
  const auto records = read_all_sizes(input, {}, {7, 4096, kDefaultSize});
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].error, RecordErrorKind::kNone);
  EXPECT_EQ(records[0].fields[1], big);
  EXPECT_EQ(records[1].fields[0], std::string(1 << 19, 'y') + "\"" + std::string(1 << 19, 'z'));
  EXPECT_EQ(records[2].fields, (std::vector<std::string>{"end"}));
}

TEST(CsvReaderLimitsTest, FieldOverTheDefaultCapNeedsTheCapRaised) {
  const std::string huge(5 << 20, 'h');
  const std::string input = "a," + huge + "\nend\n";
  const auto capped = read_all(input);
  ASSERT_EQ(capped.size(), 2u);
  EXPECT_EQ(capped[0].error, RecordErrorKind::kRecordTooLarge);
  EXPECT_EQ(capped[0].error_message, "record exceeds 4194304 bytes");
  EXPECT_EQ(capped[1].fields, (std::vector<std::string>{"end"}));

  ReaderOptions raised;
  raised.max_record_bytes = 8 << 20;
  const auto records = read_all_sizes(input, raised, {4096, kDefaultSize});
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].error, RecordErrorKind::kNone);
  EXPECT_EQ(records[0].fields[1], huge);
}

// Reads every record and returns the largest buffer the reader ever had.
std::size_t peak_buffer(const std::string& input, const ReaderOptions& options) {
  CsvReader reader(make_memory_source(input, "<memory>", options.buffer_size), options);
  Record record;
  std::size_t peak = 0;
  while (reader.next(record).value()) peak = std::max(peak, reader.buffer_capacity());
  return peak;
}

TEST(CsvReaderLimitsTest, MemoryStaysBoundedByOneRecordPlusOneChunk) {
  ReaderOptions options;
  options.buffer_size = 4096;
  options.max_record_bytes = 64 * 1024;
  std::string small_records;
  for (int i = 0; i < 20000; ++i) small_records += "00000001,\"quoted\",2024-03-01T12:34:56Z\n";
  EXPECT_LE(peak_buffer(small_records, options), 2 * options.buffer_size);

  // A record sixteen times the limit, quoted or not, is discarded in bounded memory.
  const std::string huge(1 << 20, 'x');
  for (const std::string& input : {huge + "\nok\n", "\"" + huge + "\n" + huge + "\"\nok\n"}) {
    EXPECT_LE(peak_buffer(input, options), options.max_record_bytes + options.buffer_size);
  }
}

TEST(CsvReaderLimitsTest, SkipToResumesWithTheSameRemainingRecords) {
  const std::string input =
      "\xEF\xBB\xBF"
      "id,text\r\n1,\"multi\nline\"\n\n2,plain\r3,\"q\"\"q\"\n4,last";
  for (std::size_t size : testing::hostile_sizes()) {
    SCOPED_TRACE(size);
    ReaderOptions options;
    if (size != kDefaultSize) options.buffer_size = size;
    const auto all = read_all(input, options, size);
    ASSERT_EQ(all.size(), 6u);
    for (std::size_t from = 0; from < all.size(); ++from) {
      SCOPED_TRACE(from);
      CsvReader resumed(make_memory_source(input, "<memory>", size), options);
      ASSERT_TRUE(resumed.skip_to(all[from].byte_offset, all[from].line).ok());
      EXPECT_EQ(resumed.bytes_consumed(), all[from].byte_offset);
      const auto rest = testing::read_records(resumed);
      EXPECT_EQ(rest, std::vector<testing::ParsedRecord>(all.begin() + static_cast<long>(from),
                                                         all.end()));
    }
    // Resuming after the last record reads nothing more.
    CsvReader at_end(make_memory_source(input, "<memory>", size), options);
    ASSERT_TRUE(at_end.skip_to(all.back().end_offset, all.back().line + 1).ok());
    EXPECT_TRUE(testing::read_records(at_end).empty());
  }
}

// A stray quote turns the lines after it into one quoted field until the next quote (or the end
// of the file): the record then fails the size limit, and the message says where the quote is.
TEST(CsvReaderLimitsTest, OverLongRecordNamesTheQuoteThatRunsPastTheLimit) {
  ReaderOptions options;
  options.max_record_bytes = 64;
  std::string lines;
  for (int i = 0; i < 20; ++i) lines += "x,y\n";
  const std::string stray_quote_message =
      "record exceeds 64 bytes: a quoted field opened on line 3 runs past the limit (a stray '\"' "
      "there turns the lines after it into one field)";
  {
    const std::string input = "a,b\n1,2\n3,\"stray\n" + lines + "4,\"closed\"\n5,6\n";
    const auto records = read_all_sizes(input, options);
    ASSERT_EQ(records.size(), 4u);
    EXPECT_EQ(records[2].error, RecordErrorKind::kRecordTooLarge);
    EXPECT_EQ(records[2].line, 3u);
    EXPECT_EQ(records[2].error_message, stray_quote_message);
    EXPECT_EQ(records[3].fields, (std::vector<std::string>{"5", "6"}));
    EXPECT_EQ(records[3].line, 25u);
  }
  {  // never closed: the record runs to the end of input
    const std::string input = "a,b\n1,2\n3,\"stray\n" + lines;
    const auto records = read_all_sizes(input, options);
    ASSERT_EQ(records.size(), 3u);
    EXPECT_EQ(records[2].error_message, stray_quote_message);
  }
  {  // a "" escape past the limit is still inside the field
    const std::string input = "3,\"stray\n" + lines + "\"\"\n";
    EXPECT_EQ(read_all_sizes(input, options).at(0).error_message,
              "record exceeds 64 bytes: a quoted field opened on line 1 runs past the limit (a "
              "stray '\"' there turns the lines after it into one field)");
  }
  {  // quoted fields that close before the limit are not the cause and are not named
    const std::string input = "\"q\",\"r\"," + std::string(100, 'z') + ",\"s\"\nok\n";
    const auto records = read_all_sizes(input, options);
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(records[0].error_message, "record exceeds 64 bytes");
  }
  {  // a quoted field that opens after the limit is not the cause either
    const std::string input = std::string(100, 'z') + ",\"late\nfield\"\nok\n";
    const auto records = read_all_sizes(input, options);
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(records[0].error_message, "record exceeds 64 bytes");
  }
}

// One record of a million (empty) fields must not pin its field tables (~24 MB) for the rest
// of the run; uniformly wide records keep theirs rather than regrow them every record.
TEST(CsvReaderLimitsTest, FieldTablesShrinkBackAfterAVeryWideRecord) {
  const std::string input = std::string(1'000'000, ',') + "\na,b\nc,d\ne,f\n";
  CsvReader reader(make_memory_source(input));
  Record record;
  ASSERT_TRUE(reader.next(record).value());
  ASSERT_EQ(record.fields.size(), 1'000'001u);
  EXPECT_GE(reader.field_capacity(), 1'000'001u);
  for (const char* expected : {"a", "c", "e"}) {
    ASSERT_TRUE(reader.next(record).value());
    ASSERT_EQ(record.fields.size(), 2u);
    EXPECT_EQ(record.fields[0], expected);
  }
  EXPECT_LE(reader.field_capacity(), 4096u);
  EXPECT_LE(record.fields.capacity(), 4096u);

  std::string wide;
  for (int row = 0; row < 3; ++row) wide += std::string(9999, ',') + "\n";
  CsvReader wide_reader(make_memory_source(wide));
  for (int row = 0; row < 3; ++row) {
    ASSERT_TRUE(wide_reader.next(record).value());
    ASSERT_EQ(record.fields.size(), 10000u);
  }
  EXPECT_GE(wide_reader.field_capacity(), 10000u);
}

TEST(CsvReaderLimitsTest, SkipPastTheEndIsAnError) {
  CsvReader reader(make_memory_source("a\nb\n", "data.csv"));
  auto status = reader.skip_to(10, 3);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, "InvalidOffset");
  EXPECT_EQ(status.error().message, "data.csv: cannot resume at byte 10: input has only 4 bytes");
}

}  // namespace
}  // namespace csv2ddb::csv
