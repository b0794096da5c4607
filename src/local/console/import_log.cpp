#include "local/console/import_log.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "aws/http_date.hpp"

namespace csv2ddb::local::console {
namespace {

using model::JsonValue;

constexpr std::size_t kMaxImports = 1000;
constexpr std::size_t kMaxSeries = 600;  // halved when full: a long import keeps its shape
constexpr std::size_t kMaxImportLog = 200;
constexpr std::size_t kMaxInvocations = 100;
constexpr std::size_t kMaxTail = 200;
constexpr std::uint64_t kReadPerLook = 8 * 1024 * 1024;
// The counts a progress line or a report carries, as the import function names them.
constexpr const char* kCountNames[] = {
    "rows_read",      "rows_written", "rows_rejected", "rows_unprocessed", "rows_skipped",
    "rows_conflicts", "bytes_read",   "seconds",       "requests",         "retries",
    "throttles",      "consumed_wcu", "units_written", "workers",          "shares"};
// The lines that say where an import is; the function's other lines join the import of their
// request id.
constexpr std::string_view kImportMessages[] = {
    "progress",     "imported", "share imported", "fanned out", "handed over to a new invocation",
    "import failed"};

std::string text_of(const JsonValue& object, std::string_view name) {
  const JsonValue* value = object.find(name);
  return value && (value->is_string() || value->is_number()) ? value->as_string() : "";
}

double number_of(const JsonValue& object, std::string_view name) {
  const JsonValue* value = object.find(name);
  if (value == nullptr || !value->is_number()) return 0;
  try {
    return std::stod(value->as_string());
  } catch (const std::exception&) {
    return 0;
  }
}

double epoch_of(const std::string& timestamp) {
  auto parsed = aws::parse_iso8601(timestamp);
  if (!parsed) return 0;
  return std::chrono::duration<double>(parsed->time_since_epoch()).count();
}

// "s3://bucket/key" -> bucket, key.
std::pair<std::string, std::string> split_source(const std::string& source) {
  if (!source.starts_with("s3://")) return {};
  const auto slash = source.find('/', 5);
  if (slash == std::string::npos) return {};
  return {source.substr(5, slash - 5), source.substr(slash + 1)};
}

void push_capped(std::deque<std::string>& lines, std::string line, std::size_t cap) {
  lines.push_back(std::move(line));
  while (lines.size() > cap) lines.pop_front();
}

// Keeps the series' shape in bounded memory: every other point goes when it is full.
void add_point(std::deque<ProgressPoint>& series, ProgressPoint point) {
  series.push_back(point);
  if (series.size() < kMaxSeries) return;
  std::deque<ProgressPoint> halved;
  for (std::size_t i = 0; i < series.size(); i += 2) halved.push_back(series[i]);
  halved.push_back(series.back());
  series = std::move(halved);
}

JsonValue counts_from(const JsonValue& source) {
  JsonValue out = JsonValue::object();
  for (const char* name : kCountNames) {
    if (const JsonValue* value = source.find(name); value && value->is_number()) {
      out.set(name, *value);
    }
  }
  return out;
}

// The shares' counts added up, member by member.
JsonValue summed(const std::map<std::string, JsonValue>& shares) {
  JsonValue out = JsonValue::object();
  for (const char* name : kCountNames) {
    double total = 0;
    bool any = false;
    for (const auto& [share, counts] : shares) {
      if (counts.find(name) == nullptr) continue;
      total += number_of(counts, name);
      any = true;
    }
    if (!any) continue;
    char text[64];
    std::snprintf(text, sizeof text, "%.15g", total);
    out.set(name, JsonValue::number_text(text));
  }
  return out;
}

}  // namespace

std::vector<ImportRecord> ImportLog::imports(std::size_t limit) {
  std::lock_guard lock(mutex_);
  read_new_lines();
  std::vector<ImportRecord> out;
  for (auto it = imports_.rbegin(); it != imports_.rend() && out.size() < limit; ++it) {
    out.push_back(it->second);
  }
  return out;
}

ImportRecord ImportLog::find(const std::string& bucket, const std::string& key) {
  std::lock_guard lock(mutex_);
  read_new_lines();
  const auto found = import_by_key_.find(bucket + "/" + key);
  if (found == import_by_key_.end()) return {};
  return imports_.at(found->second);
}

std::vector<InvocationRecord> ImportLog::invocations(const std::string& function,
                                                     std::size_t limit) {
  std::lock_guard lock(mutex_);
  read_new_lines();
  std::vector<InvocationRecord> out;
  const auto found = invocations_.find(function);
  if (found == invocations_.end()) return out;
  for (auto it = found->second.rbegin(); it != found->second.rend() && out.size() < limit; ++it) {
    out.push_back(*it);
  }
  return out;
}

std::vector<std::string> ImportLog::log_tail(const std::string& function, std::size_t lines) {
  std::lock_guard lock(mutex_);
  read_new_lines();
  const auto found = tails_.find(function);
  if (found == tails_.end()) return {};
  const auto& tail = found->second;
  const std::size_t from = tail.size() > lines ? tail.size() - lines : 0;
  return std::vector<std::string>(tail.begin() + static_cast<std::ptrdiff_t>(from), tail.end());
}

void ImportLog::note_upload(const std::string& bucket, const std::string& key) {
  std::lock_guard lock(mutex_);
  const std::string now = aws::format_iso8601(std::chrono::system_clock::now());
  ImportRecord& record = record_for("", bucket, key, now);
  record.status = "queued";
}

void ImportLog::read_new_lines() {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(logs_dir_, ec)) {
    if (entry.path().extension() != ".log") continue;
    read_file(entry.path().stem().string(), entry.path().string());
  }
}

void ImportLog::read_file(const std::string& function, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return;
  std::uint64_t& offset = offsets_[path];
  in.seekg(static_cast<std::streamoff>(offset));
  std::string chunk(kReadPerLook, '\0');
  in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
  chunk.resize(static_cast<std::size_t>(in.gcount()));
  offset += chunk.size();
  std::string text = std::move(partial_[path]) + chunk;
  std::size_t start = 0;
  for (std::size_t end = text.find('\n'); end != std::string::npos;
       start = end + 1, end = text.find('\n', start)) {
    if (end > start) take_line(function, text.substr(start, end - start));
  }
  partial_[path] = text.substr(start);
}

void ImportLog::take_line(const std::string& function, const std::string& line) {
  push_capped(tails_[function], line, kMaxTail);
  if (line.starts_with("{")) {
    if (auto parsed = model::parse_json(line); parsed && parsed->is_object()) {
      take_json_line(function, *parsed, line);
    }
    return;
  }
  if (line.starts_with("REPORT RequestId: ")) {
    take_report_line(function, line);
    return;
  }
  // "csv2ddb local: RequestId ID failed: ..." (before its REPORT line)
  constexpr std::string_view kFailed = "csv2ddb local: RequestId ";
  if (line.starts_with(kFailed)) {
    const std::string id =
        line.substr(kFailed.size(), line.find(' ', kFailed.size()) - kFailed.size());
    InvocationRecord record{function, id, "", 0, 0, line};
    auto& list = invocations_[function];
    list.push_back(std::move(record));
    while (list.size() > kMaxInvocations) list.pop_front();
  }
}

void ImportLog::take_json_line(const std::string& function, const JsonValue& line,
                               const std::string& text) {
  const std::string message = text_of(line, "message");
  const std::string timestamp = text_of(line, "timestamp");
  const std::string request_id = text_of(line, "requestId");
  std::string bucket = text_of(line, "bucket");
  std::string key = text_of(line, "key");
  if (bucket.empty()) std::tie(bucket, key) = split_source(text_of(line, "source"));
  if (bucket.empty() && !request_id.empty()) {
    // Another line of an invocation that imports something: kept with that import.
    if (auto found = import_by_request_.find(request_id); found != import_by_request_.end()) {
      if (auto seq = import_by_key_.find(found->second); seq != import_by_key_.end()) {
        push_capped(imports_.at(seq->second).log, text, kMaxImportLog);
      }
    }
    return;
  }
  const bool about_an_import = std::find(std::begin(kImportMessages), std::end(kImportMessages),
                                         message) != std::end(kImportMessages);
  if (bucket.empty() || !about_an_import) return;
  ImportRecord& record = record_for(function, bucket, key, timestamp);
  record.function = function;
  record.last_seen = timestamp;
  push_capped(record.log, text, kMaxImportLog);
  if (!request_id.empty() && std::find(record.request_ids.begin(), record.request_ids.end(),
                                       request_id) == record.request_ids.end()) {
    record.request_ids.push_back(request_id);
    import_by_request_[request_id] = bucket + "/" + key;
  }
  if (message == "progress") {
    if (record.status != "fanned out") record.status = "running";
    record.shares[text_of(line, "share")] = counts_from(line);
    record.counts = summed(record.shares);
    add_point(record.series, {epoch_of(timestamp) - record.first_seen_epoch,
                              static_cast<std::int64_t>(number_of(record.counts, "rows_read")),
                              static_cast<std::int64_t>(number_of(record.counts, "rows_written")),
                              number_of(record.counts, "units_written")});
  } else if (message == "fanned out") {
    record.status = "fanned out";
  } else if (message == "handed over to a new invocation") {
    record.status = "continued";
  } else if (message == "imported" || message == "import failed") {
    record.status = message == "imported" ? "done" : "failed";
    if (auto report = model::parse_json(text_of(line, "report")); report && report->is_object()) {
      record.counts = counts_from(*report);
    }
  }
}

void ImportLog::take_report_line(const std::string& function, const std::string& line) {
  // REPORT RequestId: ID\tDuration: 12.34 ms\tBilled Duration: ...\tMax Memory Used: 42 MB
  constexpr std::string_view kPrefix = "REPORT RequestId: ";
  InvocationRecord record;
  record.function = function;
  record.request_id = line.substr(kPrefix.size(), line.find('\t') - kPrefix.size());
  if (const auto at = line.find("Duration: "); at != std::string::npos) {
    record.duration_ms = std::atof(line.c_str() + at + 10);
  }
  if (const auto at = line.find("Max Memory Used: "); at != std::string::npos) {
    record.max_memory_mb = std::atoi(line.c_str() + at + 17);
  }
  auto& list = invocations_[function];
  record.result = "ok";
  for (auto it = list.rbegin(); it != list.rend(); ++it) {
    if (it->request_id == record.request_id && it->duration_ms == 0) {
      record.result = it->result;  // the failure line came first
      list.erase(std::next(it).base());
      break;
    }
  }
  record.timestamp = aws::format_iso8601(std::chrono::system_clock::now());
  list.push_back(record);
  while (list.size() > kMaxInvocations) list.pop_front();
  if (auto found = import_by_request_.find(record.request_id); found != import_by_request_.end()) {
    if (auto seq = import_by_key_.find(found->second); seq != import_by_key_.end()) {
      push_capped(imports_.at(seq->second).log, line, kMaxImportLog);
    }
  }
}

ImportRecord& ImportLog::record_for(const std::string& function, const std::string& bucket,
                                    const std::string& key, const std::string& timestamp) {
  const std::string id = bucket + "/" + key;
  if (auto found = import_by_key_.find(id); found != import_by_key_.end()) {
    ImportRecord& record = imports_.at(found->second);
    // A finished import of the same key seen again is a new import (the object was replaced).
    const bool finished = record.status == "done" || record.status == "failed";
    if (!finished || record.function.empty()) return record;
    imports_.erase(found->second);
  }
  ImportRecord record;
  record.function = function;
  record.bucket = bucket;
  record.key = key;
  record.status = "running";
  record.first_seen = timestamp;
  record.last_seen = timestamp;
  record.first_seen_epoch = epoch_of(timestamp);
  const std::uint64_t sequence = ++sequence_;
  import_by_key_[id] = sequence;
  forget_oldest();
  return imports_.emplace(sequence, std::move(record)).first->second;
}

void ImportLog::forget_oldest() {
  while (imports_.size() >= kMaxImports) {
    const ImportRecord& oldest = imports_.begin()->second;
    import_by_key_.erase(oldest.bucket + "/" + oldest.key);
    for (const std::string& id : oldest.request_ids) import_by_request_.erase(id);
    imports_.erase(imports_.begin());
  }
}

}  // namespace csv2ddb::local::console
