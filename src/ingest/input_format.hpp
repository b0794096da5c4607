// What an input holds, told from its name and its first bytes (ARCHITECTURE.md "Inputs"), and
// the key suffixes the Lambda function imports.
//
//   csv       CSV with a header row (the default)
//   ddb-json  DynamoDB JSON Lines: {"Item":{...}} per line (convert's output, DynamoDB's import
//             format, a full export's data files), or an incremental export's change records
//             {"Metadata":...,"Keys":{...},"NewImage":{...},"OldImage":{...}}
//   json      JSON Lines of plain objects ({"account":"a1","price":12.5,...})
//   items     a JSON array of plain items: an unprocessed/ file of an earlier run (re-drive)
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace csv2ddb::ingest {

enum class InputFormat : std::uint8_t { kCsv, kDynamoDbJson, kJsonLines, kItemArray };

// "csv", "ddb-json", "json", "items".
std::string_view input_format_name(InputFormat format);
// What --format takes: csv, ddb-json or json (an item array is always told by its bytes).
std::optional<InputFormat> parse_input_format(std::string_view name);

// The format of an input called `name` (a path or key, compression suffix included) whose
// decompressed bytes start with `first_bytes`:
//  - a name ending .unprocessed.json, or bytes starting with '[': items;
//  - bytes starting with '{': ddb-json when the first member is "Item", "Keys", "NewImage"
//    or "Metadata", json otherwise (a plain object whose first attribute is called Item is the
//    one case to force with --format json);
//  - anything else: csv.
InputFormat detect_input_format(std::string_view name, std::string_view first_bytes);

// The key without the input suffix the Lambda function imports (any letter case): .csv,
// .csv.gz, .csv.zst, .json.gz, .jsonl.gz, .json.zst, .jsonl.zst, .ndjson, .ndjson.gz,
// .ndjson.zst. The key itself when it has none of them. Plain .json and .jsonl are not input
// suffixes: the function's own outputs end that way, and S3's filters cannot exclude a prefix.
std::string_view strip_input_suffix(std::string_view key);
bool has_input_suffix(std::string_view key);

// Why the function never imports `key` even though it has an input suffix: the files a
// DynamoDB export writes beside its data (manifest-summary.json, manifest-files.json, their
// .checksum and .md5 files, _started). Empty when it is not one of them.
std::string_view export_bookkeeping_reason(std::string_view key);

}  // namespace csv2ddb::ingest
