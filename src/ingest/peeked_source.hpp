// A look at an input's first bytes before it is read for real: what tells its format
// (input_format.hpp), without a second open or a seek (standard input and decompressed streams
// cannot seek).
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "common/result.hpp"
#include "csv/byte_source.hpp"

namespace csv2ddb::ingest {

// Enough to see the first member of a JSON line, the '[' of an item array, or a CSV header.
inline constexpr std::size_t kPeekBytes = 4096;

// Reads up to `count` bytes of `source` into `first_bytes` (fewer at its end) and returns a
// source that yields them again, then the rest.
Result<std::unique_ptr<csv::ByteSource>> peek_bytes(std::unique_ptr<csv::ByteSource> source,
                                                    std::string& first_bytes,
                                                    std::size_t count = kPeekBytes);

// `rest` read after `prefix`.
std::unique_ptr<csv::ByteSource> prepend_bytes(std::string prefix,
                                               std::unique_ptr<csv::ByteSource> rest);

}  // namespace csv2ddb::ingest
