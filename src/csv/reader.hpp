// Streaming RFC 4180 reader: bytes in, records out, in bounded memory.
//
// Behaviour matches Python's csv module (the reference design's reader) so that the same file
// yields the same rows: quoted fields, "" for a quote, newlines inside quotes, LF/CRLF/CR
// record ends, a quote inside an unquoted field taken literally, text after a closing quote
// appended to the field. Where Python is silent about damage we are not: an unterminated quote
// at end of input and an over-long record are reported as errors on that record.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "csv/byte_source.hpp"

namespace csv2ddb::csv {

struct Dialect {
  // One of , ; : | \t and space: the delimiters DynamoDB's import from S3 accepts.
  char delimiter = ',';
  char quote = '"';
};

// Parses "," ";" ":" "|" "tab" "\t" "space" " " (what a user types for --delimiter).
Result<char> parse_delimiter(std::string_view text);

struct ReaderOptions {
  Dialect dialect;
  std::size_t buffer_size = std::size_t{256} * 1024;  // bytes read from the source at a time
  // A record's raw bytes (quotes included, terminator excluded) may not exceed this; a longer
  // one is returned as kRecordTooLarge and skipped without being held in memory.
  std::size_t max_record_bytes = std::size_t{4} * 1024 * 1024;
  bool strip_bom = true;  // drop a leading UTF-8 BOM (EF BB BF)
};

// What went wrong with one record; the reader goes on with the next one.
enum class RecordErrorKind {
  kNone,
  kUnterminatedQuote,  // input ended inside a quoted field
  kRecordTooLarge,     // record exceeded max_record_bytes; its fields are not returned
};

struct Record {
  // Field values with quoting removed. Valid until the next call to CsvReader::next().
  std::vector<std::string_view> fields;
  std::uint64_t line = 0;         // 1-based physical line where the record starts
  std::uint64_t byte_offset = 0;  // offset of the record's first byte in the (decompressed) input
  std::uint64_t end_offset = 0;   // offset just past the record's terminator
  RecordErrorKind error = RecordErrorKind::kNone;
  // Set when error != kNone, e.g. "record exceeds 4194304 bytes", which goes on to name the line
  // of a quoted field that runs past the limit, if one does (the trace of a stray quote).
  std::string error_message;

  // A blank line (no characters before the record end) yields a record with no fields.
  bool blank() const { return fields.empty() && error == RecordErrorKind::kNone; }
};

class CsvReader {
 public:
  CsvReader(std::unique_ptr<ByteSource> source, ReaderOptions options = {});
  ~CsvReader();
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // Reads the next record into `record`. Returns true when a record was read, false at end of
  // input, or an Error when the source itself fails (I/O, corrupt compression).
  Result<bool> next(Record& record);

  // Bytes consumed so far (of the decompressed input), for progress and checkpoints.
  std::uint64_t bytes_consumed() const;

  // Positions a fresh reader to resume at a record boundary seen earlier: the reader behaves as
  // if `byte_offset` bytes (of the decompressed stream) ending at line `line - 1` were already
  // consumed. The skipped bytes are read and discarded (decompression cannot seek).
  Status skip_to(std::uint64_t byte_offset, std::uint64_t line);

  // For a fresh reader whose source already starts at `byte_offset` of the stream (a ranged
  // read of a plain object): offsets and lines go on from there, nothing is read or skipped,
  // and no byte-order mark is looked for.
  void continue_at(std::uint64_t byte_offset, std::uint64_t line);

  // Size of the reader's buffer: at most max_record_bytes + buffer_size, whatever the input.
  // For tests and diagnostics.
  std::size_t buffer_capacity() const;
  // Capacity of the reader's table of field boundaries: it grows with the widest record and
  // shrinks back once records are narrow again. For tests and diagnostics.
  std::size_t field_capacity() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace csv2ddb::csv
