#include "ingest/output_keys.hpp"

#include <array>

#include "ingest/input_format.hpp"

namespace csv2ddb::ingest {
OutputKeys output_keys_for(std::string_view input_key) {
  const std::string key(input_key);
  OutputKeys keys;
  keys.json_copy =
      std::string(kJsonCopyPrefix) + std::string(strip_input_suffix(input_key)) + ".json";
  keys.unprocessed = std::string(kUnprocessedPrefix) + key + ".unprocessed.json";
  keys.rejected = std::string(kRejectedPrefix) + key + ".rejected.jsonl";
  keys.conflicts = std::string(kConflictsPrefix) + key + ".conflicts.jsonl";
  keys.unprocessed_deletes = std::string(kUnprocessedPrefix) + key + ".unprocessed-deletes.json";
  keys.report = std::string(kReportsPrefix) + key + ".report.json";
  return keys;
}

bool is_output_key(std::string_view key) {
  for (std::string_view prefix :
       {kJsonCopyPrefix, kUnprocessedPrefix, kRejectedPrefix, kConflictsPrefix, kReportsPrefix}) {
    if (key.substr(0, prefix.size()) == prefix) return true;
  }
  return false;
}

}  // namespace csv2ddb::ingest
