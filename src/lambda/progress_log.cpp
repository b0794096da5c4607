#include "lambda/progress_log.hpp"

#include "ingest/counts_json.hpp"
#include "lambda/lambda_log.hpp"
#include "model/json.hpp"

namespace csv2ddb::lambda {

ProgressLog::ProgressLog(std::string bucket, std::string key, std::uint32_t generation,
                         std::optional<std::uint32_t> share)
    : bucket_(std::move(bucket)), key_(std::move(key)), generation_(generation), share_(share) {}

void ProgressLog::update(const ingest::Progress& progress) {
  const auto now = std::chrono::steady_clock::now();
  if (last_ && now - *last_ < std::chrono::seconds(1)) {
    held_ = progress;
    return;
  }
  last_ = now;
  held_.reset();
  log_line(LogLevel::kInfo, "progress", {}, members(progress));
}

void ProgressLog::finish() {
  if (held_) log_line(LogLevel::kInfo, "progress", {}, members(*held_));
  held_.reset();
}

std::string ProgressLog::members(const ingest::Progress& progress) const {
  std::string out;
  model::JsonWriter json(out);
  json.raw("\"bucket\":");
  json.string(bucket_);
  json.raw(",\"key\":");
  json.string(key_);
  json.raw(",\"generation\":" + std::to_string(generation_));
  if (share_) json.raw(",\"share\":" + std::to_string(*share_));
  using ingest::CountField;
  ingest::append_counts(json, progress,
                        {CountField::kRowsRead, CountField::kRowsWritten, CountField::kRowsRejected,
                         CountField::kBytesRead, CountField::kRequests, CountField::kThrottles},
                        ingest::NumberForm::kRounded, false);
  json.raw(",\"units_written\":" + std::to_string(progress.units_written));
  return out;
}

}  // namespace csv2ddb::lambda
