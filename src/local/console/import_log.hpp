// What the console knows of imports and invocations: read from the functions' own logs (the
// JSON lines the import function writes, one progress line a second while it imports, and the
// REPORT lines Lambda adds), as a person reads them in CloudWatch Logs. The files are read
// where the last look stopped, so a look costs what was logged since; everything kept is
// bounded (the newest imports and invocations, a capped series and log tail per import).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "model/json.hpp"

namespace csv2ddb::local::console {

struct ProgressPoint {
  double seconds = 0;  // since the import was first seen
  std::int64_t rows_read = 0;
  std::int64_t rows_written = 0;
  double write_units = 0;
};

struct ImportRecord {
  std::string function;
  std::string bucket;
  std::string key;
  // queued (uploaded by the console, nothing logged yet), running, continued, fanned out, done,
  // failed.
  std::string status;
  std::string first_seen;  // the first line's timestamp (ISO 8601)
  std::string last_seen;
  double first_seen_epoch = 0;
  // The counts: the last progress line's, then the report's (rows_*, bytes, seconds, requests,
  // retries, throttles, consumed_wcu, workers, shares).
  model::JsonValue counts = model::JsonValue::object();
  // A fanned-out import's progress, by share: the counts are their sum until the report.
  std::map<std::string, model::JsonValue> shares;
  std::deque<ProgressPoint> series;
  std::deque<std::string> log;  // this import's lines, its invocations' REPORT lines included
  std::vector<std::string> request_ids;
};

struct InvocationRecord {
  std::string function;
  std::string request_id;
  std::string timestamp;
  double duration_ms = 0;
  int max_memory_mb = 0;
  std::string result;  // ok or the failure line
};

class ImportLog {
 public:
  explicit ImportLog(std::string logs_dir) : logs_dir_(std::move(logs_dir)) {}

  // Reads what the logs gained since the last call, then the imports, newest first.
  std::vector<ImportRecord> imports(std::size_t limit);
  // One import, by bucket and key; an empty function name when it was never seen.
  ImportRecord find(const std::string& bucket, const std::string& key);
  // A function's recent invocations, newest first, and the tail of its log.
  std::vector<InvocationRecord> invocations(const std::string& function, std::size_t limit);
  std::vector<std::string> log_tail(const std::string& function, std::size_t lines);
  // An upload through the console: shown as queued until the function's first line.
  void note_upload(const std::string& bucket, const std::string& key);

 private:
  void read_new_lines();
  void read_file(const std::string& function, const std::string& path);
  void take_line(const std::string& function, const std::string& line);
  void take_json_line(const std::string& function, const model::JsonValue& line,
                      const std::string& text);
  void take_report_line(const std::string& function, const std::string& line);
  ImportRecord& record_for(const std::string& function, const std::string& bucket,
                           const std::string& key, const std::string& timestamp);
  void forget_oldest();

  std::string logs_dir_;
  std::mutex mutex_;
  std::map<std::string, std::uint64_t> offsets_;  // by log file path
  std::map<std::string, std::string> partial_;    // a line cut at the end of a read
  std::uint64_t sequence_ = 0;
  std::map<std::uint64_t, ImportRecord> imports_;                    // by first appearance
  std::map<std::string, std::uint64_t> import_by_key_;               // "bucket/key" -> sequence
  std::map<std::string, std::string> import_by_request_;             // request id -> "bucket/key"
  std::map<std::string, std::deque<InvocationRecord>> invocations_;  // by function
  std::map<std::string, std::deque<std::string>> tails_;             // by function
};

}  // namespace csv2ddb::local::console
