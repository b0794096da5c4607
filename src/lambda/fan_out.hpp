// One object imported by shares, one worker invocation chain each (docs/scaling.md, "Fan-out by
// key"; the engine's part is ingest/share.hpp).
//
// The coordinator (the invocation an S3 event starts, for an object at least
// CSV2DDB_FANOUT_THRESHOLD_MIB big, uncompressed and splittable) sends one share event per share
// (share_event.hpp) and imports nothing itself. Each worker reads the whole object and writes its
// share's outputs under
//     reports/.fanout/<key>/<etag>/<share>/<attempt>/{json-copy,unprocessed,rejected,...}
// (continuing in new invocations like any file), then a marker
//     reports/.fanout/<key>/<etag>/done/<share>   {"attempt":...,"report":{...}}
// A marker is one PUT, so it names one attempt's whole outputs; a later attempt of the same
// share (a retry, an S3 event delivered twice) replaces it whole. The worker that finds every
// share's marker settles: the object's outputs are the shares' put end to end in share order
// (the JSON copy byte for byte one invocation's), its report the shares' counts and costs added
// up with "shares" and "workers", and the reports/.fanout/<key>/<etag>/ objects are deleted.
// Two workers settling at once write the same outputs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "adapters/s3_output_store.hpp"
#include "aws/s3_client.hpp"
#include "common/result.hpp"
#include "ingest/output_keys.hpp"
#include "ingest/report.hpp"

namespace csv2ddb::lambda {

// Where one fanned-out object's shares keep their outputs and markers.
struct FanOutPlace {
  std::string bucket;
  std::string key;
  std::string etag;  // the object's, quotes or not
  std::uint32_t shares = 1;

  std::string prefix() const;  // reports/.fanout/<key>/<etag without quotes>/
  ingest::OutputKeys share_keys(std::uint32_t share, const std::string& attempt) const;
  std::string marker_key(std::uint32_t share) const;
  // The hand-over state of generation `generation` of a share's chain (hand_over_state.hpp).
  std::string state_key(std::uint32_t share, const std::string& attempt,
                        std::uint32_t generation) const;
};

// How many shares an object of `size` bytes is cut into: one per `threshold` bytes begun, at
// most `max_workers`; 1 (no fan-out) below the threshold or when it is 0.
std::uint32_t share_count(std::uint64_t size, std::uint64_t threshold, std::uint32_t max_workers);

// An ETag without its quotes (S3 events give it bare, HEAD and GET quoted).
std::string_view unquoted_etag(std::string_view etag);

// A new attempt's name: 16 random hex digits.
std::string new_attempt_id();

// A share's marker: its attempt and its report.
Status write_share_marker(aws::S3Client& s3, const FanOutPlace& place, std::uint32_t share,
                          const std::string& attempt, const ingest::Report& report);

// Settles when every share has its marker: writes the object's outputs and report (the report
// is returned) and deletes the shares' objects. nullopt while shares are missing.
Result<std::optional<ingest::Report>> settle_if_complete(aws::S3Client& s3,
                                                         adapters::S3OutputStore& store,
                                                         const FanOutPlace& place,
                                                         const std::string& table);

}  // namespace csv2ddb::lambda
