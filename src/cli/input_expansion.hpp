// What `csv2ddb ingest INPUT...` reads, file by file (ARCHITECTURE.md "Inputs"): paths, "-",
// s3://bucket/key, and folders and s3:// prefixes expanded to their files in byte order of
// their paths or keys. A DynamoDB export found in a folder or prefix (or named by its
// manifest-summary.json) stands for its data files, in its manifest's order, each with the MD5
// to check before it is read; its other files are the export's bookkeeping and are not read.
// Inputs keep the order they were given in.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "aws/s3_client.hpp"
#include "common/result.hpp"
#include "ingest/input_format.hpp"

namespace csv2ddb::cli {

struct InputFile {
  std::string location;  // a path, "-", or s3://bucket/key
  // What its outputs are named after: the path, or the key, with its folders ("stdin" for -).
  std::string name;
  std::optional<std::uint64_t> size;          // of the bytes as stored, when known
  std::optional<ingest::InputFormat> format;  // known before reading: an export's data file
  std::string md5_base64;                     // an export's data file: checked before reading
  std::optional<std::uint64_t> item_count;    // an export's data file, from its manifest
  std::string export_folder;                  // the export it is a data file of
  bool incremental = false;                   // ... an incremental export
  std::string missing;  // why it cannot be read, found while expanding ("" when it can)
};

// A file a folder or prefix holds that is not read, and why.
struct IgnoredFile {
  std::string location;
  std::string reason;
};

struct Expansion {
  std::vector<InputFile> files;
  std::vector<IgnoredFile> ignored;
  // More than one file could come of the inputs (several, or a folder or prefix): each file
  // then has its outputs and report line.
  bool several = false;
};

// `s3` may be null when no input is an s3:// URL. Errors (for the whole command line): an input
// that does not exist, a folder or prefix with no file to read, a manifest that cannot be read
// or used (ingest::parse_export_manifests). A data file an export's manifest names but that is
// not there is not an error here: its InputFile says so in `missing`, and fails when its turn
// comes (or before anything is written, without --keep-going).
Result<Expansion> expand_inputs(const std::vector<std::string>& inputs,
                                const std::shared_ptr<aws::S3Client>& s3);

}  // namespace csv2ddb::cli
