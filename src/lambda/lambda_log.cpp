#include "lambda/lambda_log.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <mutex>

#include "model/json.hpp"

namespace csv2ddb::lambda {
namespace {

std::mutex& log_mutex() {
  static std::mutex mutex;
  return mutex;
}

std::string& current_request_id() {
  static std::string id;
  return id;
}

std::string_view level_name(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "DEBUG";
    case LogLevel::kInfo:
      return "INFO";
    case LogLevel::kWarn:
      return "WARN";
    case LogLevel::kError:
      return "ERROR";
  }
  return "INFO";
}

std::string iso8601_now() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(ms.count()));
  return text;
}

}  // namespace

void set_log_request_id(std::string request_id) {
  std::lock_guard lock(log_mutex());
  current_request_id() = std::move(request_id);
}

std::string format_log_line(LogLevel level, std::string_view message,
                            std::initializer_list<LogField> fields, std::string_view json_members) {
  std::string out = "{\"timestamp\":\"" + iso8601_now() + "\",\"level\":\"";
  out += level_name(level);
  out += '"';
  {
    std::lock_guard lock(log_mutex());
    if (!current_request_id().empty()) {
      out += ",\"requestId\":";
      model::append_json_string(out, current_request_id());
    }
  }
  out += ",\"message\":";
  model::append_json_string(out, message);
  for (const auto& [name, value] : fields) {
    out += ',';
    model::append_json_string(out, name);
    out += ':';
    model::append_json_string(out, value);
  }
  if (!json_members.empty()) {
    out += ',';
    out += json_members;
  }
  out += '}';
  return out;
}

void log_line(LogLevel level, std::string_view message, std::initializer_list<LogField> fields,
              std::string_view json_members) {
  const std::string line = format_log_line(level, message, fields, json_members) + "\n";
  std::ostream& stream = level >= LogLevel::kWarn ? std::cerr : std::cout;
  std::lock_guard lock(log_mutex());
  stream << line << std::flush;
}

std::string format_metrics_line(const ingest::Counts& counts, std::string_view function_name,
                                std::int64_t timestamp_ms) {
  const auto duration_ms = static_cast<std::uint64_t>(std::max(0.0, counts.seconds) * 1000);
  struct Metric {
    const char* name;
    const char* unit;
    std::uint64_t value;
  };
  const Metric all[] = {{"RowsWritten", "Count", counts.rows_written},
                        {"RowsRejected", "Count", counts.rows_rejected},
                        {"RowsUnprocessed", "Count", counts.rows_unprocessed},
                        {"BytesRead", "Bytes", counts.bytes_read},
                        {"DurationMs", "Milliseconds", duration_ms},
                        {"Retries", "Count", counts.retries}};
  std::string out = "{\"_aws\":{\"Timestamp\":" + std::to_string(timestamp_ms) +
                    ",\"CloudWatchMetrics\":[{\"Namespace\":\"" + std::string(kMetricsNamespace) +
                    "\",\"Dimensions\":[[\"FunctionName\"]],\"Metrics\":[";
  bool first = true;
  for (const Metric& metric : all) {
    if (!first) out += ',';
    first = false;
    out += "{\"Name\":\"" + std::string(metric.name) + "\",\"Unit\":\"" + metric.unit + "\"}";
  }
  out += "]}]},\"FunctionName\":";
  model::append_json_string(out, function_name);
  for (const Metric& metric : all) {
    out += ",\"" + std::string(metric.name) + "\":" + std::to_string(metric.value);
  }
  out += '}';
  return out;
}

void emit_metrics(const ingest::Counts& counts, std::string_view function_name) {
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  const std::string line = format_metrics_line(counts, function_name, now.count()) + "\n";
  std::lock_guard lock(log_mutex());
  std::cout << line << std::flush;
}

}  // namespace csv2ddb::lambda
