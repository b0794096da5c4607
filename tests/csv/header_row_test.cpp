// read_header_row: the one header reader of convert, ingest and the Lambda import.
#include "csv/header_row.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "csv_test_support.hpp"

namespace csv2ddb::csv {
namespace {

using testing::hostile_sizes;
using testing::kDefaultSize;

// The header (or its error) and the first data record after it, at one buffer/chunk size.
struct HeaderAndNext {
  std::string header;  // names joined by '|', "<none>", or "error: ..."
  std::vector<std::string> next_fields;
  std::uint64_t next_line = 0;
};

HeaderAndNext read(const std::string& bytes, std::size_t size) {
  ReaderOptions options;
  if (size != kDefaultSize) options.buffer_size = size;
  CsvReader reader(make_memory_source(bytes, "<memory>", size), options);
  HeaderAndNext out;
  auto header = read_header_row(reader);
  if (!header) {
    out.header = "error: " + header.error().to_string();
    return out;
  }
  if (!header->has_value()) {
    out.header = "<none>";
  } else {
    for (std::size_t i = 0; i < (*header)->size(); ++i) {
      out.header += (i > 0 ? "|" : "") + (**header)[i];
    }
  }
  Record record;
  if (auto more = reader.next(record); more.ok() && *more) {
    out.next_fields.assign(record.fields.begin(), record.fields.end());
    out.next_line = record.line;
  }
  return out;
}

TEST(HeaderRow, BlankLinesBeforeTheHeaderAreSkippedAtEveryBufferSize) {
  for (std::size_t size : hostile_sizes()) {
    const HeaderAndNext got = read("\n\r\n\r\naccount,offer_id\r\n1,2\n", size);
    EXPECT_EQ(got.header, "account|offer_id") << size;
    EXPECT_EQ(got.next_fields, (std::vector<std::string>{"1", "2"})) << size;
    EXPECT_EQ(got.next_line, 5u) << size;
  }
}

TEST(HeaderRow, AHeaderOfOneEmptyNameIsNotBlank) {
  // `""` is a record with one (empty) field, not a blank line: the mapper rejects the name.
  EXPECT_EQ(read("\"\"\na\n", kDefaultSize).header, "");
  EXPECT_EQ(read(",\na\n", kDefaultSize).header, "|");
}

TEST(HeaderRow, NoRecordAtAllIsNone) {
  for (std::size_t size : hostile_sizes()) {
    EXPECT_EQ(read("", size).header, "<none>") << size;
    EXPECT_EQ(read("\n\r\n\r", size).header, "<none>") << size;
    EXPECT_EQ(read("\xEF\xBB\xBF", size).header, "<none>") << size;
  }
}

TEST(HeaderRow, ADamagedHeaderNamesItsLine) {
  for (std::size_t size : hostile_sizes()) {
    EXPECT_EQ(read("\n\na,\"b\n", size).header,
              "error: InvalidHeader: the header (line 3) cannot be read: unterminated quote: the "
              "quoted field opened on line 3 is not closed before the end of input")
        << size;
  }
}

}  // namespace
}  // namespace csv2ddb::csv
