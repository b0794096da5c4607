// Where a run's outcome objects go, from the input's object key (ARCHITECTURE.md "Formats").
// The key's folders are kept, so "data/offers.csv" gives "json-copy/data/offers.json".
#pragma once

#include <string>
#include <string_view>

namespace csv2ddb::ingest {

inline constexpr std::string_view kJsonCopyPrefix = "json-copy/";
inline constexpr std::string_view kUnprocessedPrefix = "unprocessed/";
inline constexpr std::string_view kRejectedPrefix = "rejected/";
inline constexpr std::string_view kConflictsPrefix = "conflicts/";
inline constexpr std::string_view kReportsPrefix = "reports/";

struct OutputKeys {
  std::string json_copy;            // json-copy/<key without its input suffix>.json
  std::string unprocessed;          // unprocessed/<key>.unprocessed.json
  std::string rejected;             // rejected/<key>.rejected.jsonl
  std::string conflicts;            // conflicts/<key>.conflicts.jsonl
  std::string unprocessed_deletes;  // unprocessed/<key>.unprocessed-deletes.json
  std::string report;               // reports/<key>.report.json
};

OutputKeys output_keys_for(std::string_view input_key);

// True for keys under one of the output prefixes: never ingested, so outputs cannot trigger runs.
bool is_output_key(std::string_view key);

}  // namespace csv2ddb::ingest
