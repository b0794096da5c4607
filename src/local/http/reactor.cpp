#include "local/http/reactor.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace csv2ddb::local {
namespace {

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

Error bind_failed(const std::string& what) {
  return make_error("BindFailed", what);
}

}  // namespace

Result<std::unique_ptr<Reactor>> Reactor::listen(const std::string& host, std::uint16_t port) {
  std::unique_ptr<Reactor> reactor(new Reactor());
  reactor->listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (reactor->listen_fd_ < 0) return bind_failed(std::string("socket: ") + std::strerror(errno));
  const int one = 1;
  ::setsockopt(reactor->listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  if (::inet_pton(AF_INET, host.c_str(), &address.sin_addr) != 1) {
    return bind_failed("not an IPv4 address: " + host);
  }
  if (::bind(reactor->listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(reactor->listen_fd_, 1024) != 0) {
    return bind_failed("cannot listen on " + host + ":" + std::to_string(port) + ": " +
                       std::strerror(errno));
  }
  socklen_t length = sizeof address;
  ::getsockname(reactor->listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
  reactor->port_ = ntohs(address.sin_port);
  reactor->epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  reactor->wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (reactor->epoll_fd_ < 0 || reactor->wake_fd_ < 0) return bind_failed("epoll/eventfd failed");
  reactor->watch(reactor->listen_fd_, EPOLLIN, kListenerTag);
  reactor->watch(reactor->wake_fd_, EPOLLIN, kWakeTag);
  return reactor;
}

Reactor::~Reactor() {
  close_fd(listen_fd_);
  close_fd(wake_fd_);
  close_fd(epoll_fd_);
}

int Reactor::accept_one(bool& out_of_fds) {
  out_of_fds = false;
  if (listen_fd_ < 0) return -1;
  const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd < 0)
    out_of_fds = errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM;
  return fd;
}

void Reactor::pause_accepting() {
  if (listen_fd_ < 0 || !accepting_) return;
  unwatch(listen_fd_);
  accepting_ = false;
}

void Reactor::resume_accepting() {
  if (listen_fd_ < 0 || accepting_) return;
  watch(listen_fd_, EPOLLIN, kListenerTag);
  accepting_ = true;
}

void Reactor::stop_listening() {
  if (listen_fd_ < 0) return;
  if (accepting_) unwatch(listen_fd_);
  close_fd(listen_fd_);
}

void Reactor::watch(int fd, std::uint32_t events, std::uint64_t tag) {
  epoll_event event{};
  event.events = events;
  event.data.u64 = tag;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event);
}

void Reactor::rewatch(int fd, std::uint32_t events, std::uint64_t tag) {
  epoll_event event{};
  event.events = events;
  event.data.u64 = tag;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &event);
}

void Reactor::unwatch(int fd) {
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
}

int Reactor::wait(std::vector<epoll_event>& events, int timeout_ms) {
  const int count =
      ::epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), timeout_ms);
  if (count < 0) return errno == EINTR ? 0 : -1;
  return count;
}

void Reactor::wake() {
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto written = ::write(wake_fd_, &one, sizeof one);
}

void Reactor::clear_wake() {
  std::uint64_t value = 0;
  [[maybe_unused]] const auto got = ::read(wake_fd_, &value, sizeof value);
}

}  // namespace csv2ddb::local
