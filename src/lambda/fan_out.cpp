#include "lambda/fan_out.hpp"

#include <openssl/rand.h>

#include <cstdio>
#include <memory>
#include <vector>

#include "aws/error_codes.hpp"
#include "ingest/counts_json.hpp"
#include "ingest/output_sink.hpp"
#include "ingest/run_outputs.hpp"
#include "model/json.hpp"
#include "model/json_members.hpp"

namespace csv2ddb::lambda {
namespace {

struct ShareMarker {
  std::string attempt;
  ingest::Report report;
};

Result<ShareMarker> read_marker(aws::S3Client& s3, const FanOutPlace& place, std::uint32_t share) {
  Result<std::string> bytes = s3.get_object_bytes(place.bucket, place.marker_key(share));
  if (!bytes) return bytes.take_error();
  auto invalid = [&](const std::string& what) {
    return make_error("InvalidFanOutState", place.marker_key(share) + ": " + what);
  };
  Result<model::JsonValue> parsed = model::parse_json(*bytes);
  if (!parsed || !parsed->is_object()) return invalid("not a JSON object");
  ShareMarker marker;
  Result<std::string> attempt = model::text_member(*parsed, "attempt");
  if (!attempt) return invalid(attempt.error().message);
  marker.attempt = std::move(*attempt);
  Result<const model::JsonValue*> report = model::object_member(*parsed, "report");
  if (!report) return invalid(report.error().message);
  if (Status counts = ingest::read_counts(**report, ingest::kReportFields, marker.report);
      !counts) {
    return invalid(counts.error().message);
  }
  if (const model::JsonValue* error = (*report)->find("error"); error != nullptr) {
    Result<std::string> reason = model::string_member(*error, "reason");
    marker.report.failure = ingest::Report::Failure{reason ? *reason : "failed", std::nullopt};
    if (Result<std::uint64_t> line = model::count_member(*error, "line"); line) {
      marker.report.failure->line = *line;
    }
  }
  return marker;
}

// Appends one share's output to the object's: the share's frame stripped, the entries joined to
// the earlier shares' with the frame's separator.
class FramedConcatenation {
 public:
  FramedConcatenation(ingest::OutputWriter& writer, ingest::Framing framing)
      : writer_(writer), framing_(framing) {}

  // False when the share has no such output.
  Result<bool> append(aws::S3Client& s3, const std::string& bucket, const std::string& key) {
    part_started_ = false;
    held_.clear();
    std::size_t skipped = 0;
    aws::GetObjectOptions get;
    get.reset_sink = [] { return false; };  // the bytes went out: a cut GET fails the settle
    Status written;
    auto info = s3.get_object(bucket, key, get, [&](std::string_view piece) -> Status {
      const std::size_t skip = std::min(piece.size(), framing_.open.size() - skipped);
      skipped += skip;
      held_.append(piece.substr(skip));
      // The last bytes may be the frame's close: hold them back until the end.
      if (held_.size() > framing_.close.size()) {
        const std::size_t ready = held_.size() - framing_.close.size();
        if (Status out = entries(std::string_view(held_).substr(0, ready)); !out) return out;
        held_.erase(0, ready);
      }
      return Status{};
    });
    if (!info) {
      if (aws::is_missing_object(info.error())) return false;
      return info.take_error();
    }
    if (held_ != framing_.close) {
      return make_error("InvalidFanOutState", key + " does not end as its kind of output does");
    }
    return true;
  }

  Status open_if_written_when_empty() { return framing_.written_when_empty ? start() : Status{}; }
  bool has_entries() const { return any_; }
  Status close() { return writer_.write(framing_.close); }

 private:
  Status start() {
    if (opened_) return {};
    opened_ = true;
    return writer_.write(framing_.open);
  }
  Status entries(std::string_view bytes) {
    if (bytes.empty()) return {};
    if (Status started = start(); !started) return started;
    if (!part_started_) {
      part_started_ = true;
      if (any_) {
        if (Status separated = writer_.write(framing_.separator); !separated) return separated;
      }
      any_ = true;
    }
    return writer_.write(bytes);
  }

  ingest::OutputWriter& writer_;
  ingest::Framing framing_;
  std::string held_;
  bool opened_ = false;
  bool part_started_ = false;
  bool any_ = false;
};

// The object's output of one kind, from the shares' in share order.
Status settle_output(aws::S3Client& s3, adapters::S3OutputStore& store, const FanOutPlace& place,
                     const std::vector<ShareMarker>& markers, ingest::OutputKind kind,
                     std::string ingest::OutputKeys::*member) {
  const ingest::Framing framing = ingest::framing_of(kind);
  const std::string final_key = ingest::output_keys_for(place.key).*member;
  Result<std::unique_ptr<ingest::OutputWriter>> writer =
      store.create(final_key, framing.content_type);
  if (!writer) return writer.take_error();
  FramedConcatenation concatenation(**writer, framing);
  if (Status opened = concatenation.open_if_written_when_empty(); !opened) return opened;
  for (std::uint32_t share = 0; share < markers.size(); ++share) {
    const std::string key = place.share_keys(share, markers[share].attempt).*member;
    Result<bool> appended = concatenation.append(s3, place.bucket, key);
    if (!appended) return appended.take_error();
  }
  if (!concatenation.has_entries() && !framing.written_when_empty) {
    (*writer)->abort();
    return store.remove(final_key);  // a stale output of an earlier import goes
  }
  if (Status closed = concatenation.close(); !closed) return closed;
  return (*writer)->commit();
}

}  // namespace

std::string_view unquoted_etag(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    return etag.substr(1, etag.size() - 2);
  }
  return etag;
}

std::string new_attempt_id() {
  unsigned char bytes[8];
  RAND_bytes(bytes, sizeof bytes);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const unsigned char byte : bytes) {
    out.push_back(kHex[byte >> 4]);
    out.push_back(kHex[byte & 15]);
  }
  return out;
}

std::string FanOutPlace::prefix() const {
  return "reports/.fanout/" + key + "/" + std::string(unquoted_etag(etag)) + "/";
}

ingest::OutputKeys FanOutPlace::share_keys(std::uint32_t share, const std::string& attempt) const {
  const std::string base = prefix() + std::to_string(share) + "/" + attempt + "/";
  ingest::OutputKeys keys;
  keys.json_copy = base + "json-copy";
  keys.unprocessed = base + "unprocessed";
  keys.rejected = base + "rejected";
  keys.conflicts = base + "conflicts";
  keys.unprocessed_deletes = base + "unprocessed-deletes";
  return keys;  // no report: the marker holds it
}

std::string FanOutPlace::state_key(std::uint32_t share, const std::string& attempt,
                                   std::uint32_t generation) const {
  return prefix() + std::to_string(share) + "/" + attempt + "/state/" + std::to_string(generation);
}

std::string FanOutPlace::marker_key(std::uint32_t share) const {
  char number[16];
  std::snprintf(number, sizeof number, "%05u", share);
  return prefix() + "done/" + number;
}

std::uint32_t share_count(std::uint64_t size, std::uint64_t threshold, std::uint32_t max_workers) {
  if (threshold == 0 || size < threshold || max_workers < 2) return 1;
  const std::uint64_t begun = size / threshold + (size % threshold != 0 ? 1 : 0);
  return static_cast<std::uint32_t>(std::min<std::uint64_t>(begun, max_workers));
}

Status write_share_marker(aws::S3Client& s3, const FanOutPlace& place, std::uint32_t share,
                          const std::string& attempt, const ingest::Report& report) {
  std::string body = "{\"attempt\":";
  model::append_json_string(body, attempt);
  body += ",\"report\":" + report.to_json() + "}";
  Result<std::string> put =
      s3.put_object(place.bucket, place.marker_key(share), std::move(body), "application/json");
  if (!put) return put.take_error();
  return {};
}

Result<std::optional<ingest::Report>> settle_if_complete(aws::S3Client& s3,
                                                         adapters::S3OutputStore& store,
                                                         const FanOutPlace& place,
                                                         const std::string& table) {
  Result<std::vector<aws::ListedObject>> done = s3.list_all(place.bucket, place.prefix() + "done/");
  if (!done) return done.take_error();
  if (done->size() < place.shares) return std::optional<ingest::Report>();
  std::vector<ShareMarker> markers;
  ingest::Report report;
  report.source = "s3://" + place.bucket + "/" + place.key;
  report.table = table;
  for (std::uint32_t share = 0; share < place.shares; ++share) {
    Result<ShareMarker> marker = read_marker(s3, place, share);
    if (!marker) return marker.take_error();
    static_cast<ingest::Counts&>(report) += marker->report;
    if (marker->report.failure && !report.failure) report.failure = marker->report.failure;
    markers.push_back(std::move(*marker));
  }
  report.shares = place.shares;
  report.workers = place.shares;
  const ingest::OutputKeys final_keys = ingest::output_keys_for(place.key);
  using K = ingest::OutputKind;
  using Keys = ingest::OutputKeys;
  for (auto [kind, member] :
       {std::pair{K::kJsonCopy, &Keys::json_copy}, std::pair{K::kUnprocessed, &Keys::unprocessed},
        std::pair{K::kRejected, &Keys::rejected}, std::pair{K::kConflicts, &Keys::conflicts},
        std::pair{K::kUnprocessedDeletes, &Keys::unprocessed_deletes}}) {
    if (Status settled = settle_output(s3, store, place, markers, kind, member); !settled) {
      return settled.take_error();
    }
  }
  ingest::IngestOutputs where;
  where.store = &store;
  where.report_key = final_keys.report;
  if (Status written = ingest::write_report(where, report); !written) return written.take_error();
  // The shares' objects are not needed again; what is left (a delete that failed) is under
  // reports/, which never starts an import.
  if (Result<std::vector<aws::ListedObject>> left = s3.list_all(place.bucket, place.prefix());
      left) {
    for (const aws::ListedObject& object : *left) (void)s3.delete_object(place.bucket, object.key);
  }
  return std::optional<ingest::Report>(std::move(report));
}

}  // namespace csv2ddb::lambda
