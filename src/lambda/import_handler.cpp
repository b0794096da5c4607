#include "lambda/import_handler.hpp"

#include <chrono>

#include "ingest/counts_json.hpp"
#include "ingest/input_format.hpp"
#include "ingest/output_keys.hpp"
#include "ingest/report.hpp"
#include "lambda/continuation_event.hpp"
#include "lambda/lambda_log.hpp"
#include "lambda/object_import.hpp"
#include "lambda/s3_event.hpp"
#include "model/json.hpp"

namespace csv2ddb::lambda {
namespace {

std::string s3_url(const std::string& bucket, const std::string& key) {
  return "s3://" + bucket + "/" + key;
}

struct SkippedKey {
  std::string key;
  std::string reason;
};

using ingest::CountField;

// The reference's two names first, then the report's counts.
void append_counts(model::JsonWriter& json, const ingest::Counts& counts) {
  json.raw("\"processed_rows\":" + std::to_string(counts.rows_written));
  json.raw(",\"unprocessed_rows\":" + std::to_string(counts.rows_unprocessed));
  ingest::append_counts(
      json, counts,
      {CountField::kRowsRead, CountField::kRowsWritten, CountField::kRowsRejected,
       CountField::kRowsUnprocessed, CountField::kRowsSkipped, CountField::kBytesRead,
       CountField::kRequests, CountField::kRetries, CountField::kThrottles},
      ingest::NumberForm::kRounded, false);
}

void append_optional_string(model::JsonWriter& json, const std::string& value) {
  if (value.empty()) {
    json.raw("null");
  } else {
    json.string(value);
  }
}

void append_file(model::JsonWriter& json, const ObjectOutcome& file) {
  const bool continued = file.kind == ObjectOutcome::Kind::kContinued;
  // A fanned-out object's report comes when its last share settles.
  const bool settled_later = continued || file.kind == ObjectOutcome::Kind::kFannedOut;
  json.raw("{\"bucket\":");
  json.string(file.bucket);
  json.raw(",\"key\":");
  json.string(file.key);
  json.ch(',');
  append_counts(json, file.report);
  json.raw(",\"unprocessed_file\":");
  append_optional_string(json, file.unprocessed_file);
  json.raw(",\"json_copy\":");
  append_optional_string(json, file.json_copy);
  json.raw(",\"report\":");
  append_optional_string(json, settled_later
                                   ? std::string()
                                   : s3_url(file.bucket, ingest::output_keys_for(file.key).report));
  if (file.kind == ObjectOutcome::Kind::kFannedOut) {
    json.raw(",\"fanned_out\":" + std::to_string(file.shares));
  }
  json.raw(",\"continued\":");
  json.raw(continued ? "true" : "false");
  json.raw(",\"generation\":" + std::to_string(file.generation));
  if (continued) json.raw(",\"resume_offset\":" + std::to_string(file.resume_offset));
  // This invocation's share, so that a chain's invocations can be added up.
  json.raw(",\"invocation\":{");
  ingest::append_counts(json, file.invocation,
                        {CountField::kRowsRead, CountField::kRowsWritten, CountField::kBytesRead,
                         CountField::kRequests, CountField::kRetries, CountField::kThrottles,
                         CountField::kConsumedWcu, CountField::kSeconds},
                        ingest::NumberForm::kRounded);
  json.raw("}}");
}

std::string result_json(const std::vector<ObjectOutcome>& files,
                        const std::vector<SkippedKey>& skipped) {
  ingest::Counts total;
  bool continued = false;
  for (const ObjectOutcome& file : files) {
    total += file.report;
    continued = continued || file.kind == ObjectOutcome::Kind::kContinued;
  }
  std::string out;
  model::JsonWriter json(out);
  json.ch('{');
  append_counts(json, total);
  // The reference answers for one file; with one file (the usual event) so do we.
  const ObjectOutcome* only = files.size() == 1 ? &files.front() : nullptr;
  json.raw(",\"unprocessed_file\":");
  append_optional_string(json, only != nullptr ? only->unprocessed_file : std::string());
  json.raw(",\"json_copy\":");
  append_optional_string(json, only != nullptr ? only->json_copy : std::string());
  json.raw(",\"continued\":");
  json.raw(continued ? "true" : "false");
  json.raw(",\"files\":[");
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (i > 0) json.ch(',');
    append_file(json, files[i]);
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

InvocationResponse import_failure(const ObjectImport& object, const Error& error) {
  return InvocationResponse::failure(s3_url(object.bucket, object.key) + ": " + error.message,
                                     error.code.empty() ? "ImportFailed" : error.code);
}

}  // namespace

std::string_view skip_reason_for_key(std::string_view key) {
  if (ingest::is_output_key(key)) return "output prefix";
  // Lambda's own records of failed invocations (the template's on-failure destination).
  if (key.starts_with("aws/lambda/")) return "a failed-invocation record";
  if (std::string_view reason = ingest::export_bookkeeping_reason(key); !reason.empty()) {
    return reason;
  }
  if (!ingest::has_input_suffix(key)) return "not an input key";
  return "";
}

InvocationResponse handle_import(const InvocationRequest& request, const ImportConfig& config,
                                 const ImportClients& clients, const ImportOptions& options) {
  const ImportContext context{request, config, clients, options};
  std::vector<ObjectOutcome> files;
  std::vector<SkippedKey> skipped;
  auto add = [&](ObjectOutcome outcome) {
    if (outcome.kind == ObjectOutcome::Kind::kSkipped) {
      skipped.push_back({outcome.key, outcome.reason});
    } else {
      files.push_back(std::move(outcome));
    }
  };

  // A share of a fanned-out import, or a continuation: no S3 event, and not to be mistaken for
  // a malformed one.
  Result<std::optional<ShareEvent>> share = parse_share_event(request.payload);
  if (!share) return InvocationResponse::failure(share.error().message, share.error().code);
  if (share->has_value()) {
    ShareEvent& event = **share;
    if (std::string_view reason = skip_reason_for_key(event.key); !reason.empty()) {
      return InvocationResponse::failure(
          "share event for " + s3_url(event.bucket, event.key) + ": " + std::string(reason),
          "InvalidEvent");
    }
    ObjectImport object{event.bucket, event.key, event.etag, std::nullopt, std::move(event)};
    Result<ObjectOutcome> outcome = import_object(object, context);
    if (!outcome) return import_failure(object, outcome.error());
    add(std::move(*outcome));
    return InvocationResponse::success(result_json(files, skipped));
  }
  Result<std::optional<ContinuationEvent>> continuation = parse_continuation_event(request.payload);
  if (!continuation) {
    return InvocationResponse::failure(continuation.error().message, continuation.error().code);
  }
  if (continuation->has_value()) {
    ContinuationEvent& event = **continuation;
    if (std::string_view reason = skip_reason_for_key(event.key); !reason.empty()) {
      return InvocationResponse::failure(
          "continuation event for " + s3_url(event.bucket, event.key) + ": " + std::string(reason),
          "InvalidEvent");
    }
    ObjectImport object{event.bucket, event.key, "", std::move(event), std::nullopt};
    Result<ObjectOutcome> outcome = import_object(object, context);
    if (!outcome) return import_failure(object, outcome.error());
    add(std::move(*outcome));
    return InvocationResponse::success(result_json(files, skipped));
  }

  Result<std::vector<S3EventRecord>> records = parse_s3_event(request.payload);
  if (!records) return InvocationResponse::failure(records.error().message, records.error().code);
  for (const S3EventRecord& record : *records) {
    if (std::string_view reason = skip_reason_for_key(record.key); !reason.empty()) {
      log_line(LogLevel::kInfo, "skipped: not an input",
               {{"bucket", record.bucket}, {"key", record.key}, {"reason", reason}});
      skipped.push_back({record.key, std::string(reason)});
      continue;
    }
    ObjectImport object{record.bucket, record.key, record.etag, std::nullopt, std::nullopt};
    Result<ObjectOutcome> outcome = import_object(object, context);
    if (!outcome) return import_failure(object, outcome.error());
    add(std::move(*outcome));
  }
  return InvocationResponse::success(result_json(files, skipped));
}

}  // namespace csv2ddb::lambda
