// The hand-over state object: what an import invocation leaves in the bucket for the next one
// when it stops before the end of a file, beside the small continuation event that points to it.
//
// Key: reports/.continuation/<input key>/<generation>, generation being the invocation that
// reads it. Under reports/, an output prefix, so it never starts an import; one per generation,
// so that a failed invocation retried by Lambda finds the same state again, while the invocation
// that handed over is finished with it. Each is deleted once the next invocation has handed over
// or finished.
//
// Content: one line of JSON, then the outputs' tails back to back:
//   {"version":1,"format":"csv","header":[...],"outputs":{"json_copy":{"state":"...","entries":N,
//    "tail_bytes":T},"unprocessed":{...},"rejected":{...}}}\n<tail><tail><tail>
// `state` is the store's own (for S3: the multipart upload id and its parts' ETags), `entries`
// the items or rows the output holds so far, `tail_bytes` the length of its tail; the tails
// follow in the order json_copy, unprocessed, rejected, conflicts, unprocessed_deletes, each
// present when that output is.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "ingest/ingestor.hpp"

namespace csv2ddb::lambda {

inline constexpr std::string_view kHandOverStatePrefix = "reports/.continuation/";

std::string hand_over_state_key(std::string_view input_key, std::uint32_t generation);

struct HandOverState {
  ingest::InputFormat format = ingest::InputFormat::kCsv;  // what the object holds
  std::vector<std::string> header;                         // CSV's
  ingest::SuspendedOutputs outputs;
};

std::string encode_hand_over_state(const HandOverState& state);
// Errors: "InvalidHandOverState" for bytes that encode_hand_over_state did not write.
Result<HandOverState> decode_hand_over_state(std::string_view bytes);

}  // namespace csv2ddb::lambda
