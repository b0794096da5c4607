#include "local/http/connection.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace csv2ddb::local {
namespace {

constexpr std::size_t kFileChunk = 256 * 1024;

// Refills `conn.out` from the file body; false when the file cannot be read.
bool next_file_chunk(Connection& conn) {
  const auto want =
      static_cast<std::size_t>(std::min<std::uint64_t>(kFileChunk, conn.file_remaining));
  conn.out.resize(want);
  const ssize_t got =
      ::pread(conn.file_fd, conn.out.data(), want, static_cast<off_t>(conn.file_offset));
  if (got <= 0) return false;
  conn.out.resize(static_cast<std::size_t>(got));
  conn.file_offset += static_cast<std::uint64_t>(got);
  conn.file_remaining -= static_cast<std::uint64_t>(got);
  return true;
}

}  // namespace

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

IoResult read_available(Connection& conn) {
  char buffer[kReadChunk];
  for (;;) {
    const ssize_t got = ::recv(conn.fd, buffer, sizeof buffer, 0);
    if (got > 0) {
      conn.in.append(buffer, static_cast<std::size_t>(got));
      if (conn.in.size() >= kReadChunk) return IoResult::kMore;
      // A short read took all there was: asking again would only hear EAGAIN. Whatever comes
      // next, epoll (level-triggered) reports.
      if (static_cast<std::size_t>(got) < sizeof buffer) return IoResult::kDrained;
      continue;
    }
    if (got < 0 && errno == EINTR) continue;
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return IoResult::kDrained;
    return IoResult::kClosed;
  }
}

IoResult write_pending(Connection& conn) {
  for (;;) {
    if (conn.out_pos == conn.out.size()) {
      conn.out.clear();
      conn.out_pos = 0;
      if (conn.file_remaining == 0) return IoResult::kDrained;
      if (!next_file_chunk(conn)) return IoResult::kClosed;
    }
    const ssize_t sent = ::send(conn.fd, conn.out.data() + conn.out_pos,
                                conn.out.size() - conn.out_pos, MSG_NOSIGNAL);
    if (sent < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return IoResult::kBlocked;
      return IoResult::kClosed;
    }
    conn.out_pos += static_cast<std::size_t>(sent);
  }
}

void flush_now(Connection& conn) {
  while (conn.out_pos < conn.out.size()) {
    const ssize_t sent = ::send(conn.fd, conn.out.data() + conn.out_pos,
                                conn.out.size() - conn.out_pos, MSG_NOSIGNAL);
    if (sent <= 0) return;
    conn.out_pos += static_cast<std::size_t>(sent);
  }
  conn.out.clear();
  conn.out_pos = 0;
}

IoResult drop_input(Connection& conn, std::uint64_t max_bytes) {
  char buffer[kReadChunk];
  for (;;) {
    const ssize_t got = ::recv(conn.fd, buffer, sizeof buffer, 0);
    if (got > 0) {
      conn.lingered_bytes += static_cast<std::uint64_t>(got);
      if (conn.lingered_bytes > max_bytes) return IoResult::kClosed;
      continue;
    }
    if (got < 0 && errno == EINTR) continue;
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return IoResult::kDrained;
    return IoResult::kClosed;  // end of input or an error
  }
}

void append_response_head(std::string& out, const HttpResponse& response, std::uint64_t length,
                          bool close) {
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
  if (close) out += "Connection: close\r\n";
  out += "\r\n";
}

bool write_all(int fd, std::string_view data) {
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

}  // namespace csv2ddb::local
