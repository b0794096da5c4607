#include "aws/http_client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iterator>
#include <mutex>
#include <optional>
#include <vector>

#include "aws/curl_errors.hpp"
#include "aws/endpoints.hpp"
#include "aws/http_wire.hpp"
#include "aws/kept_connection.hpp"

namespace csv2ddb::aws {
namespace {

constexpr std::string_view kTraceIdHeader = "X-Amzn-Trace-Id";
constexpr const char* kTraceIdVariable = "_X_AMZN_TRACE_ID";
constexpr long kTransferBufferBytes = 256L * 1024;
// curl sends a POSTFIELDS body with the head when it is smaller than this (MAX_INITIAL_POST_SIZE).
constexpr std::size_t kOneSendBodyBytes = std::size_t{64} * 1024;

void global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// Everything one transfer's callbacks need.
struct Transfer {
  const HttpRequest* request = nullptr;
  const BodySink* sink = nullptr;
  HttpResponse* response = nullptr;
  std::size_t body_offset = 0;          // string bodies: bytes handed to curl so far
  std::optional<Error> callback_error;  // a body reader's or sink's failure
};

std::string_view trim_line(std::string_view s) {
  while (!s.empty() &&
         (s.back() == '\r' || s.back() == '\n' || s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  std::size_t bytes = size * count;
  std::string_view line = trim_line(std::string_view(data, bytes));
  if (line.substr(0, 5) == "HTTP/") {
    // A new status line: an interim response (100 Continue) is over, or this is the first.
    transfer->response->headers.clear();
    auto space = line.find(' ');
    transfer->response->status = space == std::string_view::npos
                                     ? 0
                                     : std::atoi(std::string(line.substr(space + 1, 3)).c_str());
    return bytes;
  }
  auto colon = line.find(':');
  if (colon != std::string_view::npos && colon > 0) {
    transfer->response->headers.push_back(
        Header{std::string(line.substr(0, colon)), std::string(trim_line(line.substr(colon + 1)))});
  }
  return bytes;
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  std::size_t bytes = size * count;
  HttpResponse& response = *transfer->response;
  if (transfer->sink != nullptr && *transfer->sink && response.ok()) {
    if (auto status = (*transfer->sink)(std::string_view(data, bytes)); !status) {
      transfer->callback_error = status.take_error();
      return 0;  // makes curl stop with CURLE_WRITE_ERROR
    }
    return bytes;
  }
  std::size_t room = kMaxErrorBodyBytes - std::min(kMaxErrorBodyBytes, response.body.size());
  if (response.ok() || transfer->sink == nullptr || !*transfer->sink) room = bytes;
  response.body.append(data, std::min(bytes, room));
  return bytes;
}

std::size_t on_read(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  std::size_t capacity = size * count;
  const HttpRequest& request = *transfer->request;
  if (request.source) {
    auto got = request.source->read(std::span<char>(buffer, capacity));
    if (!got) {
      transfer->callback_error = got.take_error();
      return CURL_READFUNC_ABORT;
    }
    return *got;
  }
  std::size_t n = std::min(capacity, request.body.size() - transfer->body_offset);
  request.body.copy(buffer, n, transfer->body_offset);
  transfer->body_offset += n;
  return n;
}

int on_seek(void* user, curl_off_t offset, int origin) {
  auto* transfer = static_cast<Transfer*>(user);
  if (origin != SEEK_SET || offset < 0) return CURL_SEEKFUNC_CANTSEEK;
  const HttpRequest& request = *transfer->request;
  if (request.source) {
    if (offset != 0 || !request.source->rewind || !request.source->rewind()) {
      return CURL_SEEKFUNC_CANTSEEK;
    }
    return CURL_SEEKFUNC_OK;
  }
  if (static_cast<std::uint64_t>(offset) > request.body.size()) return CURL_SEEKFUNC_FAIL;
  transfer->body_offset = static_cast<std::size_t>(offset);
  return CURL_SEEKFUNC_OK;
}

bool has_header(const HeaderList& headers, std::string_view name) {
  return find_header(headers, name) != nullptr;
}

struct HeaderListGuard {
  curl_slist* list = nullptr;
  ~HeaderListGuard() { curl_slist_free_all(list); }
  void add(const std::string& line) {
    curl_slist* next = curl_slist_append(list, line.c_str());
    if (next != nullptr) list = next;
  }
};

// How a request goes on the wire, as far as curl's options are concerned.
enum class BodyMode : std::uint8_t {
  kHead,          // NOBODY
  kGet,           // HTTPGET
  kNoBody,        // another method without a body (DELETE)
  kInMemory,      // POSTFIELDS: the body goes with the head in one send
  kUpload,        // UPLOAD with a read callback and a known length
  kChunkedUpload  // UPLOAD with a read callback, Transfer-Encoding: chunked
};

// The options a handle was set up with. A handle whose last request had the same shape keeps
// them, and the next request sets only what is its own (data pointers, body, headers): a
// curl_easy_reset and the ~30 options after it for every request cost more than the rest of
// our side of a BatchWriteItem, where every request has the same shape.
struct Shape {
  std::string method;
  std::string url;
  BodyMode mode = BodyMode::kGet;
  std::chrono::milliseconds timeout{0};
  bool stall_limit = false;  // LOW_SPEED_* set
  bool operator==(const Shape&) const = default;
};

BodyMode body_mode_of(const HttpRequest& request, const HttpClientOptions& options) {
  if (request.method == "HEAD") return BodyMode::kHead;
  const bool has_body = request.source.has_value() || !request.body.empty() ||
                        request.method == "PUT" || request.method == "POST" ||
                        request.method == "PATCH";
  if (!has_body) return request.method == "GET" ? BodyMode::kGet : BodyMode::kNoBody;
  // A small body in memory goes out with the request head in one send(): curl appends
  // POSTFIELDS of under 64 KB to the head, where a read callback costs a second send and, on the
  // server, a second read. This is every DynamoDB call.
  if (!request.source && request.body.size() < kOneSendBodyBytes &&
      request.body.size() < options.expect_continue_threshold) {
    return BodyMode::kInMemory;
  }
  if (request.source && !request.source->length) return BodyMode::kChunkedUpload;
  return BodyMode::kUpload;
}

Shape shape_of(const HttpRequest& request, const HttpClientOptions& options) {
  Shape shape;
  shape.method = request.method;
  shape.url = request.url;
  shape.mode = body_mode_of(request, options);
  shape.timeout = request.timeout.value_or(options.timeout);
  shape.stall_limit =
      !request.timeout && options.low_speed_limit > 0 && options.low_speed_time.count() > 0;
  return shape;
}

// Everything about a handle that does not depend on the request's data.
void set_up_handle(CURL* handle, CURLSH* share, const HttpClientOptions& options,
                   const Shape& shape) {
  curl_easy_setopt(handle, CURLOPT_SHARE, share);
  curl_easy_setopt(handle, CURLOPT_URL, shape.url.c_str());
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_PATH_AS_IS, 1L);  // S3 keys may hold "//" and ".."
  curl_easy_setopt(handle, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
  curl_easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options.ca_file.empty()) curl_easy_setopt(handle, CURLOPT_CAINFO, options.ca_file.c_str());
  curl_easy_setopt(handle, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(handle, CURLOPT_MAXCONNECTS, options.max_connections);
  curl_easy_setopt(handle, CURLOPT_BUFFERSIZE, kTransferBufferBytes);
  curl_easy_setopt(handle, CURLOPT_UPLOAD_BUFFERSIZE, kTransferBufferBytes);
  curl_easy_setopt(handle, CURLOPT_USERAGENT, options.user_agent.c_str());
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options.connect_timeout.count()));
  curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(shape.timeout.count()));
  if (shape.stall_limit) {
    curl_easy_setopt(handle, CURLOPT_LOW_SPEED_LIMIT, static_cast<long>(options.low_speed_limit));
    curl_easy_setopt(handle, CURLOPT_LOW_SPEED_TIME,
                     static_cast<long>(options.low_speed_time.count()));
  }
  curl_easy_setopt(handle, CURLOPT_EXPECT_100_TIMEOUT_MS,
                   static_cast<long>(options.expect_continue_timeout.count()));
  curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, &on_body);
  switch (shape.mode) {
    case BodyMode::kHead:
      curl_easy_setopt(handle, CURLOPT_NOBODY, 1L);
      break;
    case BodyMode::kGet:
      curl_easy_setopt(handle, CURLOPT_HTTPGET, 1L);
      break;
    case BodyMode::kNoBody:
      curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, shape.method.c_str());
      break;
    case BodyMode::kInMemory:
      // POSTFIELDS itself is the request's; a method other than POST is named.
      if (shape.method != "POST") {
        curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, shape.method.c_str());
      }
      break;
    case BodyMode::kUpload:
    case BodyMode::kChunkedUpload:
      curl_easy_setopt(handle, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt(handle, CURLOPT_READFUNCTION, &on_read);
      curl_easy_setopt(handle, CURLOPT_SEEKFUNCTION, &on_seek);
      if (shape.method != "PUT") {
        curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, shape.method.c_str());
      }
      break;
  }
}

// curl's proxy variables: with any of them set, requests take curl's own path, which honours
// them (and NO_PROXY).
bool proxy_in_environment() {
  for (const char* name :
       {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"}) {
    if (const char* value = std::getenv(name); value != nullptr && value[0] != '\0') return true;
  }
  return false;
}

const char* trace_id_for(const HttpRequest& request, const HttpClientOptions& options) {
  if (!options.trace_id_from_environment || has_header(request.headers, kTraceIdHeader)) {
    return nullptr;
  }
  const char* trace = std::getenv(kTraceIdVariable);
  return trace != nullptr && trace[0] != '\0' ? trace : nullptr;
}

// A CR, LF or NUL in a header or the URL would end the line early and let what follows be read
// as another header, or another request: whatever put it there (a variable, a profile, a file),
// it is refused before anything is sent, naming where it is but never its value (which may be
// a secret).
Status check_framing(const HttpRequest& request) {
  auto breaks = [](std::string_view text) {
    return text.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
  };
  if (breaks(request.url)) {
    return make_error("InvalidRequest", "the URL holds a line break or NUL; check the endpoint");
  }
  for (const Header& header : request.headers) {
    if (breaks(header.name) || breaks(header.value)) {
      const std::string name =
          breaks(header.name) ? std::string("a") : "the " + header.name;  // a name may break too
      return make_error("InvalidRequest", name +
                                              " header holds a line break or NUL; check where it "
                                              "comes from (environment, profile, credentials)");
    }
  }
  return {};
}

}  // namespace

struct HttpClient::Impl {
  // An idle handle with the shape of the request it last sent.
  struct Pooled {
    CURL* handle = nullptr;
    Shape shape;
  };

  CURLSH* share = nullptr;
  std::array<std::mutex, CURL_LOCK_DATA_LAST> share_locks;
  std::mutex pool_mutex;
  std::vector<Pooled> idle;
  std::vector<std::unique_ptr<KeptConnection>> idle_direct;  // most recently used last
  bool direct_allowed = false;

  Impl() {
    share = curl_share_init();
    curl_share_setopt(share, CURLSHOPT_LOCKFUNC, &Impl::lock);
    curl_share_setopt(share, CURLSHOPT_UNLOCKFUNC, &Impl::unlock);
    curl_share_setopt(share, CURLSHOPT_USERDATA, this);
    curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  }
  ~Impl() {
    for (Pooled& pooled : idle) curl_easy_cleanup(pooled.handle);
    idle_direct.clear();  // before the share their handles use
    curl_share_cleanup(share);
  }

  static void lock(CURL*, curl_lock_data data, curl_lock_access, void* user) {
    static_cast<Impl*>(user)->share_locks[static_cast<std::size_t>(data)].lock();
  }
  static void unlock(CURL*, curl_lock_data data, void* user) {
    static_cast<Impl*>(user)->share_locks[static_cast<std::size_t>(data)].unlock();
  }

  // An idle handle already set up for `shape` when there is one, else the most recently used
  // (whose connection is the likeliest to be open) reset and set up again, else a new one.
  // nullptr only when curl cannot make a handle.
  CURL* acquire(const Shape& shape, const HttpClientOptions& options) {
    Pooled taken;
    {
      std::lock_guard<std::mutex> guard(pool_mutex);
      auto match = std::find_if(idle.rbegin(), idle.rend(),
                                [&](const Pooled& pooled) { return pooled.shape == shape; });
      if (match != idle.rend()) {
        CURL* handle = match->handle;
        idle.erase(std::next(match).base());
        return handle;
      }
      if (!idle.empty()) {
        taken = std::move(idle.back());
        idle.pop_back();
      }
    }
    if (taken.handle != nullptr) {
      curl_easy_reset(taken.handle);  // options only: the handle keeps its connection
    } else {
      taken.handle = curl_easy_init();
      if (taken.handle == nullptr) return nullptr;
    }
    set_up_handle(taken.handle, share, options, shape);
    return taken.handle;
  }

  Result<HttpResponse> send_direct(const HttpRequest& request, const Shape& shape,
                                   const HttpClientOptions& options);

  // The most recently used idle connection to `origin`, or nullptr.
  std::unique_ptr<KeptConnection> take_direct(const std::string& origin) {
    std::lock_guard<std::mutex> guard(pool_mutex);
    for (auto it = idle_direct.rbegin(); it != idle_direct.rend(); ++it) {
      if ((*it)->origin() == origin) {
        std::unique_ptr<KeptConnection> taken = std::move(*it);
        idle_direct.erase(std::next(it).base());
        return taken;
      }
    }
    return nullptr;
  }

  void release_direct(std::unique_ptr<KeptConnection> connection, long max_idle) {
    std::lock_guard<std::mutex> guard(pool_mutex);
    idle_direct.push_back(std::move(connection));
    if (static_cast<long>(idle_direct.size()) > std::max(1L, max_idle)) {
      idle_direct.erase(idle_direct.begin());  // the longest idle
    }
  }

  // Back to the pool. The options that point into the finished request are cleared first, so
  // an idle handle holds no pointer to memory that is gone.
  void release(CURL* handle, Shape shape) {
    curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, nullptr);
    curl_easy_setopt(handle, CURLOPT_HTTPHEADER, nullptr);
    curl_easy_setopt(handle, CURLOPT_HEADERDATA, nullptr);
    curl_easy_setopt(handle, CURLOPT_WRITEDATA, nullptr);
    curl_easy_setopt(handle, CURLOPT_READDATA, nullptr);
    curl_easy_setopt(handle, CURLOPT_SEEKDATA, nullptr);
    if (shape.mode == BodyMode::kInMemory) {
      curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t{0});
      curl_easy_setopt(handle, CURLOPT_POSTFIELDS, "");
    }
    std::lock_guard<std::mutex> guard(pool_mutex);
    idle.push_back(Pooled{handle, std::move(shape)});
  }
};

const std::string* HttpResponse::header(std::string_view name) const {
  const Header* h = find_header(headers, name);
  return h == nullptr ? nullptr : &h->value;
}

HttpClient::HttpClient(HttpClientOptions options) : options_(std::move(options)) {
  global_init_once();
  impl_ = std::make_unique<Impl>();
  impl_->direct_allowed = options_.direct_small_requests && !proxy_in_environment();
}

HttpClient::~HttpClient() = default;

Result<HttpResponse> HttpClient::send(const HttpRequest& request, const BodySink& sink) {
  if (Status framed = check_framing(request); !framed) return framed.take_error();
  Shape shape = shape_of(request, options_);
  if (shape.mode == BodyMode::kInMemory && !sink && impl_->direct_allowed) {
    return impl_->send_direct(request, shape, options_);
  }
  CURL* handle = impl_->acquire(shape, options_);
  if (handle == nullptr) return make_error("HttpTransportError", "curl_easy_init failed");
  // Declared before everything the handle points to, so it runs last.
  struct Releaser {
    Impl* impl;
    CURL* handle;
    Shape& shape;
    ~Releaser() { impl->release(handle, std::move(shape)); }
  } releaser{impl_.get(), handle, shape};

  HttpResponse response;
  Transfer transfer{&request, &sink, &response, 0, std::nullopt};
  char error_buffer[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(handle, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, &transfer);

  HeaderListGuard headers;
  for (const Header& h : request.headers) {
    // curl's syntax for a header with an empty value is "Name;".
    headers.add(h.value.empty() ? h.name + ";" : h.name + ": " + h.value);
  }
  if (const char* trace = trace_id_for(request, options_); trace != nullptr) {
    headers.add(std::string(kTraceIdHeader) + ": " + trace);
  }

  switch (shape.mode) {
    case BodyMode::kHead:
    case BodyMode::kGet:
    case BodyMode::kNoBody:
      break;
    case BodyMode::kInMemory:
      curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
      curl_easy_setopt(handle, CURLOPT_POSTFIELDS, request.body.data());
      // Without these curl would add its form defaults (a form Content-Type, and Expect for a
      // body over 1 KB in some versions) to a request that did not ask for them.
      if (!has_header(request.headers, "Content-Type")) headers.add("Content-Type:");
      if (!has_header(request.headers, "Expect")) headers.add("Expect:");
      break;
    case BodyMode::kUpload:
    case BodyMode::kChunkedUpload: {
      curl_easy_setopt(handle, CURLOPT_READDATA, &transfer);
      curl_easy_setopt(handle, CURLOPT_SEEKDATA, &transfer);
      std::optional<std::uint64_t> length = request.source
                                                ? request.source->length
                                                : std::optional<std::uint64_t>(request.body.size());
      if (length) {
        curl_easy_setopt(handle, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(*length));
      } else if (!has_header(request.headers, "Transfer-Encoding")) {
        headers.add("Transfer-Encoding: chunked");
      }
      // A small body costs less to send than a round trip waiting for 100 Continue.
      bool small = length && *length < options_.expect_continue_threshold;
      if (small && !has_header(request.headers, "Expect")) headers.add("Expect:");
      break;
    }
  }
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers.list);

  CURLcode code = curl_easy_perform(handle);
  if (transfer.callback_error) return std::move(*transfer.callback_error);
  if (code != CURLE_OK) return classify_curl_failure(code, handle, request, error_buffer);
  long status = 0;
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  return response;
}

// The direct path (kept_connection.hpp). A kept connection the server closed while it sat idle
// fails before any of the response comes; the request then goes once more on a new connection,
// as curl does for its own kept connections.
Result<HttpResponse> HttpClient::Impl::send_direct(const HttpRequest& request, const Shape& shape,
                                                   const HttpClientOptions& options) {
  auto parts = split_url(request.url);
  if (!parts) {
    return make_error("HttpTransportError", request_label(request) + parts.error().message);
  }
  const std::string origin = parts->scheme + "://" + parts->host;
  std::string target = parts->path;
  if (!parts->query.empty()) target += "?" + parts->query;
  const char* trace = trace_id_for(request, options);

  ExchangeLimits limits;
  limits.total = shape.timeout;
  if (shape.timeout.count() > 0) limits.deadline = std::chrono::steady_clock::now() + shape.timeout;
  if (shape.stall_limit) limits.stall = options.low_speed_time;

  for (int attempt = 0;; ++attempt) {
    std::unique_ptr<KeptConnection> connection;
    if (attempt == 0) connection = take_direct(origin);
    const bool reused = connection != nullptr;
    if (!connection) {
      auto opened = KeptConnection::open(origin, share, options, request, limits);
      if (!opened) return opened.take_error();
      connection = std::move(*opened);
    }
    std::string& wire = connection->wire();
    wire.clear();
    append_http_request(wire, request, target, parts->host, options.user_agent,
                        trace == nullptr ? "" : trace);
    auto response = connection->exchange(request, limits);
    if (response) {
      if (connection->reusable()) release_direct(std::move(connection), options.max_connections);
      return response;
    }
    if (!(reused && connection->closed_before_response())) return response;
  }
}

std::string redact_url(std::string_view url) {
  auto cut = url.find_first_of("?#");
  std::string_view base = url.substr(0, cut);
  // Drop user info ("https://user:pass@host/...").
  auto scheme_end = base.find("://");
  std::size_t host_start = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
  auto path_start = base.find('/', host_start);
  auto at = base.substr(0, path_start).rfind('@');
  if (at != std::string_view::npos && at >= host_start) {
    return std::string(base.substr(0, host_start)) + std::string(base.substr(at + 1));
  }
  return std::string(base);
}

}  // namespace csv2ddb::aws
