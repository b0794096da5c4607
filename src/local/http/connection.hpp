// One client connection of the local AWS's HTTP server: its phase, the bytes read and not yet
// parsed, the request being parsed (with its body, in memory or spooled to a file), and the
// response being written (from memory, then from a file for large bodies).
//
//   kReading  ──request complete──►  kWorking  ──answer──►  kWriting  ──written──►  kReading
//      │                                                        │ (refused mid-body)
//      └──────────────── close ◄─── kLingering ◄────────────────┘
// kLingering: answered and half-closed; what the client goes on sending is read and dropped
// for a while, so that a client sending its whole body before reading gets the answer, not a
// reset.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "local/http/http_message.hpp"
#include "local/http/http_request_parser.hpp"
#include "local/http/http_server.hpp"

namespace csv2ddb::local {

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
  // Timeouts: the last byte read or written, and when the request being read began (zero
  // between requests).
  std::chrono::steady_clock::time_point last_activity{};
  std::chrono::steady_clock::time_point request_started{};
  // Bytes of the server's body memory budget this connection's request holds.
  std::uint64_t budgeted = 0;
};

void close_fd(int& fd);

// What one call to read or write a connection came to.
enum class IoResult : std::uint8_t {
  kMore,     // reading: a full chunk arrived, parse it before reading on
  kDrained,  // reading: nothing more to read now; writing: everything was written
  kBlocked,  // writing: the socket is full, wait until it is writable
  kClosed,   // the peer closed, or the socket failed
};

inline constexpr std::size_t kReadChunk = 64 * 1024;

// Appends what the socket has to `conn.in`, a chunk at a time (kMore after each full chunk, so
// that a large body is parsed as it comes rather than held whole).
IoResult read_available(Connection& conn);
// Writes `conn.out`, then the file body, until all is written or the socket is full.
IoResult write_pending(Connection& conn);
// Writes what can go without blocking (the interim 100 Continue); the rest goes before the
// response.
void flush_now(Connection& conn);
// Reads and drops input while lingering; kClosed when the client closed or sent too much.
IoResult drop_input(Connection& conn, std::uint64_t max_bytes);

// The status line and headers; Content-Length and Connection: close added when the response
// does not carry them.
void append_response_head(std::string& out, const HttpResponse& response, std::uint64_t length,
                          bool close);
bool write_all(int fd, std::string_view data);

}  // namespace csv2ddb::local
