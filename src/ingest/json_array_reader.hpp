// Streams the elements of a top-level JSON array ("[ {...}, {...} ]") from a ByteSource, one
// element's text at a time, so that an unprocessed/ file of any size is re-driven in bounded
// memory. It only finds where each element ends (strings, escapes and nesting); the element
// itself is parsed by the caller with model::parse_json.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/result.hpp"
#include "csv/byte_source.hpp"

namespace csv2ddb::ingest {

class JsonArrayReader {
 public:
  explicit JsonArrayReader(std::unique_ptr<csv::ByteSource> source,
                           std::size_t max_element_bytes = std::size_t{4} * 1024 * 1024);

  // The next element's text into `element`; false after the closing ']'. Errors (code
  // "InvalidJson"): no '[' first, an element over the limit, input ending inside the array.
  Result<bool> next(std::string& element);
  std::uint64_t bytes_consumed() const { return consumed_; }
  std::uint64_t elements() const { return elements_; }

 private:
  Result<bool> finish();            // at the closing ']': only blanks may follow
  Result<bool> fill();              // false at end of input
  Result<char> peek_significant();  // skips whitespace; '\0' at end of input

  std::unique_ptr<csv::ByteSource> source_;
  std::size_t max_element_bytes_;
  std::string buffer_;
  std::size_t position_ = 0;
  std::size_t filled_ = 0;
  std::uint64_t consumed_ = 0;
  std::uint64_t elements_ = 0;
  bool started_ = false;
  bool done_ = false;
};

}  // namespace csv2ddb::ingest
