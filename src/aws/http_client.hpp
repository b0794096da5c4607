// HTTP/1.1 client for every AWS call, on libcurl.
//
// - Keep-alive: easy handles are pooled per client and reused by whichever thread asks next,
//   each with the connection it keeps open; DNS answers and TLS sessions live in one CURLSH
//   share. Connections are not in the share on purpose: curl takes the share's connection lock
//   several times a request, and with 32 lanes that one lock made 7 futex calls a request
//   (strace) and a fifth of the client's CPU; a handle's own connection needs no lock. A handle
//   also keeps its options for the next request of the same method, URL, kind of body and
//   timeout (every BatchWriteItem of a run), so such a request sets only its own data.
// - Bodies stream both ways: a request body can come from a callback with a known length (or
//   chunked), and a successful response body can go to a sink, so a 5 GB object never sits in
//   memory. Error responses (non-2xx) always land in HttpResponse::body (first 1 MiB) so the
//   caller can decode the service's error.
// - Direct path: a request whose body is small and in memory and that has no sink (every
//   DynamoDB call) goes over a connection curl opened but the client drives itself
//   (kept_connection.hpp): same TLS, DNS share and error codes, a third of the system calls.
//   Not when a proxy is configured in the environment, which curl's own path handles.
// - TLS verification is always on.
// - Expect: 100-continue only for bodies of at least `expect_continue_threshold` bytes, with a
//   short wait for the 100; a server that answers with a final status instead works too.
// - Transport failures become Errors with stable codes: ConnectionRefused, ConnectionFailed,
//   RequestTimeout, ConnectionReset, DnsFailure, TlsError, HttpTransportError, and on the direct
//   path MalformedResponse (not HTTP/1.1 as http_wire.hpp reads it). Messages name the
//   method and the URL without its query string (presigned URLs carry credentials there).
// - X-Amzn-Trace-Id is taken from _X_AMZN_TRACE_ID when the request does not set it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "aws/sigv4.hpp"  // Header, HeaderList, find_header
#include "common/result.hpp"

namespace csv2ddb::aws {

// Fills `buffer` with the next bytes of a request body and returns how many it wrote; 0 means
// the body is complete. An error aborts the request and is returned by send().
using BodyReader = std::function<Result<std::size_t>(std::span<char> buffer)>;

struct BodySource {
  BodyReader read;
  // The body's exact length; nullopt sends it with Transfer-Encoding: chunked.
  std::optional<std::uint64_t> length;
  // Starts the body over. Needed only when the transport must resend (a kept-alive connection
  // that the server closed just as the request went out); without it such a request fails.
  std::function<bool()> rewind;
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  HeaderList headers;
  std::string body;                  // used when `source` is not set
  std::optional<BodySource> source;  // a streamed body
  // Overrides the client's total timeout for this request (e.g. a long Lambda invoke; 0 means
  // none). Such a request is bounded by its own timeout alone: the client's stall limit
  // (low_speed_*) does not apply, since an answer that takes long to compute moves no bytes.
  std::optional<std::chrono::milliseconds> timeout;
};

// Receives a successful response body in pieces, in order. An error aborts the transfer and is
// returned by send().
using BodySink = std::function<Status(std::string_view chunk)>;

struct HttpResponse {
  int status = 0;
  HeaderList headers;  // of the final response (interim 100 Continue headers are dropped)
  std::string body;    // the whole body, or for a streamed success nothing

  // Case-insensitive lookup; nullptr when absent.
  const std::string* header(std::string_view name) const;
  bool ok() const { return status >= 200 && status < 300; }
};

struct HttpClientOptions {
  std::chrono::milliseconds connect_timeout{5000};
  // Whole-request limit; 0 means none (a large object may take long but keeps moving).
  std::chrono::milliseconds timeout{0};
  // Abort when fewer than `low_speed_limit` bytes/s move for `low_speed_time` (waiting for the
  // answer counts as moving nothing); 0 disables. The defaults here are a library's (nothing
  // limited: the Lambda Runtime API's /next waits for work indefinitely); the AWS clients use
  // production_http_options() (service_clients.hpp).
  std::uint32_t low_speed_limit = 0;
  std::chrono::seconds low_speed_time{0};
  // Bodies at least this large are sent with Expect: 100-continue.
  std::uint64_t expect_continue_threshold = 1024ULL * 1024;
  std::chrono::milliseconds expect_continue_timeout{1000};
  // Idle connections kept in the shared cache.
  long max_connections = 64;
  std::string user_agent = "csv2ddb/0.1";
  // Copy _X_AMZN_TRACE_ID into X-Amzn-Trace-Id (when the request has none).
  bool trace_id_from_environment = true;
  // The direct path above; off, every request goes through curl_easy_perform.
  bool direct_small_requests = true;
  // A PEM bundle of CAs to trust instead of the system's (AWS_CA_BUNDLE); verification stays on.
  std::string ca_file;
};

// How many bytes of an error response body are kept.
inline constexpr std::size_t kMaxErrorBodyBytes = std::size_t{1024} * 1024;

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends one request and waits for the whole response. Thread-safe. With a sink, a 2xx body
  // goes to the sink and response.body stays empty; any other body lands in response.body.
  // A response with any status is a success here; only transport failures are errors.
  Result<HttpResponse> send(const HttpRequest& request, const BodySink& sink = {});

  const HttpClientOptions& options() const { return options_; }

 private:
  struct Impl;
  HttpClientOptions options_;
  std::unique_ptr<Impl> impl_;
};

// The URL as it may appear in a message or log: scheme, host and path, no query, no user info.
std::string redact_url(std::string_view url);

}  // namespace csv2ddb::aws
