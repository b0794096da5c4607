// Why a server of our own and not a library:
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
//
// This file is the protocol: what a connection does with the bytes it reads (parse, body
// limits, spooling, 100-continue), when a request goes to a handler (dispatch.hpp) and how its
// answer is written back (connection.hpp), over the sockets the reactor watches (reactor.hpp).
#include "local/http/http_server.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <queue>
#include <unordered_map>

#include "local/http/connection.hpp"
#include "local/http/dispatch.hpp"
#include "local/http/reactor.hpp"

namespace csv2ddb::local {
namespace {

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
constexpr auto kShutdownGrace = std::chrono::seconds(10);
// After refusing a request whose body is still arriving (too large, malformed), the server
// reads and drops what the client goes on sending, for a while, before it closes.
constexpr auto kLingerTime = std::chrono::seconds(3);
constexpr std::uint64_t kLingerMaxBytes = 64ULL * 1024 * 1024;

}  // namespace

std::vector<HttpResponse> handle_one_by_one(
    std::span<HttpRequest* const> requests,
    const std::function<HttpResponse(HttpRequest&)>& handle) {
  std::vector<HttpResponse> responses;
  responses.reserve(requests.size());
  for (HttpRequest* request : requests) {
    try {
      responses.push_back(handle(*request));
    } catch (const std::exception&) {
      responses.emplace_back().status = 500;
    }
  }
  return responses;
}

HttpResponse HttpHandler::request_timed_out(const HttpRequest&) {
  HttpResponse response;
  response.status = 408;
  response.body = "request timed out\n";
  response.add_header("Content-Type", "text/plain");
  return response;
}

HttpResponse HttpHandler::server_busy(const HttpRequest&) {
  HttpResponse response;
  response.status = 503;
  response.body = "server busy\n";
  response.add_header("Content-Type", "text/plain");
  return response;
}

std::vector<HttpResponse> HttpHandler::handle_inline(std::span<HttpRequest* const> requests) {
  return handle_one_by_one(requests, [this](HttpRequest& request) { return handle(request); });
}

class HttpServer::Impl {
 public:
  Impl(HttpServerOptions options, HttpHandler& handler, std::unique_ptr<Reactor> reactor)
      : options_(std::move(options)),
        handler_(handler),
        reactor_(std::move(reactor)),
        dispatch_(handler, options_.worker_threads, [this] { reactor_->wake(); }) {}

  ~Impl() {
    for (auto& [id, conn] : connections_) release(*conn);
  }

  std::uint16_t port() const { return reactor_->port(); }

  void stop() {
    stop_requested_.store(true);
    reactor_->wake();
  }

  void run() {
    std::vector<epoll_event> events(256);
    std::chrono::steady_clock::time_point deadline{};
    for (;;) {
      if (stop_requested_.load() && !stopping_) begin_shutdown(deadline);
      if (stopping_ && (busy_connections() == 0 || std::chrono::steady_clock::now() > deadline)) {
        break;
      }
      const int count = reactor_->wait(events, stopping_ ? 100 : timeout_ms());
      if (count < 0) break;
      in_pass_ = true;
      for (int i = 0; i < count; ++i) {
        on_event(events[i]);
        erase_closed();
      }
      in_pass_ = false;
      answer(dispatch_.run_held());
      send_due_answers();
      erase_closed();
      end_expired_lingering();
      enforce_timeouts();
      resume_accepting_if_room();
    }
    dispatch_.stop();
    answer(dispatch_.take_finished());
    erase_closed();
  }

 private:
  // ---- events ----

  void on_event(const epoll_event& event) {
    const std::uint64_t tag = event.data.u64;
    if (tag == Reactor::kListenerTag) return accept_all();
    if (tag == Reactor::kWakeTag) {
      reactor_->clear_wake();
      answer(dispatch_.take_finished());
      return;
    }
    auto found = connections_.find(tag);
    if (found == connections_.end() || found->second->closed) return;
    Connection& conn = *found->second;
    switch (conn.phase) {
      case Phase::kWorking:
        // Watched for nothing while its request runs, but epoll reports a reset or hang-up
        // regardless, and level-triggered it would report it on every loop: the client is
        // gone, so is the connection (the answer is dropped when it comes).
        if (event.events & (EPOLLHUP | EPOLLERR)) close_connection(conn.id);
        return;
      case Phase::kLingering:
        if (drop_input(conn, kLingerMaxBytes) == IoResult::kClosed) close_connection(conn.id);
        return;
      case Phase::kReading:
        if (event.events & (EPOLLIN | EPOLLHUP | EPOLLERR)) on_readable(conn);
        return;
      case Phase::kWriting:
        if (event.events & (EPOLLOUT | EPOLLHUP | EPOLLERR)) on_writable(conn);
        return;
    }
  }

  void accept_all() {
    for (;;) {
      if (connections_.size() >= options_.max_connections) {
        pause_accepting(std::chrono::steady_clock::time_point::max());
        return;
      }
      bool out_of_fds = false;
      const int fd = reactor_->accept_one(out_of_fds);
      if (fd < 0) {
        // Out of descriptors, the listener stays ready: accepting again at once would spin.
        // Wait for a connection to close, or a moment.
        if (out_of_fds) {
          pause_accepting(std::chrono::steady_clock::now() + std::chrono::milliseconds(100));
        }
        return;
      }
      auto conn = std::make_unique<Connection>();
      conn->fd = fd;
      conn->id = next_id_++;
      conn->last_activity = std::chrono::steady_clock::now();
      conn->watched = EPOLLIN | EPOLLRDHUP;
      reactor_->watch(fd, conn->watched, conn->id);
      connections_.emplace(conn->id, std::move(conn));
    }
  }

  void rewatch(Connection& conn, std::uint32_t events) {
    if (conn.watched == events) return;
    conn.watched = events;
    reactor_->rewatch(conn.fd, events, conn.id);
  }

  // ---- back-pressure and timeouts ----

  void pause_accepting(std::chrono::steady_clock::time_point until) {
    reactor_->pause_accepting();
    accept_paused_ = true;
    accept_retry_at_ = until;
  }

  void resume_accepting_if_room() {
    if (!accept_paused_ || stopping_) return;
    const bool room = connections_.size() < options_.max_connections;
    const bool retry_due = accept_retry_at_ != std::chrono::steady_clock::time_point::max() &&
                           std::chrono::steady_clock::now() >= accept_retry_at_;
    if (!room || (!retry_due && !closed_since_pause_)) return;
    accept_paused_ = false;
    closed_since_pause_ = false;
    reactor_->resume_accepting();
  }

  // Once a second: idle connections closed, stalled requests and answers ended.
  void enforce_timeouts() {
    const auto now = std::chrono::steady_clock::now();
    if (now < next_timeout_sweep_) return;
    next_timeout_sweep_ = now + std::chrono::seconds(1);
    std::vector<std::uint64_t> idle, stalled_heads, stalled_bodies;
    for (const auto& [id, conn] : connections_) {
      if (conn->closed) continue;
      const auto quiet = now - conn->last_activity;
      if (conn->phase == Phase::kReading) {
        if (conn->request_started == std::chrono::steady_clock::time_point{}) {
          if (quiet > options_.idle_timeout) idle.push_back(id);
        } else if (conn->parser.state() == HttpRequestParser::State::kHead) {
          if (now - conn->request_started > options_.stall_timeout) stalled_heads.push_back(id);
        } else if (quiet > options_.stall_timeout) {
          stalled_bodies.push_back(id);
        }
      } else if (conn->phase == Phase::kWriting && quiet > options_.stall_timeout) {
        stalled_heads.push_back(id);  // the client stopped reading its answer
      }
    }
    for (std::uint64_t id : idle) close_connection(id);
    for (std::uint64_t id : stalled_heads) close_connection(id);
    for (std::uint64_t id : stalled_bodies) {
      Connection& conn = *connections_.at(id);
      discard_spool(conn);
      HttpResponse response = handler_.request_timed_out(conn.parser.request());
      response.close_connection = true;
      send_response(conn, std::move(response), false);
    }
    erase_closed();
  }

  // ---- reading a request ----

  void on_readable(Connection& conn) {
    conn.last_activity = std::chrono::steady_clock::now();
    if (conn.request_started == std::chrono::steady_clock::time_point{}) {
      conn.request_started = conn.last_activity;
    }
    for (;;) {
      const IoResult read = read_available(conn);
      if (read == IoResult::kClosed) {
        close_connection(conn.id);
        return;
      }
      if (!parse_input(conn) || conn.phase != Phase::kReading) return;
      if (read == IoResult::kDrained) return;
    }
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
        on_head(conn);
        continue;
      }
      if (state == HttpRequestParser::State::kComplete) {
        conn.in.erase(0, pos);
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

  void on_head(Connection& conn) {
    HttpRequest& request = conn.parser.request();
    conn.policy = handler_.body_policy(request);
    conn.body_bytes = 0;
    if (conn.policy.refusal) {  // refused from its headers: no body byte is taken
      HttpResponse response = std::move(*conn.policy.refusal);
      conn.policy.refusal.reset();
      response.close_connection = true;
      conn.linger_after_write = true;
      send_response(conn, std::move(response), false);
      return;
    }
    const auto length = conn.parser.content_length();
    if (length && *length > conn.policy.max_bytes) {
      refuse_too_large(conn);
      return;
    }
    // As S3 does, whatever the body's length: botocore, answered with a final status instead,
    // keeps that status for the next request on the connection, which then stalls for its
    // read timeout and is sent twice.
    // A body held in memory takes its declared length from the budget now (a chunked one as
    // it comes, in take_body).
    if (length && !conn.policy.spool_to_file && !take_budget(conn, *length)) {
      refuse_busy(conn);
      return;
    }
    if (conn.parser.expects_continue()) {
      conn.out.append(kContinue);
      flush_now(conn);
    }
    if (length) {
      request.body.memory.reserve(
          static_cast<std::size_t>(std::min<std::uint64_t>(*length, options_.spool_threshold)));
    }
    conn.parser.begin_body();
  }

  // False when the connection was closed.
  bool take_body(Connection& conn, std::string_view piece) {
    conn.body_bytes += piece.size();
    if (conn.body_bytes > conn.policy.max_bytes) {
      refuse_too_large(conn);
      return true;
    }
    RequestBody& body = conn.parser.request().body;
    if (conn.spool_fd < 0 && conn.policy.spool_to_file &&
        conn.body_bytes > options_.spool_threshold && !options_.spool_dir.empty()) {
      if (!start_spool(conn)) return false;
    }
    if (conn.spool_fd >= 0) {
      if (!write_all(conn.spool_fd, piece)) return fail_connection(conn);
    } else {
      if (!conn.parser.content_length() && !take_budget(conn, piece.size())) {
        refuse_busy(conn);
        return true;
      }
      body.memory.append(piece);
    }
    body.size = conn.body_bytes;
    return true;
  }

  // Moves what the body holds so far into a new spool file. False when the connection closed.
  bool start_spool(Connection& conn) {
    RequestBody& body = conn.parser.request().body;
    std::string path = options_.spool_dir + "/body-XXXXXX";
    conn.spool_fd = ::mkostemp(path.data(), O_CLOEXEC);
    if (conn.spool_fd < 0) return fail_connection(conn);
    body.file_path = path;
    if (!write_all(conn.spool_fd, body.memory)) return fail_connection(conn);
    body.memory.clear();
    body.memory.shrink_to_fit();
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

  // Takes `bytes` from the body memory budget for the connection's request; false when they
  // do not fit.
  bool take_budget(Connection& conn, std::uint64_t bytes) {
    if (budget_used_ + bytes > options_.body_memory_budget) return false;
    budget_used_ += bytes;
    conn.budgeted += bytes;
    return true;
  }

  void give_back_budget(Connection& conn) {
    budget_used_ -= std::min(budget_used_, conn.budgeted);
    conn.budgeted = 0;
  }

  void refuse_busy(Connection& conn) {
    discard_spool(conn);
    give_back_budget(conn);
    HttpResponse response = handler_.server_busy(conn.parser.request());
    response.close_connection = true;
    conn.linger_after_write = true;
    send_response(conn, std::move(response), false);
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

  // ---- handing the request over ----

  // Until its answer is sent the connection reads nothing more, so a pipelined request waits
  // for the one before it.
  void start_work(Connection& conn) {
    close_fd(conn.spool_fd);
    conn.request_started = {};
    const bool keep_alive = conn.parser.keep_alive();
    HttpRequest request = std::move(conn.parser.request());
    conn.phase = Phase::kWorking;
    if (!conn.policy.run_inline) {
      rewatch(conn, 0);
      dispatch_.run_on_worker(conn.id, std::move(request), keep_alive);
      return;
    }
    dispatch_.hold_inline(conn.id, std::move(request), keep_alive);
    // Outside a pass (a pipelined request parsed as its predecessor's answer went out) it runs
    // at once, on its own.
    if (!in_pass_) answer(dispatch_.run_held());
  }

  // Connections closed on the way are erased by the caller at the top of the stack. An answer
  // with a delay waits on the timer (send_due_answers); its connection reads nothing meanwhile.
  template <typename Answers>
  void answer(Answers&& answers) {
    for (Answer& done : answers) {
      auto found = connections_.find(done.connection);
      if (found == connections_.end() || found->second->closed) continue;  // client went away
      if (done.response.delay.count() > 0 && !stopping_) {
        rewatch(*found->second, 0);
        const auto due = std::chrono::steady_clock::now() + done.response.delay;
        delayed_.push(Delayed{due, sequence_++, std::move(done)});
        continue;
      }
      send_response(*found->second, std::move(done.response), done.head_only);
    }
  }

  // The delayed answers whose time has come (all of them when stopping), in time order.
  void send_due_answers() {
    const auto now = std::chrono::steady_clock::now();
    std::vector<Answer> due;
    while (!delayed_.empty() && (stopping_ || delayed_.top().due <= now)) {
      due.push_back(std::move(const_cast<Delayed&>(delayed_.top()).answer));
      delayed_.pop();
    }
    for (Answer& done : due) done.response.delay = std::chrono::milliseconds(0);
    answer(due);
  }

  // ---- writing the answer ----

  void send_response(Connection& conn, HttpResponse response, bool head_only) {
    give_back_budget(conn);  // the request is done with its body
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
    append_response_head(conn.out, response, length, conn.close_after_write);
    if (head_only) {
      close_fd(conn.file_fd);
      conn.file_remaining = 0;
    } else {
      conn.out += response.body;
    }
    conn.phase = Phase::kWriting;
    on_writable(conn);
  }

  void on_writable(Connection& conn) {
    conn.last_activity = std::chrono::steady_clock::now();
    const IoResult written = write_pending(conn);
    if (written == IoResult::kClosed) {
      close_connection(conn.id);
      return;
    }
    if (written == IoResult::kBlocked) {
      rewatch(conn, EPOLLOUT);
      return;
    }
    close_fd(conn.file_fd);
    if (conn.close_after_write) {
      ::shutdown(conn.fd, SHUT_WR);
      if (conn.linger_after_write && !stopping_) return start_lingering(conn);
      close_connection(conn.id);
      return;
    }
    conn.phase = Phase::kReading;
    conn.parser.reset();
    conn.request_started = {};
    if (!conn.in.empty()) conn.request_started = conn.last_activity;
    rewatch(conn, EPOLLIN | EPOLLRDHUP);
    if (!conn.in.empty()) parse_input(conn);  // a pipelined request already arrived
  }

  // ---- lingering, closing, stopping ----

  void start_lingering(Connection& conn) {
    conn.phase = Phase::kLingering;
    conn.linger_until = std::chrono::steady_clock::now() + kLingerTime;
    conn.in.clear();
    lingering_.push_back(conn.id);
    rewatch(conn, EPOLLIN | EPOLLRDHUP);
    if (drop_input(conn, kLingerMaxBytes) == IoResult::kClosed) close_connection(conn.id);
  }

  // How long the reactor may wait: until the first delayed answer is due or the first lingering
  // connection's time is up; -1 (no limit) when there is neither.
  int timeout_ms() const {
    auto first = std::chrono::steady_clock::time_point::max();
    if (!delayed_.empty()) first = delayed_.top().due;
    for (std::uint64_t id : lingering_) {
      const auto found = connections_.find(id);
      if (found != connections_.end()) first = std::min(first, found->second->linger_until);
    }
    // Timeouts are swept once a second, and a paused listener retried.
    if (!connections_.empty()) first = std::min(first, next_timeout_sweep_);
    if (accept_paused_) first = std::min(first, accept_retry_at_);
    if (first == std::chrono::steady_clock::time_point::max()) {
      return lingering_.empty() ? -1 : 0;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          first - std::chrono::steady_clock::now())
                          .count();
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
    reactor_->stop_listening();
    send_due_answers();  // every delayed answer goes now
    // Idle keep-alive connections go now; busy ones once their response is written.
    std::vector<std::uint64_t> idle;
    for (const auto& [id, conn] : connections_) {
      if (conn->phase == Phase::kReading || conn->phase == Phase::kLingering) idle.push_back(id);
    }
    for (std::uint64_t id : idle) close_connection(id);
    erase_closed();
  }

  void release(Connection& conn) {
    give_back_budget(conn);
    // While a handler has the request, the spool file is the dispatch's to delete.
    if (conn.phase != Phase::kWorking) discard_spool(conn);
    close_fd(conn.spool_fd);
    close_fd(conn.file_fd);
    close_fd(conn.fd);
  }

  // Closes now, erases later (erase_closed), so callers up the stack keep a valid reference.
  // A handler still holding the request just has its answer dropped when it comes.
  void close_connection(std::uint64_t id) {
    auto found = connections_.find(id);
    if (found == connections_.end() || found->second->closed) return;
    reactor_->unwatch(found->second->fd);
    release(*found->second);
    found->second->closed = true;
    closed_.push_back(id);
  }

  // A spool file that cannot be written: the request cannot be received, the connection goes.
  // False, for the body readers that then stop.
  bool fail_connection(Connection& conn) {
    close_connection(conn.id);
    return false;
  }

  void erase_closed() {
    if (!closed_.empty()) closed_since_pause_ = true;
    for (std::uint64_t id : closed_) connections_.erase(id);
    closed_.clear();
  }

  HttpServerOptions options_;
  HttpHandler& handler_;
  std::unique_ptr<Reactor> reactor_;
  Dispatch dispatch_;
  std::uint64_t next_id_ = 2;  // below: the reactor's own tags
  std::unordered_map<std::uint64_t, std::unique_ptr<Connection>> connections_;
  std::vector<std::uint64_t> closed_;
  std::vector<std::uint64_t> lingering_;  // connections in Phase::kLingering
  std::uint64_t budget_used_ = 0;         // body memory budget taken, over every connection
  bool accept_paused_ = false;
  bool closed_since_pause_ = false;
  std::chrono::steady_clock::time_point accept_retry_at_{};
  std::chrono::steady_clock::time_point next_timeout_sweep_{};
  std::atomic<bool> stop_requested_{false};
  bool stopping_ = false;
  bool in_pass_ = false;  // between a wait's first event and the end of its pass
  // Answers held back by their delay, earliest first (ties in the order they came).
  struct Delayed {
    std::chrono::steady_clock::time_point due;
    std::uint64_t sequence;
    Answer answer;
    bool operator>(const Delayed& other) const {
      return due != other.due ? due > other.due : sequence > other.sequence;
    }
  };
  std::priority_queue<Delayed, std::vector<Delayed>, std::greater<>> delayed_;
  std::uint64_t sequence_ = 0;
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpServer::~HttpServer() = default;

Result<std::unique_ptr<HttpServer>> HttpServer::listen(const HttpServerOptions& options,
                                                       HttpHandler& handler) {
  Result<std::unique_ptr<Reactor>> reactor = Reactor::listen(options.host, options.port);
  if (!reactor) return reactor.take_error();
  auto impl = std::make_unique<Impl>(options, handler, std::move(*reactor));
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
