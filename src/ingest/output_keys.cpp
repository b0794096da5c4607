#include "ingest/output_keys.hpp"

#include <array>

namespace csv2ddb::ingest {
namespace {

bool ends_with_ignoring_case(std::string_view text, std::string_view lower_suffix) {
  if (text.size() < lower_suffix.size()) return false;
  const std::string_view tail = text.substr(text.size() - lower_suffix.size());
  for (std::size_t i = 0; i < tail.size(); ++i) {
    const char c = tail[i] >= 'A' && tail[i] <= 'Z' ? static_cast<char>(tail[i] + 32) : tail[i];
    if (c != lower_suffix[i]) return false;
  }
  return true;
}

}  // namespace

std::string_view strip_csv_suffix(std::string_view key) {
  for (std::string_view suffix : {".csv", ".csv.gz", ".csv.zst"}) {
    if (ends_with_ignoring_case(key, suffix)) return key.substr(0, key.size() - suffix.size());
  }
  return key;
}

OutputKeys output_keys_for(std::string_view input_key) {
  const std::string key(input_key);
  OutputKeys keys;
  keys.json_copy =
      std::string(kJsonCopyPrefix) + std::string(strip_csv_suffix(input_key)) + ".json";
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
