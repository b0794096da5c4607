// Why a server of our own (about 500 lines) and not a library:
//  - Boost.Beast/Asio is not on the machine (a large new dependency) and leaves as much to
//    write: Beast gives a parser and an async model, the connection loop, limits, spooling and
//    the worker hand-off are still ours.
//  - cpp-httplib serves each connection on a pool thread for its whole keep-alive life, so N
//    idle SDK connections hold N threads and the N+1th client waits; it cannot drop a
//    connection without answering (our `--fault drop=R`), and it is a 10k-line header in every
//    build.
//  - What we need is small and well-specified: HTTP/1.1 framing (Content-Length, chunked),
//    100-continue, keep-alive and pipelining, and per-service size caps. An epoll reactor
//    owning every socket plus a worker pool for the blocking handlers gives many concurrent
//    connections on few threads, and our parser (http_request_parser) is fuzzed on its own.
#include "local/http/http_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

#include "local/http/http_request_parser.hpp"
#include "local/http/worker_pool.hpp"

namespace csv2ddb::local {
namespace {

constexpr std::size_t kReadChunk = 64 * 1024;
constexpr std::size_t kFileChunk = 256 * 1024;
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
constexpr auto kShutdownGrace = std::chrono::seconds(10);
// After refusing a request whose body is still arriving (too large, malformed), the server
// reads and drops what the client goes on sending, for a while, before it closes: a client
// that sends its whole body before reading (most do) then gets the answer, not a reset.
constexpr auto kLingerTime = std::chrono::seconds(3);
constexpr std::uint64_t kLingerMaxBytes = 64ULL * 1024 * 1024;

// kLingering: answered and half-closed, the rest of the client's input is read and dropped.
enum class Phase : std::uint8_t { kReading, kWorking, kWriting, kLingering };

struct Connection {
  int fd = -1;
  std::uint64_t id = 0;
  std::uint32_t watched = 0;  // the epoll events asked for, to skip asking again
  Phase phase = Phase::kReading;
  HttpRequestParser parser;
  std::string in;  // bytes read, not yet parsed
  std::string out;
  std::size_t out_pos = 0;
  bool close_after_write = false;
  bool linger_after_write = false;  // the request's body was not read to its end
  std::chrono::steady_clock::time_point linger_until{};
  std::uint64_t lingered_bytes = 0;
  // The body being received.
  BodyPolicy policy;
  std::uint64_t body_bytes = 0;
  int spool_fd = -1;
  // A file body being sent.
  int file_fd = -1;
  std::uint64_t file_remaining = 0;
  std::uint64_t file_offset = 0;
  bool closed = false;  // closed, to be erased after the current event (no dangling references)
};

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

}  // namespace

class HttpServer::Impl {
 public:
  Impl(HttpServerOptions options, HttpHandler& handler)
      : options_(std::move(options)), handler_(handler), pool_(options_.worker_threads) {}

  ~Impl() {
    for (auto& [id, conn] : connections_) release(*conn);
    close_fd(listen_fd_);
    close_fd(wake_fd_);
    close_fd(epoll_fd_);
  }

  Status open() {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (listen_fd_ < 0)
      return make_error("BindFailed", std::string("socket: ") + std::strerror(errno));
    const int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(options_.port);
    if (::inet_pton(AF_INET, options_.host.c_str(), &address.sin_addr) != 1) {
      return make_error("BindFailed", "not an IPv4 address: " + options_.host);
    }
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listen_fd_, 1024) != 0) {
      return make_error("BindFailed", "cannot listen on " + options_.host + ":" +
                                          std::to_string(options_.port) + ": " +
                                          std::strerror(errno));
    }
    socklen_t length = sizeof address;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
    wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (epoll_fd_ < 0 || wake_fd_ < 0) return make_error("BindFailed", "epoll/eventfd failed");
    watch(listen_fd_, EPOLLIN, kListenTag);
    watch(wake_fd_, EPOLLIN, kWakeTag);
    return {};
  }

  std::uint16_t port() const { return port_; }

  void stop() {
    stop_requested_.store(true);
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto written = ::write(wake_fd_, &one, sizeof one);
  }

  void run() {
    std::vector<epoll_event> events(256);
    std::chrono::steady_clock::time_point deadline{};
    for (;;) {
      if (stop_requested_.load() && !stopping_) begin_shutdown(deadline);
      if (stopping_ && (busy_connections() == 0 || std::chrono::steady_clock::now() > deadline)) {
        break;
      }
      const int timeout_ms = stopping_ ? 100 : linger_timeout_ms();
      const int count =
          ::epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), timeout_ms);
      if (count < 0 && errno != EINTR) break;
      handler_.begin_round();
      in_round_ = true;
      for (int i = 0; i < count; ++i) {
        dispatch_event(events[i]);
        erase_closed();
      }
      finish_round();
      end_expired_lingering();
    }
    pool_.stop();
    drain_completions();
    erase_closed();
  }

 private:
  static constexpr std::uint64_t kListenTag = 0;
  static constexpr std::uint64_t kWakeTag = 1;

  void watch(int fd, std::uint32_t events, std::uint64_t tag) {
    epoll_event event{};
    event.events = events;
    event.data.u64 = tag;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event);
  }
  void rewatch(Connection& conn, std::uint32_t events) {
    if (conn.watched == events) return;
    conn.watched = events;
    epoll_event event{};
    event.events = events;
    event.data.u64 = conn.id;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, conn.fd, &event);
  }

  // -1 (no timeout) unless a connection lingers: then until the first one's time is up.
  int linger_timeout_ms() const {
    if (lingering_.empty()) return -1;
    const auto now = std::chrono::steady_clock::now();
    auto first = std::chrono::steady_clock::time_point::max();
    for (std::uint64_t id : lingering_) {
      const auto found = connections_.find(id);
      if (found != connections_.end()) first = std::min(first, found->second->linger_until);
    }
    if (first == std::chrono::steady_clock::time_point::max()) return 0;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(first - now).count();
    return static_cast<int>(std::clamp<long long>(left + 1, 0, 60000));
  }

  void end_expired_lingering() {
    if (lingering_.empty()) return;
    const auto now = std::chrono::steady_clock::now();
    std::vector<std::uint64_t> still;
    for (std::uint64_t id : lingering_) {
      const auto found = connections_.find(id);
      if (found == connections_.end() || found->second->closed) continue;
      if (now >= found->second->linger_until) {
        close_connection(id);
      } else {
        still.push_back(id);
      }
    }
    lingering_.swap(still);
    erase_closed();
  }

  // Reads and drops input until the client closes, the time is up or too much came.
  void on_lingering_readable(Connection& conn) {
    char buffer[kReadChunk];
    for (;;) {
      const ssize_t got = ::recv(conn.fd, buffer, sizeof buffer, 0);
      if (got > 0) {
        conn.lingered_bytes += static_cast<std::uint64_t>(got);
        if (conn.lingered_bytes > kLingerMaxBytes) break;
        continue;
      }
      if (got < 0 && errno == EINTR) continue;
      if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      break;  // end of input or an error
    }
    close_connection(conn.id);
  }

  std::size_t busy_connections() const {
    std::size_t busy = 0;
    for (const auto& [id, conn] : connections_) {
      busy += conn->phase != Phase::kReading && conn->phase != Phase::kLingering;
    }
    return busy;
  }

  void begin_shutdown(std::chrono::steady_clock::time_point& deadline) {
    stopping_ = true;
    deadline = std::chrono::steady_clock::now() + kShutdownGrace;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listen_fd_, nullptr);
    close_fd(listen_fd_);
    // Idle keep-alive connections go now; busy ones once their response is written.
    std::vector<std::uint64_t> idle;
    for (const auto& [id, conn] : connections_) {
      if (conn->phase == Phase::kReading || conn->phase == Phase::kLingering) idle.push_back(id);
    }
    for (std::uint64_t id : idle) close_connection(id);
    erase_closed();
  }

  void dispatch_event(const epoll_event& event) {
    const std::uint64_t tag = event.data.u64;
    if (tag == kListenTag) return accept_all();
    if (tag == kWakeTag) {
      std::uint64_t value = 0;
      [[maybe_unused]] const auto got = ::read(wake_fd_, &value, sizeof value);
      drain_completions();
      return;
    }
    auto found = connections_.find(tag);
    if (found == connections_.end()) return;
    Connection& conn = *found->second;
    if (conn.closed) return;
    if (conn.phase == Phase::kWorking) {
      // Watched for nothing while a worker has the request, but epoll reports a reset or hang-up
      // regardless, and level-triggered it would report it on every loop: the client is gone,
      // so is the connection (the worker's answer is dropped when it comes).
      if (event.events & (EPOLLHUP | EPOLLERR)) close_connection(conn.id);
      return;
    }
    if (conn.phase == Phase::kLingering) {
      on_lingering_readable(conn);
      return;
    }
    if (conn.phase == Phase::kReading && (event.events & (EPOLLIN | EPOLLHUP | EPOLLERR))) {
      on_readable(conn);
    } else if (conn.phase == Phase::kWriting && (event.events & (EPOLLOUT | EPOLLHUP | EPOLLERR))) {
      on_writable(conn);
    }
  }

  void accept_all() {
    for (;;) {
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) return;  // EAGAIN, or out of descriptors: try again on the next event
      auto conn = std::make_unique<Connection>();
      conn->fd = fd;
      conn->id = next_id_++;
      conn->watched = EPOLLIN | EPOLLRDHUP;
      watch(fd, conn->watched, conn->id);
      connections_.emplace(conn->id, std::move(conn));
    }
  }

  void on_readable(Connection& conn) {
    char buffer[kReadChunk];
    for (;;) {
      const ssize_t got = ::recv(conn.fd, buffer, sizeof buffer, 0);
      if (got > 0) {
        conn.in.append(buffer, static_cast<std::size_t>(got));
        if (conn.in.size() >= kReadChunk) {
          // Parse as we go so a large body never sits whole in the input buffer.
          if (!parse_input(conn) || conn.closed || conn.phase != Phase::kReading) return;
        }
        // A short read took all there was: asking again would only hear EAGAIN. Whatever
        // comes next, epoll (level-triggered) reports.
        if (static_cast<std::size_t>(got) < sizeof buffer) break;
        continue;
      }
      if (got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
        close_connection(conn.id);
        return;
      }
      if (errno == EINTR) continue;
      break;
    }
    parse_input(conn);
  }

  // Runs the parser over the buffered input. False when the connection was closed.
  bool parse_input(Connection& conn) {
    std::size_t pos = 0;
    while (conn.phase == Phase::kReading && !conn.closed) {
      std::string_view piece;
      const std::string_view rest = std::string_view(conn.in).substr(pos);
      const std::size_t used = conn.parser.consume(rest, piece);
      pos += used;
      if (!piece.empty() && !take_body(conn, piece)) return false;
      const auto state = conn.parser.state();
      if (state == HttpRequestParser::State::kHeadComplete) {
        if (!on_head(conn)) return false;
        continue;
      }
      if (state == HttpRequestParser::State::kComplete) {
        conn.in.erase(0, pos);
        pos = 0;
        start_work(conn);
        return true;
      }
      if (state == HttpRequestParser::State::kError) {
        respond_protocol_error(conn);
        return true;
      }
      if (used == 0 || pos >= conn.in.size()) break;
    }
    if (!conn.closed) conn.in.erase(0, pos);
    return !conn.closed;
  }

  bool on_head(Connection& conn) {
    HttpRequest& request = conn.parser.request();
    conn.policy = handler_.body_policy(request);
    conn.body_bytes = 0;
    const auto length = conn.parser.content_length();
    if (length && *length > conn.policy.max_bytes) {
      refuse_too_large(conn);
      return true;
    }
    if (conn.parser.expects_continue() && conn.parser.has_body()) {
      conn.out.append(kContinue);
      flush_now(conn);
    }
    if (length)
      request.body.memory.reserve(
          static_cast<std::size_t>(std::min<std::uint64_t>(*length, options_.spool_threshold)));
    conn.parser.begin_body();
    return true;
  }

  bool take_body(Connection& conn, std::string_view piece) {
    conn.body_bytes += piece.size();
    if (conn.body_bytes > conn.policy.max_bytes) {
      refuse_too_large(conn);
      return true;
    }
    RequestBody& body = conn.parser.request().body;
    if (conn.spool_fd < 0 && conn.policy.spool_to_file &&
        conn.body_bytes > options_.spool_threshold && !options_.spool_dir.empty()) {
      std::string path = options_.spool_dir + "/body-XXXXXX";
      conn.spool_fd = ::mkostemp(path.data(), O_CLOEXEC);
      if (conn.spool_fd < 0) {
        close_connection(conn.id);
        return false;
      }
      body.file_path = path;
      if (!write_all(conn.spool_fd, body.memory)) return spool_failed(conn);
      body.memory.clear();
      body.memory.shrink_to_fit();
    }
    if (conn.spool_fd >= 0) {
      if (!write_all(conn.spool_fd, piece)) return spool_failed(conn);
    } else {
      body.memory.append(piece);
    }
    body.size = conn.body_bytes;
    return true;
  }

  bool spool_failed(Connection& conn) {
    close_connection(conn.id);
    return false;
  }

  static bool write_all(int fd, std::string_view data) {
    while (!data.empty()) {
      const ssize_t wrote = ::write(fd, data.data(), data.size());
      if (wrote < 0) {
        if (errno == EINTR) continue;
        return false;
      }
      data.remove_prefix(static_cast<std::size_t>(wrote));
    }
    return true;
  }

  // A body refused part-way (too large, malformed framing) leaves no spool file behind.
  void discard_spool(Connection& conn) {
    close_fd(conn.spool_fd);
    RequestBody& body = conn.parser.request().body;
    if (body.in_file()) {
      ::unlink(body.file_path.c_str());
      body.file_path.clear();
    }
  }

  void refuse_too_large(Connection& conn) {
    discard_spool(conn);
    HttpResponse response = handler_.body_too_large(conn.parser.request());
    response.close_connection = true;
    conn.linger_after_write = true;
    send_response(conn, std::move(response), false);
  }

  void respond_protocol_error(Connection& conn) {
    discard_spool(conn);
    HttpResponse response;
    response.status = conn.parser.error_status();
    response.body = conn.parser.error_message() + "\n";
    response.add_header("Content-Type", "text/plain");
    response.close_connection = true;
    conn.linger_after_write = true;
    send_response(conn, std::move(response), false);
  }

  static HttpResponse run_handler(HttpHandler& handler, HttpRequest& request) {
    HttpResponse response;
    try {
      response = handler.handle(request);
    } catch (const std::exception&) {
      response = HttpResponse{};
      response.status = 500;
    }
    // A spooled body the handler did not take over is deleted here.
    if (request.body.in_file()) {
      ::unlink(request.body.file_path.c_str());
      request.body.file_path.clear();
    }
    return response;
  }

  void start_work(Connection& conn) {
    close_fd(conn.spool_fd);
    const bool keep_alive = conn.parser.keep_alive();
    if (conn.policy.run_inline) {
      HttpRequest& request = conn.parser.request();
      HttpResponse response = run_handler(handler_, request);
      if (!keep_alive) response.close_connection = true;
      if (in_round_) {
        // Answered when the round ends (finish_round); until then the connection reads nothing
        // more, so its next request waits for this answer as it would without rounds.
        conn.phase = Phase::kWorking;
        deferred_.push_back({conn.id, std::move(response), request.method == "HEAD"});
        return;
      }
      send_response(conn, std::move(response), request.method == "HEAD");
      return;
    }
    conn.phase = Phase::kWorking;
    rewatch(conn, 0);
    auto request = std::make_shared<HttpRequest>(std::move(conn.parser.request()));
    const std::uint64_t id = conn.id;
    pool_.submit([this, id, request, keep_alive] {
      HttpResponse response = run_handler(handler_, *request);
      if (!keep_alive) response.close_connection = true;
      const bool head_only = request->method == "HEAD";
      {
        std::lock_guard<std::mutex> lock(completions_mutex_);
        completions_.push_back({id, std::move(response), head_only});
      }
      const std::uint64_t one = 1;
      [[maybe_unused]] const auto written = ::write(wake_fd_, &one, sizeof one);
    });
  }

  struct Completion {
    std::uint64_t id;
    HttpResponse response;
    bool head_only;
  };

  // The round's end: the handler settles (commits) the round's work and may rewrite the
  // answers, which are sent only then. Requests that the answers' connections had already sent
  // (pipelined) run as they are parsed, outside any round.
  void finish_round() {
    in_round_ = false;
    std::vector<HttpResponse*> responses;
    responses.reserve(deferred_.size());
    for (Completion& done : deferred_) responses.push_back(&done.response);
    handler_.end_round(responses);
    std::vector<Completion> ready;
    ready.swap(deferred_);
    for (Completion& done : ready) {
      auto found = connections_.find(done.id);
      if (found == connections_.end() || found->second->closed) continue;  // client went away
      send_response(*found->second, std::move(done.response), done.head_only);
      erase_closed();
    }
  }

  void drain_completions() {
    std::deque<Completion> ready;
    {
      std::lock_guard<std::mutex> lock(completions_mutex_);
      ready.swap(completions_);
    }
    for (Completion& done : ready) {
      auto found = connections_.find(done.id);
      if (found == connections_.end() || found->second->closed) continue;  // client went away
      send_response(*found->second, std::move(done.response), done.head_only);
    }
    erase_closed();
  }

  void send_response(Connection& conn, HttpResponse response, bool head_only) {
    if (response.drop_without_response) {
      close_connection(conn.id);
      return;
    }
    conn.close_after_write = response.close_connection || stopping_;
    std::uint64_t length = response.body.size();
    if (!response.body_file.empty()) {
      conn.file_fd = ::open(response.body_file.c_str(), O_RDONLY | O_CLOEXEC);
      if (conn.file_fd < 0) {
        response.status = 500;
        response.body.clear();
        length = 0;
        conn.close_after_write = true;
      } else {
        conn.file_offset = response.body_file_offset;
        conn.file_remaining = response.body_file_length;
        length = response.body_file_length;
      }
    }
    std::string& out = conn.out;
    out += "HTTP/1.1 ";
    out += std::to_string(response.status);
    out += ' ';
    out += reason_phrase(response.status);
    out += "\r\n";
    bool has_length = false;
    for (const aws::Header& header : response.headers) {
      has_length = has_length || aws::header_name_equals(header.name, "content-length");
      out += header.name;
      out += ": ";
      out += header.value;
      out += "\r\n";
    }
    if (!has_length) out += "Content-Length: " + std::to_string(length) + "\r\n";
    if (conn.close_after_write) out += "Connection: close\r\n";
    out += "\r\n";
    if (head_only) {
      close_fd(conn.file_fd);
      conn.file_remaining = 0;
    } else {
      out += response.body;
    }
    conn.phase = Phase::kWriting;
    on_writable(conn);
  }

  // Writes what can be written without blocking; used for the interim 100 Continue.
  void flush_now(Connection& conn) {
    while (conn.out_pos < conn.out.size()) {
      const ssize_t sent = ::send(conn.fd, conn.out.data() + conn.out_pos,
                                  conn.out.size() - conn.out_pos, MSG_NOSIGNAL);
      if (sent <= 0) return;  // the rest goes out before the response
      conn.out_pos += static_cast<std::size_t>(sent);
    }
    conn.out.clear();
    conn.out_pos = 0;
  }

  void on_writable(Connection& conn) {
    for (;;) {
      if (conn.out_pos == conn.out.size()) {
        conn.out.clear();
        conn.out_pos = 0;
        if (conn.file_remaining == 0) break;
        const auto want =
            static_cast<std::size_t>(std::min<std::uint64_t>(kFileChunk, conn.file_remaining));
        conn.out.resize(want);
        const ssize_t got =
            ::pread(conn.file_fd, conn.out.data(), want, static_cast<off_t>(conn.file_offset));
        if (got <= 0) {
          close_connection(conn.id);
          return;
        }
        conn.out.resize(static_cast<std::size_t>(got));
        conn.file_offset += static_cast<std::uint64_t>(got);
        conn.file_remaining -= static_cast<std::uint64_t>(got);
      }
      const ssize_t sent = ::send(conn.fd, conn.out.data() + conn.out_pos,
                                  conn.out.size() - conn.out_pos, MSG_NOSIGNAL);
      if (sent < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
          rewatch(conn, EPOLLOUT);
          return;
        }
        close_connection(conn.id);
        return;
      }
      conn.out_pos += static_cast<std::size_t>(sent);
    }
    close_fd(conn.file_fd);
    if (conn.close_after_write) {
      ::shutdown(conn.fd, SHUT_WR);
      if (conn.linger_after_write && !stopping_) {
        conn.phase = Phase::kLingering;
        conn.linger_until = std::chrono::steady_clock::now() + kLingerTime;
        conn.in.clear();
        lingering_.push_back(conn.id);
        rewatch(conn, EPOLLIN | EPOLLRDHUP);
        on_lingering_readable(conn);
        return;
      }
      close_connection(conn.id);
      return;
    }
    conn.phase = Phase::kReading;
    conn.parser.reset();
    rewatch(conn, EPOLLIN | EPOLLRDHUP);
    if (!conn.in.empty()) parse_input(conn);  // a pipelined request already arrived
  }

  void release(Connection& conn) {
    // While a worker has the request, the spool file is its to delete (run_handler).
    if (conn.phase != Phase::kWorking) discard_spool(conn);
    close_fd(conn.spool_fd);
    close_fd(conn.file_fd);
    close_fd(conn.fd);
  }

  // Closes now, erases later (erase_closed), so callers up the stack keep a valid reference.
  // A worker still holding the request just has its answer dropped when it comes.
  void close_connection(std::uint64_t id) {
    auto found = connections_.find(id);
    if (found == connections_.end() || found->second->closed) return;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, found->second->fd, nullptr);
    release(*found->second);
    found->second->closed = true;
    closed_.push_back(id);
  }

  void erase_closed() {
    for (std::uint64_t id : closed_) connections_.erase(id);
    closed_.clear();
  }

  HttpServerOptions options_;
  HttpHandler& handler_;
  WorkerPool pool_;
  int listen_fd_ = -1;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  std::uint16_t port_ = 0;
  std::uint64_t next_id_ = 2;  // 0 and 1 tag the listener and the wake-up eventfd
  std::unordered_map<std::uint64_t, std::unique_ptr<Connection>> connections_;
  std::vector<std::uint64_t> closed_;
  std::vector<std::uint64_t> lingering_;  // connections in Phase::kLingering
  std::atomic<bool> stop_requested_{false};
  bool stopping_ = false;
  std::mutex completions_mutex_;
  std::deque<Completion> completions_;
  bool in_round_ = false;             // between the handler's begin_round() and finish_round()
  std::vector<Completion> deferred_;  // the round's inline answers, in the order they ran
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpServer::~HttpServer() = default;

Result<std::unique_ptr<HttpServer>> HttpServer::listen(const HttpServerOptions& options,
                                                       HttpHandler& handler) {
  auto impl = std::make_unique<Impl>(options, handler);
  if (Status opened = impl->open(); !opened) return opened.take_error();
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

std::uint16_t HttpServer::port() const {
  return impl_->port();
}
void HttpServer::run() {
  impl_->run();
}
void HttpServer::stop() {
  impl_->stop();
}

}  // namespace csv2ddb::local
