// CsvReader semantics: every expectation here was checked against Python 3.11's
// csv.reader(io.TextIOWrapper(f, encoding="utf-8-sig", newline="")), and every fixture is read
// at buffer and chunk sizes 1, 2, 3, 7, 16 and the default with identical results.
#include "csv/reader.hpp"

#include <gtest/gtest.h>

#include <string>

#include "csv_test_support.hpp"

namespace csv2ddb::csv {
namespace {

using testing::Fields;
using testing::parse;
using testing::read_all_sizes;
using namespace std::string_literals;

TEST(CsvReaderTest, PlainRecords) {
  EXPECT_EQ(parse("a,b,c\n1,2,3\n"), (Fields{{"a", "b", "c"}, {"1", "2", "3"}}));
}

TEST(CsvReaderTest, EmptyInputHasNoRecords) {
  EXPECT_TRUE(parse("").empty());
  EXPECT_TRUE(parse("\xEF\xBB\xBF").empty());
}

TEST(CsvReaderTest, QuotedFieldsKeepDelimiters) {
  EXPECT_EQ(parse("\"a,b\",\"c\",d\n"), (Fields{{"a,b", "c", "d"}}));
  EXPECT_EQ(parse("\"\",x\n"), (Fields{{"", "x"}}));
}

TEST(CsvReaderTest, DoubledQuotesBecomeOneQuote) {
  EXPECT_EQ(parse("\"a\"\"b\",\"\"\"\"\n"), (Fields{{"a\"b", "\""}}));
  EXPECT_EQ(parse("\"a\"\"\""), (Fields{{"a\""}}));
  EXPECT_EQ(parse("\"a\"\" x"), (Fields{{"a\" x"}}));
}

TEST(CsvReaderTest, NewlinesInsideQuotesArePreserved) {
  EXPECT_EQ(parse("\"a\nb\",c\nd\n"), (Fields{{"a\nb", "c"}, {"d"}}));
  EXPECT_EQ(parse("\"a\r\nb\"\r\nd\r\n"), (Fields{{"a\r\nb"}, {"d"}}));
  EXPECT_EQ(parse("\"a\rb\""), (Fields{{"a\rb"}}));
}

TEST(CsvReaderTest, CarriageReturnOnlyFile) {
  EXPECT_EQ(parse("a,b\rc,d\r"), (Fields{{"a", "b"}, {"c", "d"}}));
}

TEST(CsvReaderTest, CrlfFile) {
  EXPECT_EQ(parse("a,b\r\nc,d\r\n"), (Fields{{"a", "b"}, {"c", "d"}}));
  EXPECT_EQ(parse("\"a\"\r\n\"b\"\r"), (Fields{{"a"}, {"b"}}));
}

TEST(CsvReaderTest, MixedLineEndings) {
  EXPECT_EQ(parse("a\rb\r\nc\n"), (Fields{{"a"}, {"b"}, {"c"}}));
  // CR CR LF is a record end followed by a blank CRLF line.
  EXPECT_EQ(parse("a\r\r\n"), (Fields{{"a"}, {}}));
  EXPECT_EQ(parse("a\n\r"), (Fields{{"a"}, {}}));
}

TEST(CsvReaderTest, LeadingBomIsStripped) {
  EXPECT_EQ(parse("\xEF\xBB\xBF"
                  "a,b\n"),
            (Fields{{"a", "b"}}));
  // Only a leading BOM: one later in the input is data.
  EXPECT_EQ(parse("a\n\xEF\xBB\xBF"
                  "b\n"),
            (Fields{{"a"},
                    {"\xEF\xBB\xBF"
                     "b"}}));
  // A partial BOM is data too.
  EXPECT_EQ(parse("\xEF\xBB"
                  "a\n"),
            (Fields{{"\xEF\xBB"
                     "a"}}));
}

TEST(CsvReaderTest, BomIsKeptWhenStrippingIsOff) {
  ReaderOptions options;
  options.strip_bom = false;
  const auto records = read_all_sizes(
      "\xEF\xBB\xBF"
      "a\n",
      options);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].fields, (std::vector<std::string>{"\xEF\xBB\xBF"
                                                         "a"}));
}

TEST(CsvReaderTest, EveryDelimiter) {
  for (char delimiter : {',', ';', ':', '|', '\t', ' '}) {
    SCOPED_TRACE(::testing::Message() << "delimiter '" << delimiter << "'");
    const std::string d(1, delimiter);
    const std::string input = "a" + d + "b" + d + "\"c" + d + "d\"" + d + "\n" + d + "x\n";
    EXPECT_EQ(parse(input, delimiter), (Fields{{"a", "b", "c" + d + "d", ""}, {"", "x"}}));
  }
  // Other delimiters' characters are ordinary data.
  EXPECT_EQ(parse("a,b;c|d:e f\tg\n", ';'), (Fields{{"a,b", "c|d:e f\tg"}}));
}

TEST(CsvReaderTest, BlankLinesYieldRecordsWithNoFields) {
  const auto records = read_all_sizes("a\n\n\r\n\rb\n");
  EXPECT_EQ(testing::fields_of(records), (Fields{{"a"}, {}, {}, {}, {"b"}}));
  Record blank;
  EXPECT_TRUE(blank.blank());
}

TEST(CsvReaderTest, TrailingDelimiterYieldsEmptyField) {
  EXPECT_EQ(parse("a,\n,\n"), (Fields{{"a", ""}, {"", ""}}));
  EXPECT_EQ(parse("a,"), (Fields{{"a", ""}}));
  EXPECT_EQ(parse(","), (Fields{{"", ""}}));
}

TEST(CsvReaderTest, LastRecordWithoutNewline) {
  EXPECT_EQ(parse("a,b\nc,d"), (Fields{{"a", "b"}, {"c", "d"}}));
  EXPECT_EQ(parse("a,\"b\""), (Fields{{"a", "b"}}));
  EXPECT_EQ(parse("\"\""), (Fields{{""}}));
}

TEST(CsvReaderTest, QuoteInsideUnquotedFieldIsLiteral) {
  EXPECT_EQ(parse("x\"y\",z\n"), (Fields{{"x\"y\"", "z"}}));
  EXPECT_EQ(parse(" \"a\"\n"), (Fields{{" \"a\""}}));
}

TEST(CsvReaderTest, TextAfterClosingQuoteIsAppended) {
  EXPECT_EQ(parse("\"b\"c,d\n"), (Fields{{"bc", "d"}}));
  EXPECT_EQ(parse("\"a\"b\"c\"\n"), (Fields{{"ab\"c\""}}));
}

TEST(CsvReaderTest, NulBytesPassThrough) {
  EXPECT_EQ(parse("a\0b,\"\0\"\n"s), (Fields{{"a\0b"s, "\0"s}}));
}

TEST(CsvReaderTest, UnterminatedQuoteAtEndOfInput) {
  const auto records = read_all_sizes("a,b\nc,\"d\ne,f\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].error, RecordErrorKind::kNone);
  const auto& damaged = records[1];
  EXPECT_EQ(damaged.fields, (std::vector<std::string>{"c", "d\ne,f\n"}));
  EXPECT_EQ(damaged.error, RecordErrorKind::kUnterminatedQuote);
  EXPECT_EQ(damaged.line, 2u);
  EXPECT_EQ(damaged.byte_offset, 4u);
  EXPECT_EQ(damaged.end_offset, 13u);
  EXPECT_EQ(damaged.error_message,
            "unterminated quote: the quoted field opened on line 2 is not closed before the end "
            "of input");
}

TEST(CsvReaderTest, UnterminatedQuoteNamesTheLineWhereItOpened) {
  // The record starts on line 1; its second quoted field opens on line 2.
  const auto records = read_all_sizes("\"x\ny\",\"z\n\n");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].line, 1u);
  EXPECT_EQ(records[0].fields, (std::vector<std::string>{"x\ny", "z\n\n"}));
  EXPECT_EQ(records[0].error, RecordErrorKind::kUnterminatedQuote);
  EXPECT_NE(records[0].error_message.find("opened on line 2 "), std::string::npos);
  EXPECT_FALSE(testing::read_all("\"").empty());
  EXPECT_EQ(testing::read_all("a,\"")[0].fields, (std::vector<std::string>{"a", ""}));
}

TEST(CsvReaderTest, LineNumbersAndByteOffsets) {
  // Lines: 1 "h1,h2" CRLF, 2 quoted field spanning lines 2-4 (LF, CRLF), 5 blank, 6 lone-CR
  // record, 7 last record without a terminator.
  const std::string input =
      "h1,h2\r\n"          // 0..7
      "\"a\nb\r\nc\",d\n"  // 7..18
      "\n"                 // 18..19
      "e\r"                // 19..21
      "f";                 // 21..22
  const auto records = read_all_sizes(input);
  ASSERT_EQ(records.size(), 5u);
  const std::vector<std::uint64_t> lines{1, 2, 5, 6, 7};
  const std::vector<std::uint64_t> starts{0, 7, 18, 19, 21};
  const std::vector<std::uint64_t> ends{7, 18, 19, 21, 22};
  for (std::size_t i = 0; i < records.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(records[i].line, lines[i]);
    EXPECT_EQ(records[i].byte_offset, starts[i]);
    EXPECT_EQ(records[i].end_offset, ends[i]);
  }
  EXPECT_EQ(records[1].fields, (std::vector<std::string>{"a\nb\r\nc", "d"}));
}

TEST(CsvReaderTest, OffsetsCountTheBom) {
  const auto records = read_all_sizes(
      "\xEF\xBB\xBF"
      "a\nb\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].byte_offset, 3u);
  EXPECT_EQ(records[0].end_offset, 5u);
  EXPECT_EQ(records[0].line, 1u);
  EXPECT_EQ(records[1].byte_offset, 5u);
  EXPECT_EQ(records[1].line, 2u);
}

TEST(CsvReaderTest, BytesConsumedFollowsTheRecords) {
  CsvReader reader(make_memory_source("ab,c\r\nd\n"));
  EXPECT_EQ(reader.bytes_consumed(), 0u);
  Record record;
  ASSERT_TRUE(reader.next(record).value());
  EXPECT_EQ(reader.bytes_consumed(), 6u);
  ASSERT_TRUE(reader.next(record).value());
  EXPECT_EQ(reader.bytes_consumed(), 8u);
  EXPECT_FALSE(reader.next(record).value());
  EXPECT_FALSE(reader.next(record).value());  // end of input stays the end
}

TEST(CsvReaderTest, FieldsStayValidUntilNextCall) {
  // Records straddle refills of a tiny buffer; each record's views must still hold its text.
  ReaderOptions options;
  options.buffer_size = 3;
  CsvReader reader(make_memory_source("\"x\"\"y\",abcdef\nghi,\"j\nk\"\n", "<memory>", 2), options);
  Record record;
  ASSERT_TRUE(reader.next(record).value());
  EXPECT_EQ(record.fields, (std::vector<std::string_view>{"x\"y", "abcdef"}));
  ASSERT_TRUE(reader.next(record).value());
  EXPECT_EQ(record.fields, (std::vector<std::string_view>{"ghi", "j\nk"}));
}

}  // namespace
}  // namespace csv2ddb::csv
