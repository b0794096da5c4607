#include "aws/kept_connection.hpp"

#include <poll.h>

#include <algorithm>
#include <cerrno>

#include "aws/curl_errors.hpp"
#include "aws/http_wire.hpp"

namespace csv2ddb::aws {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kReceiveBufferBytes = std::size_t{32} * 1024;

long remaining_ms(const ExchangeLimits& limits) {
  if (!limits.deadline) return 0;
  auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(*limits.deadline - Clock::now());
  return std::max<long>(1, static_cast<long>(left.count()));
}

Error connection_reset(const HttpRequest& request, std::string_view what) {
  return make_error("ConnectionReset", request_label(request) + std::string(what));
}

}  // namespace

Result<std::unique_ptr<KeptConnection>> KeptConnection::open(const std::string& origin,
                                                             CURLSH* share,
                                                             const HttpClientOptions& options,
                                                             const HttpRequest& request,
                                                             const ExchangeLimits& limits) {
  CURL* handle = curl_easy_init();
  if (handle == nullptr) return make_error("HttpTransportError", "curl_easy_init failed");
  const std::string url = origin + "/";
  char error_buffer[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
  curl_easy_setopt(handle, CURLOPT_CONNECT_ONLY, 1L);
  curl_easy_setopt(handle, CURLOPT_SHARE, share);
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_PROXY, "");  // the client takes this path only without one
  curl_easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options.ca_file.empty()) curl_easy_setopt(handle, CURLOPT_CAINFO, options.ca_file.c_str());
  curl_easy_setopt(handle, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(handle, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options.connect_timeout.count()));
  curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, remaining_ms(limits));
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_buffer);
  CURLcode code = curl_easy_perform(handle);
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, nullptr);
  if (code != CURLE_OK) {
    Error error = classify_curl_failure(code, handle, request, error_buffer);
    curl_easy_cleanup(handle);
    return error;
  }
  curl_socket_t socket = CURL_SOCKET_BAD;
  if (curl_easy_getinfo(handle, CURLINFO_ACTIVESOCKET, &socket) != CURLE_OK ||
      socket == CURL_SOCKET_BAD) {
    curl_easy_cleanup(handle);
    return make_error("HttpTransportError", request_label(request) + "no socket after connecting");
  }
  return std::unique_ptr<KeptConnection>(new KeptConnection(handle, socket, origin));
}

KeptConnection::KeptConnection(CURL* handle, curl_socket_t socket, std::string origin)
    : handle_(handle), socket_(socket), origin_(std::move(origin)) {
  receive_buffer_.resize(kReceiveBufferBytes);
}

KeptConnection::~KeptConnection() {
  curl_easy_cleanup(handle_);
}

bool KeptConnection::wait(short events, const HttpRequest& request, const ExchangeLimits& limits,
                          Clock::time_point last_progress, Error& error) {
  while (true) {
    const auto now = Clock::now();
    std::optional<Clock::time_point> until = limits.deadline;
    bool stall_first = false;
    if (limits.stall && (!until || last_progress + *limits.stall < *until)) {
      until = last_progress + *limits.stall;
      stall_first = true;
    }
    int timeout_ms = -1;
    if (until) {
      if (*until <= now) {
        std::string what = stall_first ? "timed out (nothing moved for " +
                                             std::to_string(limits.stall->count()) + " ms)"
                                       : "timed out (no complete response within " +
                                             std::to_string(limits.total.count()) + " ms)";
        error = make_error("RequestTimeout", request_label(request) + what);
        return false;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*until - now).count() + 1;
      timeout_ms = static_cast<int>(std::min<long long>(left, 60'000));
    }
    pollfd descriptor{socket_, events, 0};
    int ready = ::poll(&descriptor, 1, timeout_ms);
    if (ready > 0) return true;  // readable, writable, or an error the next call will report
    if (ready < 0 && errno != EINTR) {
      error = connection_reset(request, "poll failed");
      return false;
    }
  }
}

Result<HttpResponse> KeptConnection::exchange(const HttpRequest& request,
                                              const ExchangeLimits& limits) {
  closed_before_response_ = false;
  reusable_ = false;  // until the response is complete and says otherwise
  Error error;
  auto last_progress = Clock::now();

  std::size_t sent = 0;
  while (sent < wire_.size()) {
    std::size_t n = 0;
    CURLcode code = curl_easy_send(handle_, wire_.data() + sent, wire_.size() - sent, &n);
    if (code == CURLE_AGAIN) {
      if (!wait(POLLOUT, request, limits, last_progress, error)) return error;
      continue;
    }
    if (code != CURLE_OK) {
      closed_before_response_ = true;
      return connection_reset(request, "connection closed before the request was sent");
    }
    sent += n;
    last_progress = Clock::now();
  }

  HttpResponseParser parser;
  while (true) {
    std::size_t n = 0;
    CURLcode code = curl_easy_recv(handle_, receive_buffer_.data(), receive_buffer_.size(), &n);
    if (code == CURLE_AGAIN) {
      if (!wait(POLLIN, request, limits, last_progress, error)) return error;
      continue;
    }
    Result<HttpResponseParser::Progress> progress = HttpResponseParser::Progress::kNeedMore;
    if (code != CURLE_OK || n == 0) {
      closed_before_response_ = !parser.started();
      if (code != CURLE_OK) {
        return connection_reset(request, parser.started()
                                             ? "connection closed before the response was complete"
                                             : "connection closed before the response came");
      }
      progress = parser.end_of_stream();
    } else {
      last_progress = Clock::now();
      progress = parser.feed(std::string_view(receive_buffer_.data(), n));
    }
    if (!progress) {
      Error failure = progress.take_error();
      failure.message = request_label(request) + failure.message;
      return failure;
    }
    if (*progress == HttpResponseParser::Progress::kComplete) break;
  }
  reusable_ = parser.keep_alive();
  return std::move(parser.response());
}

}  // namespace csv2ddb::aws
