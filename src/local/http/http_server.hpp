// The local AWS's HTTP/1.1 server: one epoll reactor thread owns every socket (accept, read,
// parse, write; reactor.hpp, connection.hpp) and the handlers run on a pool of worker threads,
// which may block (SQLite, disk), or inline on the reactor, a pass's requests together
// (dispatch.hpp). Keep-alive, pipelining, chunked request bodies, `Expect: 100-continue`,
// per-service body limits, large bodies spooled to files, and a graceful stop.
//
// Why our own server rather than Boost.Beast or cpp-httplib (see http_server.cpp's header).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "local/http/http_message.hpp"

namespace csv2ddb::local {

// What a handler decides about a request's body once it has seen the head.
struct BodyPolicy {
  std::uint64_t max_bytes = 16 * 1024 * 1024;
  // Bodies over the server's spool threshold go to a file (RequestBody::file_path) instead of
  // memory. Only for handlers that can take a file (S3 uploads).
  bool spool_to_file = false;
  // Run the handler on the reactor thread instead of a worker: for short, CPU-bound requests
  // (DynamoDB on SQLite) the two thread hand-offs cost more than the work. Never for handlers
  // that sleep or stream large files.
  bool run_inline = false;
  // An answer decided from the head alone (a request its headers already show is refused):
  // sent before any body byte is read, and the connection closed.
  std::optional<HttpResponse> refusal{};
};

class HttpHandler {
 public:
  virtual ~HttpHandler() = default;
  // Reactor thread, before any body byte is read: must be quick and must not block.
  virtual BodyPolicy body_policy(const HttpRequest& head) = 0;
  // The answer to a body over BodyPolicy::max_bytes (the connection is then closed).
  virtual HttpResponse body_too_large(const HttpRequest& head) = 0;
  // The answer to a body that stopped arriving (HttpServerOptions::stall_timeout); the default
  // is a bare 408.
  virtual HttpResponse request_timed_out(const HttpRequest& head);
  // The answer to a request whose in-memory body would pass the server's budget
  // (HttpServerOptions::body_memory_budget): a retryable 503; the default is a bare one.
  virtual HttpResponse server_busy(const HttpRequest& head);
  // A worker thread. Exceptions are caught by the server and answered with a bare 500.
  virtual HttpResponse handle(HttpRequest& request) = 0;
  // The reactor thread (BodyPolicy::run_inline): the inline requests of every connection that
  // was ready in one pass of the reactor, answered in order, one response each. A handler may
  // settle what they share at once (the local DynamoDB commits their writes together). The
  // default handles them one by one, a bare 500 for one that throws.
  virtual std::vector<HttpResponse> handle_inline(std::span<HttpRequest* const> requests);
};

// Answers each request with `handle`, a bare 500 for one that throws: the default way of
// answering a pass's inline requests.
std::vector<HttpResponse> handle_one_by_one(
    std::span<HttpRequest* const> requests,
    const std::function<HttpResponse(HttpRequest&)>& handle);

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 4566;  // 0 picks a free port; port() tells which
  std::size_t worker_threads = 8;
  std::string spool_dir;  // where spooled bodies go; required when a policy spools
  std::uint64_t spool_threshold = 1024 * 1024;
  // As AWS's front ends: a keep-alive connection with no request is closed after idle_timeout;
  // a request whose head takes longer than stall_timeout, or whose body or answer moves no
  // byte for that long, is ended (the body with request_timed_out()).
  std::chrono::milliseconds idle_timeout{60000};
  std::chrono::milliseconds stall_timeout{20000};
  // Connections at once. Beyond it, and when the process runs out of descriptors, the server
  // stops accepting (new clients wait in the kernel's backlog) until connections close.
  std::size_t max_connections = 1000;
  // Request bodies held in memory at once, over every connection (bodies spooled to files do
  // not count): a request that would pass it is answered server_busy() before its body is
  // read, so many clients sending large DynamoDB bodies cannot fill the memory.
  std::uint64_t body_memory_budget = 512ULL * 1024 * 1024;
};

class HttpServer {
 public:
  // Binds and listens; does not serve until run(). Errors: "BindFailed" and the like.
  static Result<std::unique_ptr<HttpServer>> listen(const HttpServerOptions& options,
                                                    HttpHandler& handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  std::uint16_t port() const;
  // Serves until stop(); then stops accepting, finishes the requests in progress (up to a few
  // seconds), closes every connection and returns.
  void run();
  // From any thread, or from a signal handler (it only writes to an eventfd).
  void stop();

  class Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace csv2ddb::local
