// One kept-alive connection to one origin (scheme://host[:port]) for the HTTP client's direct
// path: curl opens it (CURLOPT_CONNECT_ONLY: DNS from the client's share, TCP, TLS verified as
// for every other request) and the client then writes each request and parses each response
// itself (http_wire.hpp), through curl_easy_send and curl_easy_recv.
//
// Why: a BatchWriteItem through curl_easy_perform cost about 7 system calls (five of them poll)
// and curl's state machine around them; the exchange here is a send, a recv that finds nothing
// yet, a poll that sleeps until the answer, and a recv. With thousands of requests a second
// that was a quarter of the ingest's CPU (bench/README.md).
#pragma once

#include <curl/curl.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "aws/http_client.hpp"

namespace csv2ddb::aws {

// When an exchange must be over, and how long it may go without a byte moving.
struct ExchangeLimits {
  std::optional<std::chrono::steady_clock::time_point> deadline;
  std::chrono::milliseconds total{0};  // what the deadline came from, for the message
  std::optional<std::chrono::milliseconds> stall;
};

class KeptConnection {
 public:
  // Connects to `origin`. Errors as HttpClient::send's, naming `request`.
  static Result<std::unique_ptr<KeptConnection>> open(const std::string& origin, CURLSH* share,
                                                      const HttpClientOptions& options,
                                                      const HttpRequest& request,
                                                      const ExchangeLimits& limits);
  ~KeptConnection();
  KeptConnection(const KeptConnection&) = delete;
  KeptConnection& operator=(const KeptConnection&) = delete;

  // The buffer the next request is written into (kept, so its memory is reused).
  std::string& wire() { return wire_; }
  // Sends wire() and reads one response.
  Result<HttpResponse> exchange(const HttpRequest& request, const ExchangeLimits& limits);

  const std::string& origin() const { return origin_; }
  // Whether the connection can carry another request.
  bool reusable() const { return reusable_; }
  // After a failed exchange: the server had closed the connection before any of this request's
  // response came, which on a kept-alive connection means it closed it while idle (the request
  // may be sent again on a new connection).
  bool closed_before_response() const { return closed_before_response_; }

 private:
  KeptConnection(CURL* handle, curl_socket_t socket, std::string origin);
  // Waits until the socket is ready for `events`; false with `error` set on a timeout.
  bool wait(short events, const HttpRequest& request, const ExchangeLimits& limits,
            std::chrono::steady_clock::time_point last_progress, Error& error);

  CURL* handle_;
  curl_socket_t socket_;
  std::string origin_;
  std::string wire_;
  std::string receive_buffer_;
  bool reusable_ = true;
  bool closed_before_response_ = false;
};

}  // namespace csv2ddb::aws
