// Logs as JSON lines (one object per line, which CloudWatch Logs Insights parses) and metrics in
// CloudWatch Embedded Metric Format: a log line that CloudWatch turns into metrics, with no
// PutMetricData call and no extra permission.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "ingest/counts.hpp"

namespace csv2ddb::lambda {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

using LogField = std::pair<std::string_view, std::string_view>;

// The request id added to every line until it is cleared ("" clears it).
void set_log_request_id(std::string request_id);

// {"timestamp":"2026-01-02T03:04:05.678Z","level":"INFO","requestId":"...","message":"...",
//  ...fields}: errors and warnings on stderr, the rest on stdout.
// `json_members`: more members, already written as JSON (`"rows_read":12,...`), after the
// fields: for numbers.
std::string format_log_line(LogLevel level, std::string_view message,
                            std::initializer_list<LogField> fields,
                            std::string_view json_members = {});
void log_line(LogLevel level, std::string_view message, std::initializer_list<LogField> fields = {},
              std::string_view json_members = {});

inline constexpr std::string_view kMetricsNamespace = "csv2ddb";

// One EMF document: namespace csv2ddb, dimension FunctionName, and the metrics of one
// invocation's counts: RowsWritten, RowsRejected, RowsUnprocessed, BytesRead, DurationMs (of its
// seconds) and Retries.
std::string format_metrics_line(const ingest::Counts& counts, std::string_view function_name,
                                std::int64_t timestamp_ms);
void emit_metrics(const ingest::Counts& counts, std::string_view function_name);

}  // namespace csv2ddb::lambda
