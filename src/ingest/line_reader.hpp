// The lines of a byte stream, as JSON Lines inputs need them: split on '\n' (a '\r' before it
// is dropped), each with its number (from 1) and the offset of its first byte, in bounded
// memory. A line longer than the limit is not held: it comes back marked `too_long` with its
// first bytes (for the rejection's message) and the reader skips to its end, so one huge line
// costs its row, never the file or the memory bound.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "csv/byte_source.hpp"

namespace csv2ddb::ingest {

// Past any DynamoDB JSON of an item within 400 KB (a map of many one-byte attributes is the
// most verbose case, about 7 bytes of JSON for each byte of item).
inline constexpr std::size_t kMaxJsonLineBytes = std::size_t{8} * 1024 * 1024;

struct Line {
  std::string_view text;  // without the '\n' (and a '\r' before it); valid until the next call
  std::uint64_t number = 0;
  std::uint64_t offset = 0;  // of its first byte in the stream
  bool too_long = false;     // `text` is then only its first bytes
};

class LineReader {
 public:
  explicit LineReader(std::unique_ptr<csv::ByteSource> source,
                      std::size_t max_line_bytes = kMaxJsonLineBytes);

  // The next line; false at the end of the stream (a last line without '\n' is still a line).
  Result<bool> next(Line& line);
  // Reads and discards up to `offset`, where line `line` starts (a resumed run). Error
  // "InvalidOffset" when the stream is shorter.
  Status skip_to(std::uint64_t offset, std::uint64_t line);
  // The source already starts at `offset` (a ranged read): numbering goes on from there.
  void continue_at(std::uint64_t offset, std::uint64_t line);

  std::uint64_t bytes_consumed() const { return consumed_; }
  std::string name() const { return source_->name(); }

 private:
  Result<bool> fill();  // false at the end of the stream
  Result<bool> skip_rest_of_line();

  std::unique_ptr<csv::ByteSource> source_;
  std::size_t max_line_bytes_;
  std::string buffer_;
  std::string too_long_prefix_;  // the first bytes of the last line that was too long
  std::size_t begin_ = 0;        // the unread bytes are buffer_[begin_, end_)
  std::size_t end_ = 0;
  std::uint64_t consumed_ = 0;  // stream offset of buffer_[begin_]
  std::uint64_t next_number_ = 1;
  bool at_end_ = false;
};

}  // namespace csv2ddb::ingest
