// One object through the engine in one invocation: from its start (a record of an S3 event) or
// from where an earlier invocation handed it over (a continuation event), and handed over in
// turn when the invocation's time runs short. The import handler's part that knows about
// continuation; import_handler.cpp turns outcomes into the invocation's result.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/result.hpp"
#include "ingest/report.hpp"
#include "lambda/continuation_event.hpp"
#include "lambda/import_handler.hpp"
#include "lambda/share_event.hpp"

namespace csv2ddb::lambda {

struct ObjectImport {
  std::string bucket;
  std::string key;
  std::string event_etag;  // an S3 event's eTag (without quotes; may be empty)
  std::optional<ContinuationEvent> continuation;
  std::optional<ShareEvent> share;  // a share of a fanned-out import (fan_out.hpp)
};

struct ObjectOutcome {
  enum class Kind {
    kImported,   // the file's end was reached: outputs and report are written
    kContinued,  // handed over to the next invocation
    kSkipped,    // not imported: `reason` ("stale event", "object changed")
    kFannedOut,  // cut into `shares`, one worker invocation each (fan_out.hpp)
  };
  Kind kind = Kind::kImported;
  std::string bucket;
  std::string key;
  std::uint32_t generation = 0;     // this invocation's place in the file's chain
  ingest::Report report;            // the whole file, or so far when continued
  ingest::Report invocation;        // this invocation's share of it (rows and costs)
  std::string json_copy;            // s3:// URL (imported)
  std::string unprocessed_file;     // s3:// URL, "" when nothing is unprocessed (imported)
  std::uint64_t resume_offset = 0;  // continued: where the next invocation starts
  std::uint32_t shares = 0;         // fanned out; or, for a share, its index's count
  std::string reason;
};

struct ImportContext {
  const InvocationRequest& request;
  const ImportConfig& config;
  const ImportClients& clients;
  const ImportOptions& options;
};

// Errors stop the invocation (Lambda retries it with the same event).
Result<ObjectOutcome> import_object(const ObjectImport& object, const ImportContext& context);

}  // namespace csv2ddb::lambda
