// HTTP/1.1 bytes of the client's direct path: the request as written (a golden file, CRLFs and
// all) and the response parser fed whole, byte by byte, and in every split.
#include "aws/http_wire.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace csv2ddb::aws {
namespace {

using Progress = HttpResponseParser::Progress;

std::string read_or_update_golden(const std::string& name, const std::string& actual) {
  const std::string path = std::string(CSV2DDB_SOURCE_DIR) + "/tests/aws/golden/" + name;
  const char* update = std::getenv("UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << actual;
  }
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << "missing golden file " << path << " (run with UPDATE_GOLDEN=1)";
  std::stringstream expected;
  expected << in.rdbuf();
  return expected.str();
}

HttpRequest batch_write_request() {
  HttpRequest request;
  request.method = "POST";
  request.url = "http://127.0.0.1:4566/";
  request.headers = {
      {"Host", "127.0.0.1:4566"},
      {"Content-Type", "application/x-amz-json-1.0"},
      {"X-Amz-Target", "DynamoDB_20120810.BatchWriteItem"},
      {"X-Amz-Date", "20240501T120000Z"},
      {"Authorization",
       "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240501/us-east-1/dynamodb/aws4_request, "
       "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=cf93a226"},
  };
  request.body = R"({"RequestItems":{"offers":[{"PutRequest":{"Item":{"account":{"S":"A1"}}}}]},)"
                 R"("ReturnConsumedCapacity":"TOTAL"})";
  return request;
}

TEST(HttpWireRequest, BatchWriteItemMatchesTheGoldenBytes) {
  std::string wire;
  append_http_request(wire, batch_write_request(), "/", "ignored:1", "csv2ddb/0.1",
                      "Root=1-abc;Sampled=1");
  EXPECT_EQ(wire, read_or_update_golden("http_wire_batch_write_item.http", wire));
}

TEST(HttpWireRequest, HostUserAgentAndLengthAreAddedOnlyWhenMissing) {
  HttpRequest request;
  request.method = "PUT";
  request.url = "https://bucket.s3.amazonaws.com/a%20b?partNumber=1";
  std::string wire;
  append_http_request(wire, request, "/a%20b?partNumber=1", "bucket.s3.amazonaws.com", "ua/1", "");
  EXPECT_EQ(wire,
            "PUT /a%20b?partNumber=1 HTTP/1.1\r\n"
            "Host: bucket.s3.amazonaws.com\r\n"
            "User-Agent: ua/1\r\n"
            "Content-Length: 0\r\n"
            "\r\n");

  request.headers = {{"host", "given"}, {"user-agent", "mine"}, {"content-length", "3"}};
  request.body = "abc";
  wire.clear();
  append_http_request(wire, request, "/", "derived", "ua/1", "");
  EXPECT_EQ(wire,
            "PUT / HTTP/1.1\r\n"
            "host: given\r\n"
            "user-agent: mine\r\n"
            "content-length: 3\r\n"
            "\r\n"
            "abc");
}

// Feeds `bytes` split at `cut` (and the rest), expecting the response to complete.
HttpResponseParser parse_split(std::string_view bytes, std::size_t cut) {
  HttpResponseParser parser;
  auto first = parser.feed(bytes.substr(0, cut));
  EXPECT_TRUE(first.ok()) << first.error().to_string();
  auto second = parser.feed(bytes.substr(cut));
  EXPECT_TRUE(second.ok()) << second.error().to_string();
  if (second.ok()) {
    EXPECT_EQ(*second, Progress::kComplete) << "cut at " << cut;
  }
  return parser;
}

TEST(HttpWireResponse, ContentLengthInEverySplit) {
  const std::string bytes =
      "HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.0\r\n"
      "x-amzn-RequestId: r1\r\nContent-Length: 23\r\n\r\n{\"UnprocessedItems\":{}}";
  for (std::size_t cut = 0; cut <= bytes.size(); ++cut) {
    HttpResponseParser parser = parse_split(bytes, cut);
    EXPECT_EQ(parser.response().status, 200);
    EXPECT_EQ(parser.response().body, "{\"UnprocessedItems\":{}}") << "cut at " << cut;
    EXPECT_EQ(*parser.response().header("x-amzn-requestid"), "r1");
    EXPECT_TRUE(parser.keep_alive());
  }
}

TEST(HttpWireResponse, ByteByByte) {
  const std::string bytes = "HTTP/1.1 400 Bad Request\r\nContent-Length: 5\r\n\r\nerror";
  HttpResponseParser parser;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    auto progress = parser.feed(bytes.substr(i, 1));
    ASSERT_TRUE(progress.ok());
    EXPECT_EQ(*progress, i + 1 == bytes.size() ? Progress::kComplete : Progress::kNeedMore) << i;
  }
  EXPECT_EQ(parser.response().status, 400);
  EXPECT_EQ(parser.response().body, "error");
}

TEST(HttpWireResponse, ChunkedWithExtensionsAndTrailersInEverySplit) {
  const std::string bytes =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
      "2\r\nab\r\n3;name=value\r\ncde\r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n";
  for (std::size_t cut = 0; cut <= bytes.size(); ++cut) {
    HttpResponseParser parser = parse_split(bytes, cut);
    EXPECT_EQ(parser.response().body, "abcde0123456789") << "cut at " << cut;
    EXPECT_TRUE(parser.keep_alive());
  }
}

TEST(HttpWireResponse, InterimContinueIsSkipped) {
  HttpResponseParser parser = parse_split(
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nETag: \"e\"\r\nContent-Length: "
      "0\r\n\r\n",
      10);
  EXPECT_EQ(parser.response().status, 201);
  ASSERT_EQ(parser.response().headers.size(), 2u);
  EXPECT_EQ(*parser.response().header("ETag"), "\"e\"");
}

TEST(HttpWireResponse, ConnectionCloseAndHttp10AreNotKeptAlive) {
  EXPECT_FALSE(parse_split("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nx", 5)
                   .keep_alive());
  EXPECT_FALSE(parse_split("HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx", 5).keep_alive());
}

TEST(HttpWireResponse, BytesAfterTheResponseSpoilTheConnection) {
  HttpResponseParser parser;
  auto progress = parser.feed("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nxHTTP/1.1");
  ASSERT_TRUE(progress.ok());
  EXPECT_EQ(*progress, Progress::kComplete);
  EXPECT_EQ(parser.response().body, "x");
  EXPECT_FALSE(parser.keep_alive());
}

TEST(HttpWireResponse, NoContentHasNoBody) {
  HttpResponseParser parser;
  auto progress = parser.feed("HTTP/1.1 204 No Content\r\n\r\n");
  ASSERT_TRUE(progress.ok());
  EXPECT_EQ(*progress, Progress::kComplete);
  EXPECT_TRUE(parser.keep_alive());
}

TEST(HttpWireResponse, ABodyWithoutLengthEndsWithTheConnection) {
  HttpResponseParser parser;
  auto progress = parser.feed("HTTP/1.1 200 OK\r\n\r\npart one, ");
  ASSERT_TRUE(progress.ok());
  EXPECT_EQ(*progress, Progress::kNeedMore);
  ASSERT_TRUE(parser.feed("part two").ok());
  auto end = parser.end_of_stream();
  ASSERT_TRUE(end.ok());
  EXPECT_EQ(*end, Progress::kComplete);
  EXPECT_EQ(parser.response().body, "part one, part two");
  EXPECT_FALSE(parser.keep_alive());
}

TEST(HttpWireResponse, ClosedEarlyIsConnectionReset) {
  HttpResponseParser nothing;
  auto end = nothing.end_of_stream();
  ASSERT_FALSE(end.ok());
  EXPECT_EQ(end.error().code, "ConnectionReset");
  EXPECT_EQ(end.error().message, "connection closed before the response came");
  EXPECT_FALSE(nothing.started());

  HttpResponseParser part;
  ASSERT_TRUE(part.feed("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc").ok());
  end = part.end_of_stream();
  ASSERT_FALSE(end.ok());
  EXPECT_EQ(end.error().message, "connection closed before the response was complete");
  EXPECT_TRUE(part.started());
}

TEST(HttpWireResponse, MalformedResponsesAreRefusedWithWhatWasWrong) {
  struct Case {
    const char* bytes;
    const char* message;
  };
  for (const Case& c : {
           Case{"SSH-2.0-OpenSSH_9.2\r\n\r\n",
                "malformed HTTP response: status line \"SSH-2.0-OpenSSH_9.2\""},
           Case{"HTTP/1.1 2x0 OK\r\n\r\n",
                "malformed HTTP response: status line \"HTTP/1.1 2x0 OK\""},
           Case{"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
                "malformed HTTP response: header line \"no colon here\""},
           Case{"HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\n",
                "malformed HTTP response: Content-Length \"12a\""},
           Case{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                "malformed HTTP response: chunk size \"zz\""},
           Case{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n",
                "malformed HTTP response: chunk without its line end"},
       }) {
    SCOPED_TRACE(c.bytes);
    HttpResponseParser parser;
    auto progress = parser.feed(c.bytes);
    ASSERT_FALSE(progress.ok());
    EXPECT_EQ(progress.error().code, "MalformedResponse");
    EXPECT_EQ(progress.error().message, c.message);
  }
  HttpResponseParser endless;
  auto progress = endless.feed("HTTP/1.1 200 OK\r\nX: " + std::string(70000, 'a'));
  ASSERT_FALSE(progress.ok());
  EXPECT_EQ(progress.error().message, "malformed HTTP response: head over 64 KiB");
}

}  // namespace
}  // namespace csv2ddb::aws
