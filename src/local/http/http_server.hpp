// The local AWS's HTTP/1.1 server: one epoll reactor thread owns every socket (accept, read,
// parse, write) and a pool of worker threads runs the handlers, which may block (SQLite, disk,
// injected latency). Keep-alive, pipelining, chunked request bodies, `Expect: 100-continue`,
// per-service body limits, large bodies spooled to files, and a graceful stop.
//
// Why our own server rather than Boost.Beast or cpp-httplib (see http_server.cpp's header).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

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
};

class HttpHandler {
 public:
  virtual ~HttpHandler() = default;
  // Reactor thread, before any body byte is read: must be quick and must not block.
  virtual BodyPolicy body_policy(const HttpRequest& head) = 0;
  // The answer to a body over BodyPolicy::max_bytes (the connection is then closed).
  virtual HttpResponse body_too_large(const HttpRequest& head) = 0;
  // A worker thread, or the reactor (BodyPolicy::run_inline). Exceptions are caught by the
  // server and answered with a bare 500.
  virtual HttpResponse handle(HttpRequest& request) = 0;
  // Rounds of inline requests: the reactor calls begin_round(), runs the inline requests of
  // every connection that is ready, then end_round() with all their responses, and only then
  // sends them. So a handler may commit the writes of a whole round at once in end_round(),
  // and must replace there the responses that depended on that commit if it failed.
  virtual void begin_round() {}
  virtual void end_round(std::span<HttpResponse* const> responses) { (void)responses; }
};

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 4566;  // 0 picks a free port; port() tells which
  std::size_t worker_threads = 8;
  std::string spool_dir;  // where spooled bodies go; required when a policy spools
  std::uint64_t spool_threshold = 1024 * 1024;
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
