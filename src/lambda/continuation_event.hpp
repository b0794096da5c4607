// The event an import invocation sends to its own function (asynchronously) when a file needs
// more time than it has: {"csv2ddbContinuation":{...}}. It names the object (bucket, key, and
// the ETag the first invocation read, so that an overwritten object stops the chain), where the
// next invocation starts (a resume point in the decompressed stream and the counts and costs
// before it), and the hand-over state object that holds the rest (hand_over_state.hpp).
//
// The payload stays small whatever the file: the header, the outputs' upload ids and part
// ETags and their unsent tails are in the state object, since an async invocation's payload is
// limited to 256 KB and a header alone may be up to the reader's 4 MiB record limit, the parts
// of a 20 GB JSON copy about 110 KB.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "csv/byte_source.hpp"
#include "ingest/resume_point.hpp"
#include "lambda/share_event.hpp"

namespace csv2ddb::lambda {

inline constexpr std::string_view kContinuationMember = "csv2ddbContinuation";

struct ContinuationEvent {
  std::uint32_t generation = 1;  // the invocation started by an S3 event is 0
  std::string bucket;
  std::string key;
  std::string etag;  // the object's, with its quotes, as HeadObject gave it to generation 0
  csv::Compression compression = csv::Compression::kNone;
  ingest::ResumePoint resume;       // without the header (it is in the state object)
  std::string state_key;            // the hand-over state object, in the same bucket
  std::string state_etag;           // its ETag when it was written
  std::optional<ShareEvent> share;  // a share of a fanned-out import, with its attempt
};

std::string continuation_payload(const ContinuationEvent& event);

// nullopt when the payload is not a continuation (an S3 event, say). Errors: "InvalidEvent"
// when it has the continuation member but not in the form continuation_payload writes.
Result<std::optional<ContinuationEvent>> parse_continuation_event(std::string_view payload);

std::string_view compression_name(csv::Compression compression);

}  // namespace csv2ddb::lambda
