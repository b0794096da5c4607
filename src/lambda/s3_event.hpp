// The S3 notification event (ObjectCreated records) as the import handler needs it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace csv2ddb::lambda {

struct S3EventRecord {
  std::string event_name;  // "ObjectCreated:Put"
  std::string bucket;
  std::string key;   // URL-decoded
  std::string etag;  // as in the event: without quotes; may be empty
  std::string sequencer;
  std::uint64_t size = 0;
};

// The records of {"Records":[{"eventSource":"aws:s3","s3":{"bucket":{"name":..},"object":{..}}}]}.
// Records of other sources are left out. Errors: "InvalidEvent" for JSON that is not an S3
// event (no Records array, a record without bucket or key, a badly encoded key).
Result<std::vector<S3EventRecord>> parse_s3_event(std::string_view payload);

// The key as S3 puts it in events: form-URL-encoded, '+' a space, %XX a byte. Errors:
// "InvalidEvent" for a truncated or non-hex escape.
Result<std::string> decode_event_key(std::string_view encoded);

}  // namespace csv2ddb::lambda
