// HTTP/1.1 as bytes, for the client's direct path (kept_connection.hpp): the request written out
// whole, and the response parsed from the bytes as they arrive.
//
// Only what a keep-alive exchange with an AWS endpoint needs: a request with its whole body in
// memory and a Content-Length; a response framed by Content-Length, by chunked transfer coding,
// or (HTTP/1.0 style) by the connection closing. Interim 1xx responses are skipped.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "aws/http_client.hpp"

namespace csv2ddb::aws {

// Appends the request's head and body to `out`. `target` is the path with its query, `host` the
// Host header's value used when the request has none. The request's own headers follow Host and
// User-Agent (skipped when the request names one) in their order; a Content-Length is added
// unless the request has one, and `trace_id` (when not empty) as X-Amzn-Trace-Id.
void append_http_request(std::string& out, const HttpRequest& request, std::string_view target,
                         std::string_view host, std::string_view user_agent,
                         std::string_view trace_id);

class HttpResponseParser {
 public:
  enum class Progress : std::uint8_t { kNeedMore, kComplete };

  // Takes the next bytes off the wire. After kComplete, bytes left over (the server sent more
  // than one response) make the connection not reusable. Errors: "MalformedResponse".
  Result<Progress> feed(std::string_view bytes);
  // The server closed the connection: completes a body framed by the close, else an error
  // ("ConnectionReset" when nothing or only part of a response came).
  Result<Progress> end_of_stream();

  bool started() const { return received_any_; }
  // Whether the connection may carry the next request (HTTP/1.1, no "Connection: close", the
  // response framed by length, nothing after it).
  bool keep_alive() const { return keep_alive_; }
  HttpResponse& response() { return response_; }

 private:
  enum class State : std::uint8_t {
    kHead,
    kFixedBody,
    kChunkSize,
    kChunkData,
    kChunkDataEnd,
    kTrailers,
    kUntilClose,
    kComplete
  };

  Status parse_head_text(std::string_view head);  // sets the state that follows the head
  Status start_body();
  Status take_chunk_line(std::string_view line);

  State state_ = State::kHead;
  bool received_any_ = false;
  bool keep_alive_ = true;
  std::string pending_;          // head or chunk-framing bytes not parsed yet
  std::uint64_t remaining_ = 0;  // bytes left in a fixed body or in the current chunk
  HttpResponse response_;
};

}  // namespace csv2ddb::aws
