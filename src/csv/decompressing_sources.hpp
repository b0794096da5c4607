// Internal to the csv layer: the decompression stages behind open_decompressed().
#pragma once

#include <memory>

#include "csv/byte_source.hpp"

namespace csv2ddb::csv::detail {

// Compressed input is read from `inner` in chunks of this size; decompressed bytes go straight
// into the caller's buffer, so each stage holds one bounded input buffer plus the codec state.
inline constexpr std::size_t kCompressedChunkBytes = std::size_t{64} * 1024;

// Decompresses a gzip stream of one or more members (RFC 1952).
std::unique_ptr<ByteSource> make_gzip_source(std::unique_ptr<ByteSource> inner);

// Decompresses a zstd stream of one or more frames (skippable frames are skipped).
std::unique_ptr<ByteSource> make_zstd_source(std::unique_ptr<ByteSource> inner);

}  // namespace csv2ddb::csv::detail
