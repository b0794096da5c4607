// Where a parsed request runs and how its answer comes back to the reactor:
// - on a worker thread (handlers that block: disk, SQLite pages, sleeping functions); the
//   answer is queued and the reactor woken;
// - inline on the reactor (BodyPolicy::run_inline: short, CPU-bound requests), held until the
//   reactor has seen every ready connection, then handed to the handler together
//   (HttpHandler::handle_inline), so a handler may settle what they share at once.
// Exceptions from a handler become a bare 500; a spooled body the handler did not take over is
// deleted once it has answered.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "local/http/http_message.hpp"
#include "local/http/http_server.hpp"
#include "local/http/worker_pool.hpp"

namespace csv2ddb::local {

// An answer for a connection.
struct Answer {
  std::uint64_t connection = 0;
  HttpResponse response;
  bool head_only = false;  // a HEAD request: headers only
};

class Dispatch {
 public:
  // `wake` tells the reactor that an answer is queued (called from worker threads).
  Dispatch(HttpHandler& handler, std::size_t workers, std::function<void()> wake);

  void run_on_worker(std::uint64_t connection, HttpRequest request, bool keep_alive);
  void hold_inline(std::uint64_t connection, HttpRequest request, bool keep_alive);
  // Runs the held inline requests (if any) and returns their answers, in the order held.
  std::vector<Answer> run_held();
  // The workers' answers so far.
  std::deque<Answer> take_finished();
  // Lets queued jobs finish and joins the workers.
  void stop() { pool_.stop(); }

 private:
  struct Held {
    std::uint64_t connection;
    HttpRequest request;
    bool keep_alive;
  };

  HttpHandler& handler_;
  std::function<void()> wake_;
  WorkerPool pool_;
  std::vector<Held> held_;
  std::mutex finished_mutex_;
  std::deque<Answer> finished_;
};

}  // namespace csv2ddb::local
