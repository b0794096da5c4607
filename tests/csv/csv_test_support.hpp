// Helpers shared by the csv layer's tests: read a whole input into plain values, and do it at
// the hostile buffer sizes that force records across refills at every byte position.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "csv/reader.hpp"

namespace csv2ddb::csv::testing {

// A record copied out of the reader, so it outlives the reader's buffer.
struct ParsedRecord {
  std::vector<std::string> fields;
  std::uint64_t line = 0;
  std::uint64_t byte_offset = 0;
  std::uint64_t end_offset = 0;
  RecordErrorKind error = RecordErrorKind::kNone;
  std::string error_message;

  bool operator==(const ParsedRecord&) const = default;
};

inline void PrintTo(const ParsedRecord& record, std::ostream* out) {
  *out << "{line " << record.line << ", bytes " << record.byte_offset << ".." << record.end_offset
       << ", fields [";
  for (std::size_t i = 0; i < record.fields.size(); ++i) {
    *out << (i > 0 ? ", " : "") << ::testing::PrintToString(record.fields[i]);
  }
  *out << "]";
  if (record.error != RecordErrorKind::kNone) *out << ", error \"" << record.error_message << "\"";
  *out << "}";
}

using Fields = std::vector<std::vector<std::string>>;

inline constexpr std::size_t kDefaultSize = SIZE_MAX;  // marks "leave the default" below

// Buffer and chunk sizes every fixture is read at; kDefaultSize means the reader's default
// buffer and an unlimited memory chunk.
inline const std::vector<std::size_t>& hostile_sizes() {
  static const std::vector<std::size_t> sizes{1, 2, 3, 7, 16, kDefaultSize};
  return sizes;
}

// Reads every record of `bytes`; a source error fails the test and ends the list.
inline std::vector<ParsedRecord> read_records(CsvReader& reader) {
  std::vector<ParsedRecord> records;
  Record record;
  for (;;) {
    auto more = reader.next(record);
    if (!more) {
      ADD_FAILURE() << "reader failed: " << more.error().to_string();
      break;
    }
    if (!*more) break;
    ParsedRecord copy;
    copy.fields.assign(record.fields.begin(), record.fields.end());
    copy.line = record.line;
    copy.byte_offset = record.byte_offset;
    copy.end_offset = record.end_offset;
    copy.error = record.error;
    copy.error_message = record.error_message;
    records.push_back(std::move(copy));
  }
  return records;
}

inline std::vector<ParsedRecord> read_all(const std::string& bytes, ReaderOptions options = {},
                                          std::size_t chunk = kDefaultSize) {
  CsvReader reader(make_memory_source(bytes, "<memory>", chunk), options);
  return read_records(reader);
}

// Reads `bytes` at every combination of hostile buffer and chunk sizes, checks that all give
// the same records as the default sizes, and returns those records.
inline std::vector<ParsedRecord> read_all_sizes(
    const std::string& bytes, ReaderOptions options = {},
    const std::vector<std::size_t>& sizes = hostile_sizes()) {
  const std::vector<ParsedRecord> expected = read_all(bytes, options);
  for (std::size_t buffer_size : sizes) {
    for (std::size_t chunk : sizes) {
      ReaderOptions sized = options;
      if (buffer_size != kDefaultSize) sized.buffer_size = buffer_size;
      EXPECT_EQ(read_all(bytes, sized, chunk), expected)
          << "buffer_size " << buffer_size << ", chunk " << chunk;
    }
  }
  return expected;
}

inline Fields fields_of(const std::vector<ParsedRecord>& records) {
  Fields fields;
  for (const auto& record : records) fields.push_back(record.fields);
  return fields;
}

// The common case: the fields of every record, read at all hostile sizes.
inline Fields parse(const std::string& bytes, char delimiter = ',') {
  ReaderOptions options;
  options.dialect.delimiter = delimiter;
  return fields_of(read_all_sizes(bytes, options));
}

}  // namespace csv2ddb::csv::testing
