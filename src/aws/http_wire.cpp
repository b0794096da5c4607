#include "aws/http_wire.hpp"

#include <algorithm>
#include <charconv>
#include <cstddef>

namespace csv2ddb::aws {
namespace {

// A server whose head or chunk line runs past these is not speaking HTTP to us.
constexpr std::size_t kMaxHeadBytes = std::size_t{64} * 1024;
constexpr std::size_t kMaxChunkLineBytes = 1024;
// A body's declared length is trusted for reserving only this much up front.
constexpr std::uint64_t kMaxReserveBytes = std::uint64_t{16} * 1024 * 1024;

// Whether `needle` occurs in `haystack`, ignoring ASCII case ("Keep-Alive, Close").
bool icontains(std::string_view haystack, std::string_view needle) {
  for (std::size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
    if (header_name_equals(haystack.substr(i, needle.size()), needle)) return true;
  }
  return false;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

Error malformed(std::string_view what) {
  return make_error("MalformedResponse", "malformed HTTP response: " + std::string(what));
}

void append_header(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out.append(": ");
  out.append(value);
  out.append("\r\n");
}

}  // namespace

void append_http_request(std::string& out, const HttpRequest& request, std::string_view target,
                         std::string_view host, std::string_view user_agent,
                         std::string_view trace_id) {
  out.reserve(out.size() + 512 + request.body.size());
  out.append(request.method);
  out.push_back(' ');
  out.append(target);
  out.append(" HTTP/1.1\r\n");
  if (find_header(request.headers, "Host") == nullptr) append_header(out, "Host", host);
  if (find_header(request.headers, "User-Agent") == nullptr && !user_agent.empty()) {
    append_header(out, "User-Agent", user_agent);
  }
  for (const Header& header : request.headers) append_header(out, header.name, header.value);
  if (!trace_id.empty()) append_header(out, "X-Amzn-Trace-Id", trace_id);
  if (find_header(request.headers, "Content-Length") == nullptr) {
    char digits[24];
    auto end = std::to_chars(digits, digits + sizeof digits, request.body.size()).ptr;
    append_header(out, "Content-Length", std::string_view(digits, end - digits));
  }
  out.append("\r\n");
  out.append(request.body);
}

Result<HttpResponseParser::Progress> HttpResponseParser::feed(std::string_view bytes) {
  if (!bytes.empty()) received_any_ = true;
  if (state_ == State::kComplete) {
    if (!bytes.empty()) keep_alive_ = false;
    return Progress::kComplete;
  }
  // The body of a response framed by length goes straight from the wire to the response.
  if (pending_.empty() && (state_ == State::kFixedBody || state_ == State::kUntilClose)) {
    if (state_ == State::kUntilClose) {
      response_.body.append(bytes);
      return Progress::kNeedMore;
    }
    std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, bytes.size()));
    response_.body.append(bytes.substr(0, take));
    remaining_ -= take;
    if (remaining_ > 0) return Progress::kNeedMore;
    state_ = State::kComplete;
    if (take < bytes.size()) keep_alive_ = false;  // anything after the body spoils the connection
    return Progress::kComplete;
  }
  pending_.append(bytes);
  std::string_view in = pending_;
  std::size_t at = 0;
  while (true) {
    switch (state_) {
      case State::kHead: {
        std::size_t end = in.find("\r\n\r\n", at);
        std::size_t separator = 4;
        if (end == std::string_view::npos) {
          end = in.find("\n\n", at);
          separator = 2;
        }
        if (end == std::string_view::npos) {
          if (in.size() - at > kMaxHeadBytes) return malformed("head over 64 KiB");
          pending_.erase(0, at);
          return Progress::kNeedMore;
        }
        std::string_view head = in.substr(at, end - at);
        at = end + separator;
        auto parsed = parse_head_text(head);
        if (!parsed) return parsed.take_error();
        break;  // parse_head_text set the next state
      }
      case State::kFixedBody:
      case State::kChunkData: {
        std::size_t take =
            static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, in.size() - at));
        response_.body.append(in.substr(at, take));
        at += take;
        remaining_ -= take;
        if (remaining_ > 0) {
          pending_.clear();
          return Progress::kNeedMore;
        }
        state_ = state_ == State::kFixedBody ? State::kComplete : State::kChunkDataEnd;
        break;
      }
      case State::kUntilClose:
        response_.body.append(in.substr(at));
        pending_.clear();
        return Progress::kNeedMore;
      case State::kChunkSize:
      case State::kChunkDataEnd:
      case State::kTrailers: {
        std::size_t newline = in.find('\n', at);
        if (newline == std::string_view::npos) {
          if (in.size() - at > kMaxChunkLineBytes) return malformed("chunk line over 1 KiB");
          pending_.erase(0, at);
          return Progress::kNeedMore;
        }
        std::string_view line = trim(in.substr(at, newline - at));
        at = newline + 1;
        if (auto status = take_chunk_line(line); !status) return status.take_error();
        break;
      }
      case State::kComplete:
        if (at < in.size()) keep_alive_ = false;
        pending_.clear();
        return Progress::kComplete;
    }
  }
}

Status HttpResponseParser::parse_head_text(std::string_view head) {
  std::size_t newline = head.find('\n');
  std::string_view status_line = trim(head.substr(0, newline));
  std::string_view rest = newline == std::string_view::npos ? "" : head.substr(newline + 1);
  // "HTTP/1.1 200 OK"
  if (status_line.size() < 12 || status_line.substr(0, 7) != "HTTP/1." || status_line[8] != ' ') {
    return malformed("status line \"" + std::string(status_line.substr(0, 64)) + "\"");
  }
  int status = 0;
  auto digits = status_line.substr(9, 3);
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), status);
  if (ec != std::errc() || end != digits.data() + 3 || status < 100) {
    return malformed("status line \"" + std::string(status_line.substr(0, 64)) + "\"");
  }
  response_.status = status;
  response_.headers.clear();
  while (!rest.empty()) {
    newline = rest.find('\n');
    std::string_view line = trim(rest.substr(0, newline));
    rest = newline == std::string_view::npos ? "" : rest.substr(newline + 1);
    if (line.empty()) continue;
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return malformed("header line \"" + std::string(line.substr(0, 64)) + "\"");
    }
    response_.headers.push_back(
        Header{std::string(line.substr(0, colon)), std::string(trim(line.substr(colon + 1)))});
  }
  if (status < 200 && status != 101) {
    return Status{};  // an interim response (100 Continue): the real one follows
  }
  keep_alive_ = status_line[7] == '1';
  if (const std::string* connection = response_.header("Connection");
      connection != nullptr && icontains(*connection, "close")) {
    keep_alive_ = false;
  }
  return start_body();
}

Status HttpResponseParser::start_body() {
  if (response_.status == 204 || response_.status == 304) {
    state_ = State::kComplete;
    return Status{};
  }
  if (const std::string* coding = response_.header("Transfer-Encoding");
      coding != nullptr && icontains(*coding, "chunked")) {
    state_ = State::kChunkSize;
    return Status{};
  }
  const std::string* length = response_.header("Content-Length");
  if (length == nullptr) {
    state_ = State::kUntilClose;
    keep_alive_ = false;
    return Status{};
  }
  auto [end, ec] = std::from_chars(length->data(), length->data() + length->size(), remaining_);
  if (ec != std::errc() || end != length->data() + length->size()) {
    return malformed("Content-Length \"" + length->substr(0, 32) + "\"");
  }
  response_.body.reserve(static_cast<std::size_t>(std::min(remaining_, kMaxReserveBytes)));
  state_ = remaining_ == 0 ? State::kComplete : State::kFixedBody;
  return Status{};
}

Status HttpResponseParser::take_chunk_line(std::string_view line) {
  switch (state_) {
    case State::kChunkSize: {
      std::string_view size = trim(line.substr(0, line.find(';')));
      auto [end, ec] = std::from_chars(size.data(), size.data() + size.size(), remaining_, 16);
      if (size.empty() || ec != std::errc() || end != size.data() + size.size()) {
        return malformed("chunk size \"" + std::string(line.substr(0, 32)) + "\"");
      }
      state_ = remaining_ == 0 ? State::kTrailers : State::kChunkData;
      return Status{};
    }
    case State::kChunkDataEnd:
      if (!line.empty()) return malformed("chunk without its line end");
      state_ = State::kChunkSize;
      return Status{};
    default:  // kTrailers: ignored up to the blank line that ends the body
      if (line.empty()) state_ = State::kComplete;
      return Status{};
  }
}

Result<HttpResponseParser::Progress> HttpResponseParser::end_of_stream() {
  if (state_ == State::kComplete) return Progress::kComplete;
  if (state_ == State::kUntilClose) {
    state_ = State::kComplete;
    return Progress::kComplete;
  }
  return make_error("ConnectionReset", received_any_
                                           ? "connection closed before the response was complete"
                                           : "connection closed before the response came");
}

}  // namespace csv2ddb::aws
