// Every request is fed whole and in pieces of 1, 2, 3, 7 and 16 bytes, so heads, chunk-size
// lines and CRLFs straddle every possible boundary.
#include "local/http/http_request_parser.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace csv2ddb::local {
namespace {

struct Parsed {
  HttpRequestParser::State state;
  HttpRequest request;
  std::string body;
  std::size_t consumed = 0;
  int error_status = 0;
  bool expects_continue = false;
  bool keep_alive = false;
};

// Feeds `wire` in pieces of `step` bytes until the first message completes or fails.
Parsed parse(const std::string& wire, std::size_t step) {
  HttpRequestParser parser;
  Parsed out;
  std::string pending;
  std::size_t offset = 0;
  while (true) {
    if (pending.empty()) {
      if (offset >= wire.size()) break;
      pending = wire.substr(offset, step);
      offset += pending.size();
    }
    std::string_view piece;
    const std::size_t used = parser.consume(pending, piece);
    out.body.append(piece);
    out.consumed += used;
    pending.erase(0, used);
    const auto state = parser.state();
    if (state == HttpRequestParser::State::kHeadComplete) {
      out.expects_continue = parser.expects_continue();
      out.keep_alive = parser.keep_alive();
      parser.begin_body();
    }
    if (parser.state() == HttpRequestParser::State::kComplete ||
        parser.state() == HttpRequestParser::State::kError) {
      break;
    }
  }
  out.state = parser.state();
  out.request = parser.request();
  out.error_status = parser.error_status();
  return out;
}

const std::vector<std::size_t> kSteps = {1, 2, 3, 7, 16, 1 << 20};

TEST(HttpRequestParser, ContentLengthBody) {
  const std::string wire =
      "POST /path?x=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nX-Amz-Target: T\r\n\r\nhello"
      "GET /next HTTP/1.1\r\n\r\n";
  for (std::size_t step : kSteps) {
    const Parsed p = parse(wire, step);
    ASSERT_EQ(p.state, HttpRequestParser::State::kComplete) << step;
    EXPECT_EQ(p.request.method, "POST");
    EXPECT_EQ(p.request.path, "/path");
    EXPECT_EQ(p.request.query, "x=1");
    EXPECT_EQ(p.request.header("x-amz-target"), "T");
    EXPECT_EQ(p.body, "hello");
    EXPECT_TRUE(p.keep_alive);
    // Stops at the end of the first message: the pipelined GET stays unread.
    EXPECT_EQ(p.consumed, wire.find("GET")) << step;
  }
}

TEST(HttpRequestParser, ChunkedBodyWithExtensionsAndTrailers) {
  const std::string wire =
      "PUT /b/k HTTP/1.1\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n"
      "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32: abc\r\n\r\n";
  for (std::size_t step : kSteps) {
    const Parsed p = parse(wire, step);
    ASSERT_EQ(p.state, HttpRequestParser::State::kComplete) << step;
    EXPECT_EQ(p.body, "hello world") << step;
    EXPECT_TRUE(p.expects_continue);
    EXPECT_EQ(p.request.header("x-amz-checksum-crc32"), "abc");
    EXPECT_EQ(p.consumed, wire.size());
  }
}

// Trailer fields become headers, so they count against the header limit (200) together with
// the head's own: 10 headers plus 190 trailers fit, one more trailer is 431.
TEST(HttpRequestParser, TrailersCountAgainstTheHeaderLimit) {
  std::string head = "PUT /b/k HTTP/1.1\r\nTransfer-Encoding: chunked\r\n";
  for (int i = 1; i < 10; ++i) head += "H" + std::to_string(i) + ": v\r\n";
  head += "\r\n1\r\nx\r\n0\r\n";
  auto with_trailers = [&](int count) {
    std::string wire = head;
    for (int i = 0; i < count; ++i) wire += "T" + std::to_string(i) + ": v\r\n";
    return wire + "\r\n";
  };
  for (std::size_t step : {std::size_t{7}, std::size_t{1} << 20}) {
    const Parsed fits = parse(with_trailers(190), step);
    EXPECT_EQ(fits.state, HttpRequestParser::State::kComplete) << step;
    EXPECT_EQ(fits.request.headers.size(), 200U);
    const Parsed over = parse(with_trailers(191), step);
    EXPECT_EQ(over.state, HttpRequestParser::State::kError) << step;
    EXPECT_EQ(over.error_status, 431);
    // Thousands of trailers never pile up: the parser stops at the limit.
    const Parsed flood = parse(with_trailers(5000), step);
    EXPECT_EQ(flood.error_status, 431);
    EXPECT_LE(flood.request.headers.size(), 200U);
  }
}

TEST(HttpRequestParser, BareLineFeedsAndHttp10) {
  const Parsed p = parse("GET / HTTP/1.0\nHost: h\n\n", 3);
  ASSERT_EQ(p.state, HttpRequestParser::State::kComplete);
  EXPECT_EQ(p.request.version_minor, 0);
  EXPECT_FALSE(p.keep_alive);
  const Parsed closing = parse("GET / HTTP/1.1\r\nConnection: close\r\n\r\n", 5);
  EXPECT_FALSE(closing.keep_alive);
}

TEST(HttpRequestParser, RejectsSmugglingAndGarbage) {
  struct Case {
    std::string wire;
    int status;
  };
  const std::vector<Case> cases = {
      {"POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501},
      {"GET / HTTP/2.0\r\n\r\n", 505},
      {"GET /  HTTP/1.1\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nBad Header: x\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nExpect: something\r\n\r\n", 417},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n", 400},
      {"GET / HTTP/1.1\r\nH: " + std::string(70000, 'a') + "\r\n\r\n", 431},
  };
  for (const Case& c : cases) {
    for (std::size_t step : {std::size_t{1}, std::size_t{7}, std::size_t{1} << 20}) {
      const Parsed p = parse(c.wire, step);
      EXPECT_EQ(p.state, HttpRequestParser::State::kError) << c.wire.substr(0, 60) << " " << step;
      EXPECT_EQ(p.error_status, c.status) << c.wire.substr(0, 60);
    }
  }
}

TEST(HttpRequestParser, ResetParsesTheNextRequest) {
  HttpRequestParser parser;
  std::string_view piece;
  const std::string first = "GET /a HTTP/1.1\r\n\r\n";
  EXPECT_EQ(parser.consume(first, piece), first.size());
  parser.begin_body();
  ASSERT_EQ(parser.state(), HttpRequestParser::State::kComplete);
  parser.reset();
  const std::string second = "GET /b HTTP/1.1\r\n\r\n";
  EXPECT_EQ(parser.consume(second, piece), second.size());
  EXPECT_EQ(parser.request().path, "/b");
  EXPECT_TRUE(parser.request().headers.empty());
}

}  // namespace
}  // namespace csv2ddb::local
