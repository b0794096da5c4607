#include "lambda/import_handler.hpp"

#include <chrono>

#include "aws/dynamodb_table_writer.hpp"
#include "aws/s3_object_source.hpp"
#include "aws/s3_object_store.hpp"
#include "csv/byte_source.hpp"
#include "ingest/ingestor.hpp"
#include "ingest/output_keys.hpp"
#include "lambda/lambda_log.hpp"
#include "lambda/s3_event.hpp"
#include "model/json.hpp"

namespace csv2ddb::lambda {
namespace {

std::string_view unquoted(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    return etag.substr(1, etag.size() - 2);
  }
  return etag;
}

std::string s3_url(const std::string& bucket, const std::string& key) {
  return "s3://" + bucket + "/" + key;
}

struct FileOutcome {
  std::string bucket;
  std::string key;
  ingest::Report report;
  std::string json_copy;         // s3:// URL
  std::string unprocessed_file;  // s3:// URL, "" when nothing is unprocessed
};

struct SkippedKey {
  std::string key;
  std::string reason;
};

void append_counts(model::JsonWriter& json, std::uint64_t read, std::uint64_t written,
                   std::uint64_t rejected, std::uint64_t unprocessed, std::uint64_t skipped,
                   std::uint64_t bytes, std::uint64_t requests, std::uint64_t retries,
                   std::uint64_t throttles) {
  json.raw("\"processed_rows\":" + std::to_string(written));
  json.raw(",\"unprocessed_rows\":" + std::to_string(unprocessed));
  json.raw(",\"rows_read\":" + std::to_string(read));
  json.raw(",\"rows_written\":" + std::to_string(written));
  json.raw(",\"rows_rejected\":" + std::to_string(rejected));
  json.raw(",\"rows_unprocessed\":" + std::to_string(unprocessed));
  json.raw(",\"rows_skipped\":" + std::to_string(skipped));
  json.raw(",\"bytes_read\":" + std::to_string(bytes));
  json.raw(",\"requests\":" + std::to_string(requests));
  json.raw(",\"retries\":" + std::to_string(retries));
  json.raw(",\"throttles\":" + std::to_string(throttles));
}

void append_optional_string(model::JsonWriter& json, const std::string& value) {
  if (value.empty()) {
    json.raw("null");
  } else {
    json.string(value);
  }
}

std::string result_json(const std::vector<FileOutcome>& files,
                        const std::vector<SkippedKey>& skipped) {
  ingest::Report total;
  for (const FileOutcome& file : files) {
    total.rows_read += file.report.rows_read;
    total.rows_written += file.report.rows_written;
    total.rows_rejected += file.report.rows_rejected;
    total.rows_unprocessed += file.report.rows_unprocessed;
    total.rows_skipped += file.report.rows_skipped;
    total.bytes_read += file.report.bytes_read;
    total.requests += file.report.requests;
    total.retries += file.report.retries;
    total.throttles += file.report.throttles;
  }
  std::string out;
  model::JsonWriter json(out);
  json.ch('{');
  append_counts(json, total.rows_read, total.rows_written, total.rows_rejected,
                total.rows_unprocessed, total.rows_skipped, total.bytes_read, total.requests,
                total.retries, total.throttles);
  // The reference answers for one file; with one file (the usual event) so do we.
  const FileOutcome* only = files.size() == 1 ? &files.front() : nullptr;
  json.raw(",\"unprocessed_file\":");
  append_optional_string(json, only != nullptr ? only->unprocessed_file : std::string());
  json.raw(",\"json_copy\":");
  append_optional_string(json, only != nullptr ? only->json_copy : std::string());
  json.raw(",\"files\":[");
  for (std::size_t i = 0; i < files.size(); ++i) {
    const FileOutcome& file = files[i];
    if (i > 0) json.ch(',');
    json.raw("{\"bucket\":");
    json.string(file.bucket);
    json.raw(",\"key\":");
    json.string(file.key);
    json.ch(',');
    const ingest::Report& r = file.report;
    append_counts(json, r.rows_read, r.rows_written, r.rows_rejected, r.rows_unprocessed,
                  r.rows_skipped, r.bytes_read, r.requests, r.retries, r.throttles);
    json.raw(",\"unprocessed_file\":");
    append_optional_string(json, file.unprocessed_file);
    json.raw(",\"json_copy\":");
    json.string(file.json_copy);
    json.raw(",\"report\":");
    json.string(s3_url(file.bucket, ingest::output_keys_for(file.key).report));
    json.ch('}');
  }
  json.raw("],\"skipped\":[");
  for (std::size_t i = 0; i < skipped.size(); ++i) {
    if (i > 0) json.ch(',');
    json.raw("{\"key\":");
    json.string(skipped[i].key);
    json.raw(",\"reason\":");
    json.string(skipped[i].reason);
    json.ch('}');
  }
  json.raw("]}");
  return out;
}

// Streams one object into the table. Errors stop the invocation; a nullopt outcome means the
// object was skipped (the event is stale).
Result<std::optional<FileOutcome>> import_object(const S3EventRecord& record,
                                                 const ImportConfig& config,
                                                 const ImportClients& clients) {
  const auto started = std::chrono::steady_clock::now();
  Result<std::unique_ptr<aws::S3ObjectSource>> object =
      aws::S3ObjectSource::open(clients.s3, record.bucket, record.key);
  if (!object) return object.take_error();
  if (!record.etag.empty() && unquoted((*object)->etag()) != unquoted(record.etag)) {
    log_line(LogLevel::kInfo, "skipped: the object changed since the event (replayed event)",
             {{"bucket", record.bucket},
              {"key", record.key},
              {"eventETag", record.etag},
              {"objectETag", (*object)->etag()}});
    return std::optional<FileOutcome>();
  }
  Result<std::unique_ptr<csv::ByteSource>> source = csv::open_decompressed(std::move(*object));
  if (!source) return source.take_error();

  const ingest::OutputKeys keys = ingest::output_keys_for(record.key);
  aws::S3ObjectStore store(clients.s3, record.bucket, "");
  ingest::IngestOptions options;
  options.table = config.table;
  options.typing = config.typing;
  options.reader.dialect.delimiter = config.delimiter;
  options.lanes = config.concurrency;
  options.retry.max_attempts = config.max_retries + 1;
  options.outputs.store = &store;
  options.outputs.json_copy_key = keys.json_copy;
  options.outputs.unprocessed_key = keys.unprocessed;
  options.outputs.rejected_key = keys.rejected;
  options.outputs.report_key = keys.report;
  options.source_name = s3_url(record.bucket, record.key);

  aws::DynamoDbTableWriter writer(clients.dynamodb);
  Result<ingest::Report> report = ingest::run_ingest(std::move(*source), writer, options);
  if (!report) return report.take_error();

  FileOutcome outcome;
  outcome.bucket = record.bucket;
  outcome.key = record.key;
  outcome.report = std::move(*report);
  outcome.json_copy = s3_url(record.bucket, keys.json_copy);
  if (outcome.report.rows_unprocessed > 0) {
    outcome.unprocessed_file = s3_url(record.bucket, keys.unprocessed);
  }
  ImportMetrics metrics;
  metrics.rows_written = outcome.report.rows_written;
  metrics.rows_rejected = outcome.report.rows_rejected;
  metrics.rows_unprocessed = outcome.report.rows_unprocessed;
  metrics.bytes_read = outcome.report.bytes_read;
  metrics.retries = outcome.report.retries;
  metrics.duration_ms =
      static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::steady_clock::now() - started)
                                     .count());
  emit_metrics(metrics, config.function_name);
  log_line(LogLevel::kInfo, "imported",
           {{"source", outcome.report.source}, {"report", outcome.report.to_json()}});
  return std::optional<FileOutcome>(std::move(outcome));
}

}  // namespace

std::string_view skip_reason_for_key(std::string_view key) {
  if (ingest::is_output_key(key)) return "output prefix";
  if (ingest::strip_csv_suffix(key).size() == key.size()) return "not a CSV key";
  return "";
}

InvocationResponse handle_import(const InvocationRequest& request, const ImportConfig& config,
                                 const ImportClients& clients) {
  Result<std::vector<S3EventRecord>> records = parse_s3_event(request.payload);
  if (!records) return InvocationResponse::failure(records.error().message, records.error().code);

  std::vector<FileOutcome> files;
  std::vector<SkippedKey> skipped;
  for (const S3EventRecord& record : *records) {
    if (std::string_view reason = skip_reason_for_key(record.key); !reason.empty()) {
      log_line(LogLevel::kInfo, "skipped: not an input",
               {{"bucket", record.bucket}, {"key", record.key}, {"reason", reason}});
      skipped.push_back({record.key, std::string(reason)});
      continue;
    }
    Result<std::optional<FileOutcome>> outcome = import_object(record, config, clients);
    if (!outcome) {
      const Error& error = outcome.error();
      return InvocationResponse::failure(s3_url(record.bucket, record.key) + ": " + error.message,
                                         error.code.empty() ? "ImportFailed" : error.code);
    }
    if (!outcome->has_value()) {
      skipped.push_back({record.key, "stale event"});
      continue;
    }
    files.push_back(std::move(**outcome));
  }
  return InvocationResponse::success(result_json(files, skipped));
}

}  // namespace csv2ddb::lambda
