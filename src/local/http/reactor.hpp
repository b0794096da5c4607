// The sockets of the local AWS's HTTP server under one epoll instance: the listening socket, an
// eventfd that wakes the loop from other threads (or a signal handler), and the connections,
// each watched under a tag of the server's choosing. Level-triggered: whatever is left unread
// or unwritten is reported again on the next wait.
#pragma once

#include <sys/epoll.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace csv2ddb::local {

class Reactor {
 public:
  // Tags 0 and 1 are the listener's and the wake-up's; connections use tags from 2 on.
  static constexpr std::uint64_t kListenerTag = 0;
  static constexpr std::uint64_t kWakeTag = 1;

  // Binds and listens on host:port (0 picks a free port). Errors: "BindFailed".
  static Result<std::unique_ptr<Reactor>> listen(const std::string& host, std::uint16_t port);
  ~Reactor();
  Reactor(const Reactor&) = delete;
  Reactor& operator=(const Reactor&) = delete;

  std::uint16_t port() const { return port_; }

  // A new connection's descriptor (non-blocking), or -1 when none is waiting (`out_of_fds`
  // false) or the process or system has no descriptor left (true).
  int accept_one(bool& out_of_fds);
  void stop_listening();
  // Stops and resumes watching the listener, so that a full server leaves new clients in the
  // kernel's backlog instead of spinning on a ready listener it cannot accept from.
  void pause_accepting();
  void resume_accepting();

  void watch(int fd, std::uint32_t events, std::uint64_t tag);
  void rewatch(int fd, std::uint32_t events, std::uint64_t tag);
  void unwatch(int fd);

  // Waits up to `timeout_ms` (-1: no limit) for events; fills `events`. The count, or -1 when
  // the wait failed for another reason than a signal.
  int wait(std::vector<epoll_event>& events, int timeout_ms);
  // From any thread, or a signal handler (it only writes to the eventfd).
  void wake();
  // Reads the wake-ups so far, so that the eventfd stops being ready.
  void clear_wake();

 private:
  Reactor() = default;

  int listen_fd_ = -1;
  bool accepting_ = true;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  std::uint16_t port_ = 0;
};

}  // namespace csv2ddb::local
