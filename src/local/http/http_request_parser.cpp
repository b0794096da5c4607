// HTTP/1.1 request parsing per RFC 9112, strict where ambiguity could smuggle requests
// (Content-Length with Transfer-Encoding, conflicting lengths, obsolete line folding) and
// tolerant where clients differ harmlessly (bare LF line ends).
#include "local/http/http_request_parser.hpp"

#include <algorithm>
#include <charconv>
#include <utility>

namespace csv2ddb::local {
namespace {

bool is_token_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

std::string_view trim_ows(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool iequals(std::string_view a, std::string_view b) {
  return aws::header_name_equals(a, b);
}

// True when the comma-separated list `value` contains `token` (case-insensitive).
bool list_contains(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    const std::size_t comma = value.find(',');
    if (iequals(trim_ows(value.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

std::optional<std::uint64_t> parse_decimal(std::string_view text) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

void HttpRequestParser::fail(int status, std::string message) {
  state_ = State::kError;
  error_status_ = status;
  error_message_ = std::move(message);
}

void HttpRequestParser::reset() {
  state_ = State::kHead;
  request_ = HttpRequest{};
  head_.clear();
  line_.clear();
  content_length_.reset();
  chunked_ = false;
  expects_continue_ = false;
  keep_alive_ = true;
  body_step_ = BodyStep::kFixed;
  remaining_ = 0;
}

void HttpRequestParser::begin_body() {
  if (state_ != State::kHeadComplete) return;
  if (chunked_) {
    body_step_ = BodyStep::kChunkSize;
    state_ = State::kBody;
  } else if (content_length_.value_or(0) > 0) {
    body_step_ = BodyStep::kFixed;
    remaining_ = *content_length_;
    state_ = State::kBody;
  } else {
    state_ = State::kComplete;
  }
}

std::size_t HttpRequestParser::consume(std::string_view input, std::string_view& body_piece) {
  body_piece = {};
  switch (state_) {
    case State::kHead:
      return consume_head(input);
    case State::kBody:
      if (body_step_ != BodyStep::kFixed) return consume_chunked(input, body_piece);
      {
        const auto take =
            static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, input.size()));
        body_piece = input.substr(0, take);
        remaining_ -= take;
        if (remaining_ == 0) state_ = State::kComplete;
        return take;
      }
    default:
      return 0;
  }
}

std::size_t HttpRequestParser::consume_head(std::string_view input) {
  // Leading empty lines before a request are ignored (RFC 9112 section 2.2).
  std::size_t skipped = 0;
  if (head_.empty()) {
    while (skipped < input.size() && (input[skipped] == '\r' || input[skipped] == '\n')) ++skipped;
    input.remove_prefix(skipped);
  }
  const std::size_t old_size = head_.size();
  const std::size_t room = limits_.max_head_bytes - std::min(limits_.max_head_bytes, old_size);
  head_.append(input.substr(0, std::min(room + 4, input.size())));
  // The head ends at the first empty line; search only where a new terminator can be.
  const std::size_t from = old_size >= 3 ? old_size - 3 : 0;
  std::size_t last = std::string::npos;  // index of the empty line's '\n'
  std::size_t keep = 0;                  // head bytes up to and including the last header's '\n'
  for (std::size_t i = from; i < head_.size(); ++i) {
    if (head_[i] != '\n') continue;
    if (i >= 1 && head_[i - 1] == '\n') {
      last = i;
      keep = i;
      break;
    }
    if (i >= 2 && head_[i - 1] == '\r' && head_[i - 2] == '\n') {
      last = i;
      keep = i - 1;
      break;
    }
  }
  if (last == std::string::npos || last >= limits_.max_head_bytes) {
    if (last != std::string::npos || head_.size() > limits_.max_head_bytes) {
      fail(431, "The request headers are too large.");
      return skipped + input.size();
    }
    return skipped + (head_.size() - old_size);
  }
  const std::size_t used = last + 1 - old_size;
  head_.resize(keep);
  if (parse_head(head_) && interpret_headers()) state_ = State::kHeadComplete;
  return skipped + used;
}

bool HttpRequestParser::parse_head(std::string_view head) {
  bool first = true;
  std::size_t count = 0;
  while (!head.empty()) {
    const std::size_t newline = head.find('\n');
    std::string_view line = head.substr(0, newline);
    head.remove_prefix(newline == std::string_view::npos ? head.size() : newline + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (first) {
      if (!parse_request_line(line)) return false;
      first = false;
      continue;
    }
    if (++count > limits_.max_header_count) {
      fail(431, "Too many request headers.");
      return false;
    }
    if (!parse_header_line(line)) return false;
  }
  if (first) {
    fail(400, "Missing request line.");
    return false;
  }
  return true;
}

bool HttpRequestParser::parse_request_line(std::string_view line) {
  const std::size_t sp1 = line.find(' ');
  const std::size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos) {
    fail(400, "Malformed request line.");
    return false;
  }
  const std::string_view method = line.substr(0, sp1);
  const std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = line.substr(sp2 + 1);
  if (method.empty() || !std::all_of(method.begin(), method.end(), is_token_char)) {
    fail(400, "Malformed request method.");
    return false;
  }
  if (target.empty() || std::any_of(target.begin(), target.end(), [](char c) {
        return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f;
      })) {
    fail(400, "Malformed request target.");
    return false;
  }
  if (version.size() != 8 || version.substr(0, 7) != "HTTP/1." || version[7] < '0' ||
      version[7] > '9') {
    fail(version.substr(0, 5) == "HTTP/" ? 505 : 400, "Unsupported HTTP version.");
    return false;
  }
  request_.method = std::string(method);
  request_.target = std::string(target);
  request_.version_minor = version[7] - '0';
  const std::size_t question = target.find('?');
  request_.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) request_.query = std::string(target.substr(question + 1));
  keep_alive_ = request_.version_minor >= 1;
  return true;
}

bool HttpRequestParser::parse_header_line(std::string_view line) {
  if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
    fail(400, "Obsolete header line folding is not accepted.");
    return false;
  }
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    fail(400, "Malformed header line.");
    return false;
  }
  const std::string_view name = line.substr(0, colon);
  if (!std::all_of(name.begin(), name.end(), is_token_char)) {
    fail(400, "Malformed header name.");
    return false;
  }
  const std::string_view value = trim_ows(line.substr(colon + 1));
  if (std::any_of(value.begin(), value.end(), [](char c) { return c == '\0' || c == '\r'; })) {
    fail(400, "Malformed header value.");
    return false;
  }
  request_.headers.push_back({std::string(name), std::string(value)});
  return true;
}

bool HttpRequestParser::interpret_headers() {
  bool has_transfer_encoding = false;
  for (const aws::Header& header : request_.headers) {
    if (iequals(header.name, "content-length")) {
      const auto length = parse_decimal(header.value);
      if (!length || (content_length_ && *content_length_ != *length)) {
        fail(400, "Invalid Content-Length.");
        return false;
      }
      content_length_ = length;
    } else if (iequals(header.name, "transfer-encoding")) {
      has_transfer_encoding = true;
      // Only "chunked" (last) is understood; anything else cannot be framed.
      std::string_view value = header.value;
      const std::size_t comma = value.rfind(',');
      const std::string_view last =
          trim_ows(comma == std::string_view::npos ? value : value.substr(comma + 1));
      if (!iequals(last, "chunked") || comma != std::string_view::npos) {
        fail(501, "Unsupported Transfer-Encoding.");
        return false;
      }
      chunked_ = true;
    } else if (iequals(header.name, "connection")) {
      if (list_contains(header.value, "close")) keep_alive_ = false;
      if (list_contains(header.value, "keep-alive")) keep_alive_ = true;
    } else if (iequals(header.name, "expect")) {
      if (!iequals(header.value, "100-continue")) {
        fail(417, "Unsupported Expect header.");
        return false;
      }
      expects_continue_ = request_.version_minor >= 1;
    }
  }
  if (has_transfer_encoding && content_length_) {
    fail(400, "Content-Length and Transfer-Encoding together are ambiguous.");
    return false;
  }
  return true;
}

std::size_t HttpRequestParser::take_line(std::string_view input, bool& complete) {
  const std::size_t newline = input.find('\n');
  const std::size_t take = newline == std::string_view::npos ? input.size() : newline + 1;
  if (line_.size() + take > limits_.max_chunk_line_bytes) {
    fail(400, "Chunk line too long.");
    complete = false;
    return input.size();
  }
  line_.append(input.substr(0, take));
  complete = newline != std::string_view::npos;
  if (complete) {
    line_.pop_back();
    if (!line_.empty() && line_.back() == '\r') line_.pop_back();
  }
  return take;
}

std::size_t HttpRequestParser::consume_chunked(std::string_view input,
                                               std::string_view& body_piece) {
  std::size_t used = 0;
  while (used < input.size() && state_ == State::kBody) {
    const std::string_view rest = input.substr(used);
    if (body_step_ == BodyStep::kChunkData) {
      const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, rest.size()));
      body_piece = rest.substr(0, take);
      remaining_ -= take;
      if (remaining_ == 0) body_step_ = BodyStep::kChunkDataEnd;
      return used + take;  // one body piece per call
    }
    bool complete = false;
    used += take_line(rest, complete);
    if (state_ == State::kError || !complete) return used;
    std::string line = std::move(line_);
    line_.clear();
    if (body_step_ == BodyStep::kChunkDataEnd) {
      if (!line.empty()) {
        fail(400, "Chunk data not followed by CRLF.");
        return used;
      }
      body_step_ = BodyStep::kChunkSize;
    } else if (body_step_ == BodyStep::kChunkSize) {
      std::string_view size_text = line;
      size_text = trim_ows(size_text.substr(0, size_text.find(';')));  // drop chunk extensions
      std::uint64_t size = 0;
      const auto [end, ec] =
          std::from_chars(size_text.data(), size_text.data() + size_text.size(), size, 16);
      if (size_text.empty() || size_text.size() > 15 || ec != std::errc() ||
          end != size_text.data() + size_text.size()) {
        fail(400, "Malformed chunk size.");
        return used;
      }
      if (size == 0) {
        body_step_ = BodyStep::kTrailer;
      } else {
        remaining_ = size;
        body_step_ = BodyStep::kChunkData;
      }
    } else if (body_step_ == BodyStep::kTrailer) {
      if (line.empty()) {
        state_ = State::kComplete;
        return used;
      }
      // Trailer fields (x-amz-checksum-crc32 after an aws-chunked body) are kept as headers,
      // so they count against the same limit: a trailer section cannot grow without bound.
      if (request_.headers.size() >= limits_.max_header_count) {
        fail(431, "Too many request headers.");
        return used;
      }
      if (!parse_header_line(line)) return used;
    }
  }
  return used;
}

}  // namespace csv2ddb::local
