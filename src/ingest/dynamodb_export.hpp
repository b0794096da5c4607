// A DynamoDB table export, as DynamoDB's export to S3 writes it (DYNAMODB_JSON format):
//
//   <root>/AWSDynamoDB/<export id>/manifest-summary.json   the export: its type and format
//   <root>/AWSDynamoDB/<export id>/manifest-files.json     one line per data file: its key,
//                                                          item count and MD5 (base64)
//   <root>/AWSDynamoDB/<export id>/data/<name>.json.gz     the data: ddb-json lines
//
// A full export's lines are {"Item":{...}}; an incremental export's are change records
// ({"Keys":...,"NewImage":...}, json_line_items.hpp), so that putting each new image and
// deleting the keys of records without one, after the full export, reproduces the table.
//
// `dataFileS3Key` is resolved against the export's root (where AWSDynamoDB/ is), not the
// bucket the export was written to, so a copied export loads from wherever it was copied.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace csv2ddb::ingest {

inline constexpr std::string_view kExportSummaryName = "manifest-summary.json";
inline constexpr std::string_view kExportFilesName = "manifest-files.json";

struct ExportDataFile {
  std::string location;    // root + the key from AWSDynamoDB/ on
  std::string md5_base64;  // of the (compressed) data file's bytes
  std::uint64_t item_count = 0;
};

struct ExportManifest {
  std::string folder;  // where the manifests are (ends with '/', or is empty)
  bool incremental = false;
  std::string export_arn;
  std::vector<ExportDataFile> files;  // in the manifest's order
};

// The folder part of a manifest's location ("a/AWSDynamoDB/1-x/" for
// "a/AWSDynamoDB/1-x/manifest-summary.json"): locations are paths or S3 keys, '/'-separated.
std::string_view folder_of(std::string_view location);

// Reads the two manifests found in `folder`. Errors (code "InvalidExport") name the manifest and
// what is wrong: not JSON, an output format other than DYNAMODB_JSON (ION is named as not
// supported), an unknown export type, a data file line without its key or checksum.
Result<ExportManifest> parse_export_manifests(std::string_view folder, std::string_view summary,
                                              std::string_view files);

}  // namespace csv2ddb::ingest
