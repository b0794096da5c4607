// Byte streams that feed the CSV reader: files, standard input, memory, and the
// decompression stage that sits in front of any of them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace csv2ddb::csv {

// A pull-based stream of bytes. read() fills up to `capacity` bytes and returns how many it
// wrote; 0 means end of stream. Implementations never hold more than a bounded buffer.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual Result<std::size_t> read(char* buffer, std::size_t capacity) = 0;
  // Human-readable name for error messages ("data/offers.csv", "s3://bucket/key", "-").
  virtual std::string name() const = 0;
};

// Reads a file (or standard input when path is "-"). Errors name the path and errno text.
Result<std::unique_ptr<ByteSource>> open_file_source(const std::string& path);

// Serves bytes from a string it owns; `chunk` caps each read() so tests can force
// records across buffer boundaries.
std::unique_ptr<ByteSource> make_memory_source(std::string bytes, std::string name = "<memory>",
                                               std::size_t chunk = SIZE_MAX);

enum class Compression { kNone, kGzip, kZstd };

// Sniffs the first bytes of `inner` (gzip 1f 8b, zstd 28 b5 2f fd) and returns a source that
// yields the decompressed bytes, or `inner` itself (with the sniffed bytes replayed) when it
// is plain. Multi-member gzip and multi-frame zstd streams are read whole. Corrupt or
// truncated compressed data is an error naming the source. `found`, when given, is set to what
// was sniffed (a continuation needs to know whether it may seek in the object).
Result<std::unique_ptr<ByteSource>> open_decompressed(std::unique_ptr<ByteSource> inner,
                                                      Compression* found = nullptr);

// Convenience: open_file_source + open_decompressed.
Result<std::unique_ptr<ByteSource>> open_input(const std::string& path);

}  // namespace csv2ddb::csv
