// The event a fanned-out import sends to its own function once per share (asynchronously):
// {"csv2ddbShare":{...}}. It names the object (bucket, key, the ETag the coordinator read, so
// that an overwritten object stops the share) and the share (ingest/share.hpp): its index, the
// number of shares and its byte range. Every worker reads the whole object from its start, so
// no header or state object travels with it; the payload stays a few hundred bytes.
//
// `attempt` names where a worker writes its outputs (reports/.fanout/..., fan_out.hpp): empty
// in the coordinator's events, so that every attempt of a share (Lambda retries a failed one
// twice, and an S3 event may come twice) writes its own; a share handed over to a new
// invocation carries its attempt in the continuation event, so the chain writes one set.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "ingest/share.hpp"
#include "model/json.hpp"

namespace csv2ddb::lambda {

inline constexpr std::string_view kShareMember = "csv2ddbShare";

struct ShareEvent {
  std::string bucket;
  std::string key;
  std::string etag;  // with its quotes, as the coordinator's GET gave it
  std::uint64_t size = 0;
  ingest::Share share;
  std::string attempt;
};

std::string share_payload(const ShareEvent& event);
// The members of a share event, for a continuation event to carry (continuation_event.hpp).
void append_share_members(model::JsonWriter& json, const ShareEvent& event);
Result<ShareEvent> read_share_members(const model::JsonValue& object);

// nullopt when the payload is not a share event. Errors: "InvalidEvent".
Result<std::optional<ShareEvent>> parse_share_event(std::string_view payload);

}  // namespace csv2ddb::lambda
