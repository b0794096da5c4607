// Opens one input of `csv2ddb ingest` for reading: its bytes (from a file, standard input or
// S3), decompressed, with its format told from its name and first bytes (or forced), and its
// identity for checkpoints. An export's data file is first read once whole to check it against
// its manifest's MD5: its rows count as read only once its bytes are known to be the export's.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "aws/s3_client.hpp"
#include "cli/input_expansion.hpp"
#include "common/result.hpp"
#include "csv/byte_source.hpp"
#include "ingest/input_format.hpp"

namespace csv2ddb::cli {

struct OpenedInput {
  std::unique_ptr<csv::ByteSource> bytes;  // decompressed; the peeked bytes included
  ingest::InputFormat format = ingest::InputFormat::kCsv;
  std::string identity;            // "size=.. mtime_ns=.." or "etag=..."; empty for standard input
  std::uint64_t stored_bytes = 0;  // the size as stored (0 when unknown)
  bool compressed = false;
};

// Errors name the input: it cannot be opened or read, it is not what its manifest says
// ("ChecksumMismatch"), a forced format does not fit it (an item array given --format).
Result<OpenedInput> open_input(const InputFile& file, const std::shared_ptr<aws::S3Client>& s3,
                               std::optional<ingest::InputFormat> forced);

}  // namespace csv2ddb::cli
