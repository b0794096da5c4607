// An incremental HTTP/1.1 request parser: feed it bytes as they arrive, in pieces of any size.
// It stops after the head (so the server can apply the service's body policy and answer
// `Expect: 100-continue`) and at the end of each message (so pipelined requests stay in the
// connection's buffer). Bodies come out as pieces pointing into the input, with chunked
// transfer coding removed; nothing is copied twice. Untrusted bytes: fuzzed by
// fuzz/fuzz_local_http_parser.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "local/http/http_message.hpp"

namespace csv2ddb::local {

struct HttpParserLimits {
  std::size_t max_head_bytes = 64 * 1024;  // request line plus headers
  std::size_t max_header_count = 200;
  std::size_t max_chunk_line_bytes = 4096;  // chunk size line with extensions, trailer lines
};

class HttpRequestParser {
 public:
  enum class State : std::uint8_t {
    kHead,          // reading the request line and headers
    kHeadComplete,  // head parsed; call begin_body() to go on
    kBody,          // reading the body
    kComplete,      // one whole request parsed; call reset() for the next one
    kError,         // malformed: answer error_status() and close the connection
  };

  explicit HttpRequestParser(HttpParserLimits limits = {}) : limits_(limits) {}

  // Consumes a prefix of `input` and returns its length. In kBody, `body_piece` receives the
  // body bytes found (a view into `input`, possibly empty); call again with the rest.
  std::size_t consume(std::string_view input, std::string_view& body_piece);

  State state() const { return state_; }
  HttpRequest& request() { return request_; }

  // After kHeadComplete: what the head says about the body and the connection.
  std::optional<std::uint64_t> content_length() const { return content_length_; }
  bool chunked() const { return chunked_; }
  bool expects_continue() const { return expects_continue_; }
  bool keep_alive() const { return keep_alive_; }
  bool has_body() const { return chunked_ || content_length_.value_or(0) > 0; }

  // kHeadComplete -> kBody, or kComplete when there is no body.
  void begin_body();
  // Back to kHead for the next request on the same connection.
  void reset();

  int error_status() const { return error_status_; }  // 400, 431, 501, 505
  const std::string& error_message() const { return error_message_; }

 private:
  enum class BodyStep : std::uint8_t { kChunkSize, kChunkData, kChunkDataEnd, kTrailer, kFixed };

  std::size_t consume_head(std::string_view input);
  std::size_t consume_chunked(std::string_view input, std::string_view& body_piece);
  // Reads one line (without CR LF) into line_; returns bytes used and whether it completed.
  std::size_t take_line(std::string_view input, bool& complete);
  bool parse_head(std::string_view head);
  bool parse_request_line(std::string_view line);
  bool parse_header_line(std::string_view line);
  bool interpret_headers();
  void fail(int status, std::string message);

  HttpParserLimits limits_;
  State state_ = State::kHead;
  HttpRequest request_;
  std::string head_;
  std::string line_;
  std::optional<std::uint64_t> content_length_;
  bool chunked_ = false;
  bool expects_continue_ = false;
  bool keep_alive_ = true;
  BodyStep body_step_ = BodyStep::kFixed;
  std::uint64_t remaining_ = 0;
  int error_status_ = 0;
  std::string error_message_;
};

}  // namespace csv2ddb::local
