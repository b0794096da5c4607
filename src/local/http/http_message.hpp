// The HTTP requests the local AWS receives and the responses it sends, as plain data.
// A request body is either in memory or, when the service asked for it and it is large,
// spooled to a file (S3 uploads): services read `body.memory` or take over `body.file_path`.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "aws/http_types.hpp"

namespace csv2ddb::local {

struct RequestBody {
  std::string memory;     // the body, when not spooled
  std::string file_path;  // the spool file, when spooled; the service may rename it away
  std::uint64_t size = 0;
  bool in_file() const { return !file_path.empty(); }
};

struct HttpRequest {
  std::string method;     // "GET", "PUT", ...
  std::string target;     // request-target as on the wire ("/bucket/key?list-type=2")
  std::string path;       // target up to '?', still percent-encoded
  std::string query;      // target after '?', still percent-encoded
  int version_minor = 1;  // HTTP/1.<minor>
  aws::HeaderList headers;
  RequestBody body;

  // The first header with that name (case-insensitive), or "" when absent.
  std::string_view header(std::string_view name) const {
    const aws::Header* found = aws::find_header(headers, name);
    return found == nullptr ? std::string_view() : std::string_view(found->value);
  }
};

struct HttpResponse {
  int status = 200;
  aws::HeaderList headers;  // Content-Length and Connection are added by the server
  std::string body;
  // A body served from a file instead of `body` (S3 GetObject): bytes [offset, offset+length).
  std::string body_file;
  std::uint64_t body_file_offset = 0;
  std::uint64_t body_file_length = 0;
  // Fault injection and fatal request errors: close the connection after (or instead of)
  // answering.
  bool close_connection = false;
  bool drop_without_response = false;
  // Sent (or dropped) no sooner than this after the handler answered: `--fault latency`, which
  // stands in for the network to AWS. The server keeps the answer on a timer; no thread waits.
  std::chrono::milliseconds delay{0};

  HttpResponse& add_header(std::string name, std::string value) {
    headers.push_back({std::move(name), std::move(value)});
    return *this;
  }
};

// The reason phrase of a status code ("Not Found"); "Unknown" for codes we never send.
std::string_view reason_phrase(int status);

// A response with a JSON body (Content-Type: application/json).
HttpResponse json_body_response(int status, std::string body);

}  // namespace csv2ddb::local
