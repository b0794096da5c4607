// The HTTP client against a real HTTP/1.1 server on 127.0.0.1 (tests/aws/servers/
// http_test_server.py), started once for the suite.
#include "aws/http_client.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "aws/crypto.hpp"
#include "test_server_process.hpp"

namespace csv2ddb::aws {
namespace {

using testing::TestServerProcess;

class HttpClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new TestServerProcess("http_test_server.py"); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override { ASSERT_GT(server_->port(), 0) << "test server did not start"; }

  static std::string url(const std::string& path) { return server_->url(path); }

  static int connections_so_far(HttpClient& client) {
    auto stats = client.send(HttpRequest{"GET", url("/stats"), {}, "", std::nullopt, {}});
    EXPECT_TRUE(stats.ok());
    return std::atoi(stats->body.c_str() + std::string("connections ").size());
  }

  static TestServerProcess* server_;
};
TestServerProcess* HttpClientTest::server_ = nullptr;

// A port nothing listens on: bind, note the port, close.
int closed_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

TEST_F(HttpClientTest, PutThenGetRoundTripsBodyAndHeaders) {
  HttpClient client;
  HttpRequest put;
  put.method = "PUT";
  put.url = url("/echo");
  put.headers = {{"X-Custom", "value 1"}, {"Content-Type", "text/plain"}};
  put.body = "hello, world";
  auto response = client.send(put);
  ASSERT_TRUE(response.ok()) << response.error().to_string();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "hello, world");
  ASSERT_NE(response->header("x-seen-method"), nullptr);  // case-insensitive lookup
  EXPECT_EQ(*response->header("X-SEEN-METHOD"), "PUT");
  EXPECT_EQ(*response->header("X-Seen-Length"), "12");
  EXPECT_EQ(*response->header("X-Seen-Custom"), "value 1");
  EXPECT_EQ(*response->header("X-Seen-Expect"), "-");  // small bodies skip 100-continue
  EXPECT_EQ(response->header("X-Not-There"), nullptr);

  HttpRequest get;
  get.url = url("/echo");
  auto got = client.send(get);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->status, 200);
  EXPECT_EQ(*got->header("X-Seen-Method"), "GET");
  EXPECT_EQ(got->body, "");
}

TEST_F(HttpClientTest, PostAndDeleteAndHead) {
  HttpClient client;
  auto post = client.send({"POST", url("/echo"), {}, "{\"a\":1}", std::nullopt, {}});
  ASSERT_TRUE(post.ok());
  EXPECT_EQ(*post->header("X-Seen-Method"), "POST");
  EXPECT_EQ(post->body, "{\"a\":1}");

  auto empty_post = client.send({"POST", url("/echo"), {}, "", std::nullopt, {}});
  ASSERT_TRUE(empty_post.ok());
  EXPECT_EQ(*empty_post->header("X-Seen-Length"), "0");

  auto del = client.send({"DELETE", url("/echo"), {}, "", std::nullopt, {}});
  ASSERT_TRUE(del.ok());
  EXPECT_EQ(*del->header("X-Seen-Method"), "DELETE");

  auto head = client.send({"HEAD", url("/status?code=404"), {}, "", std::nullopt, {}});
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->status, 404);
  EXPECT_EQ(head->body, "");
  EXPECT_EQ(*head->header("X-Status-Route"), "yes");
}

// A header value or URL with CR or LF (a session token pasted with its newline, a profile's
// endpoint) is refused before anything is sent, naming the header and never the value.
TEST_F(HttpClientTest, LineBreaksInHeadersOrTheUrlAreRefusedUnsent) {
  HttpClient client;
  const int before = connections_so_far(client);
  auto token = client.send({"GET",
                            url("/echo"),
                            {{"X-Amz-Security-Token", "secret\r\nX-Injected: 1"}},
                            "",
                            std::nullopt,
                            {}});
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.error().code, "InvalidRequest");
  EXPECT_EQ(token.error().message,
            "the X-Amz-Security-Token header holds a line break or NUL; check where it comes from "
            "(environment, profile, credentials)");
  auto host = client.send({"GET", url("/echo") + "\nHost: evil", {}, "", std::nullopt, {}});
  ASSERT_FALSE(host.ok());
  EXPECT_EQ(host.error().message, "the URL holds a line break or NUL; check the endpoint");
  EXPECT_EQ(connections_so_far(client), before);  // no connection was opened for them
}

// Small bodies in memory go out with the head in one send (CURLOPT_POSTFIELDS): curl must not
// add the form defaults that come with it, which S3 would store as the object's Content-Type.
TEST_F(HttpClientTest, SmallBodiesGetNoHeadersTheRequestDidNotAskFor) {
  HttpClient client;
  for (const char* method : {"PUT", "POST", "PATCH"}) {
    SCOPED_TRACE(method);
    auto plain = client.send({method, url("/echo"), {}, std::string(2000, 'x'), std::nullopt, {}});
    ASSERT_TRUE(plain.ok()) << plain.error().to_string();
    EXPECT_EQ(*plain->header("X-Seen-Method"), method);
    EXPECT_EQ(plain->body, std::string(2000, 'x'));
    EXPECT_EQ(*plain->header("X-Seen-Content-Type"), "-");
    EXPECT_EQ(*plain->header("X-Seen-Expect"), "-");
    EXPECT_EQ(*plain->header("X-Seen-Transfer-Encoding"), "-");

    auto typed = client.send({method,
                              url("/echo"),
                              {{"Content-Type", "application/x-amz-json-1.0"}},
                              "{}",
                              std::nullopt,
                              {}});
    ASSERT_TRUE(typed.ok());
    EXPECT_EQ(*typed->header("X-Seen-Content-Type"), "application/x-amz-json-1.0");
    EXPECT_EQ(typed->body, "{}");
  }
  // An empty PUT still says Content-Length: 0 (S3 refuses a PUT without a length).
  auto empty = client.send({"PUT", url("/echo"), {}, "", std::nullopt, {}});
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty->header("X-Seen-Content-Length"), "0");
}

TEST_F(HttpClientTest, ServerErrorStatusIsSurfacedWithItsBody) {
  HttpClient client;
  auto response = client.send({"GET", url("/status?code=500"), {}, "", std::nullopt, {}});
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 500);
  EXPECT_FALSE(response->ok());
  EXPECT_EQ(response->body, "status 500");
}

TEST_F(HttpClientTest, ErrorBodyOfStreamedRequestGoesToResponseNotSink) {
  HttpClient client;
  std::string sunk;
  BodySink sink = [&](std::string_view chunk) {
    sunk.append(chunk);
    return Status{};
  };
  auto response = client.send({"GET", url("/status?code=503"), {}, "", std::nullopt, {}}, sink);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 503);
  EXPECT_EQ(response->body, "status 503");
  EXPECT_EQ(sunk, "");
}

TEST_F(HttpClientTest, KeepAliveReusesConnections) {
  HttpClient client;
  int before = connections_so_far(client);
  for (int i = 0; i < 50; ++i) {
    auto response = client.send({"GET", url("/echo"), {}, "", std::nullopt, {}});
    ASSERT_TRUE(response.ok());
    ASSERT_EQ(response->status, 200);
  }
  int after = connections_so_far(client);
  // One thread, sequential requests: the stats connection is reused for all of them.
  EXPECT_LE(after - before, 1);
}

TEST_F(HttpClientTest, EightThreadsHaveRequestsInFlightAtOnce) {
  HttpClient client;
  int before = connections_so_far(client);
  constexpr int kThreads = 8;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      // The server answers only once all 8 are inside the handler together.
      auto response = client.send({"GET", url("/inflight?n=8"), {}, "", std::nullopt, {}});
      if (response.ok() && response->status == 200 && response->body == "ok") ++ok;
      // Then each thread reuses its pooled connection.
      for (int i = 0; i < 10; ++i) {
        auto again = client.send({"GET", url("/echo"), {}, "", std::nullopt, {}});
        if (!again.ok() || again->status != 200) return;
      }
      ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 2 * kThreads);
  int opened = connections_so_far(client) - before;
  // All 8 were in flight together (the barrier), on 8 connections: one of them may be the
  // idle connection the first /stats request left in the pool.
  EXPECT_GE(opened, kThreads - 1);
  EXPECT_LE(opened, kThreads + 1);  // 88 requests, and no more connections than threads
}

TEST_F(HttpClientTest, StreamsA64MiBResponseToTheSinkInPieces) {
  HttpClient client;
  constexpr std::size_t kSize = 64u * 1024 * 1024;
  std::size_t received = 0;
  std::size_t chunks = 0;
  std::size_t largest_chunk = 0;
  bool pattern_ok = true;
  BodySink sink = [&](std::string_view chunk) {
    for (std::size_t i = 0; i < chunk.size(); i += 4099) {  // spot-check the pattern
      if (static_cast<unsigned char>(chunk[i]) != (received + i) % 251) pattern_ok = false;
    }
    received += chunk.size();
    ++chunks;
    largest_chunk = std::max(largest_chunk, chunk.size());
    return Status{};
  };
  auto response = client.send(
      {"GET", url("/big?size=" + std::to_string(kSize)), {}, "", std::nullopt, {}}, sink);
  ASSERT_TRUE(response.ok()) << response.error().to_string();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(received, kSize);
  EXPECT_TRUE(pattern_ok);
  EXPECT_EQ(response->body.size(), 0u);    // nothing held in the response
  EXPECT_GE(chunks, 64u);                  // many pieces...
  EXPECT_LE(largest_chunk, 1024u * 1024);  // ...none of them the whole body
}

TEST_F(HttpClientTest, SinkErrorAbortsTheTransfer) {
  HttpClient client;
  BodySink sink = [](std::string_view) { return Status(make_error("DiskFull", "no space left")); };
  auto response = client.send({"GET", url("/big?size=1000000"), {}, "", std::nullopt, {}}, sink);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, "DiskFull");
}

// A body of `size` bytes of the pattern i % 251, produced piece by piece.
BodySource pattern_source(std::uint64_t size, bool known_length, std::size_t* calls) {
  auto offset = std::make_shared<std::uint64_t>(0);
  BodySource source;
  source.read = [offset, size, calls](std::span<char> buffer) -> Result<std::size_t> {
    ++*calls;
    std::size_t n =
        static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), size - *offset));
    for (std::size_t i = 0; i < n; ++i) buffer[i] = static_cast<char>((*offset + i) % 251);
    *offset += n;
    return n;
  };
  if (known_length) source.length = size;
  source.rewind = [offset] {
    *offset = 0;
    return true;
  };
  return source;
}

std::string pattern_sha256(std::uint64_t size) {
  Sha256Hasher hasher;
  std::string block(251, '\0');
  for (int i = 0; i < 251; ++i) block[static_cast<std::size_t>(i)] = static_cast<char>(i);
  std::uint64_t done = 0;
  while (done < size) {
    auto n = std::min<std::uint64_t>(251, size - done);
    hasher.update(std::string_view(block.data(), static_cast<std::size_t>(n)));
    done += n;
  }
  return hasher.finish_hex();
}

TEST_F(HttpClientTest, StreamedUploadWithKnownLength) {
  HttpClient client;
  constexpr std::uint64_t kSize = 5u * 1024 * 1024 + 17;
  std::size_t calls = 0;
  HttpRequest request;
  request.method = "PUT";
  request.url = url("/digest");
  request.source = pattern_source(kSize, true, &calls);
  auto response = client.send(request);
  ASSERT_TRUE(response.ok()) << response.error().to_string();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, std::to_string(kSize) + " " + pattern_sha256(kSize));
  EXPECT_GT(calls, 10u);  // read in pieces, never whole
  // Large bodies go with Expect: 100-continue, and the server's 100 lets the body through.
  EXPECT_EQ(*response->header("X-Seen-Expect"), "100-continue");
}

TEST_F(HttpClientTest, StreamedUploadChunked) {
  HttpClient client;
  constexpr std::uint64_t kSize = 300000;
  std::size_t calls = 0;
  HttpRequest request;
  request.method = "POST";
  request.url = url("/echo");
  request.source = pattern_source(kSize, false, &calls);
  auto response = client.send(request);
  ASSERT_TRUE(response.ok()) << response.error().to_string();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(*response->header("X-Seen-Transfer-Encoding"), "chunked");
  EXPECT_EQ(*response->header("X-Seen-Length"), std::to_string(kSize));
  ASSERT_EQ(response->body.size(), kSize);
  EXPECT_EQ(static_cast<unsigned char>(response->body[1000]), 1000 % 251);
}

// One thread, so one pooled handle carries every request: a handle keeps its options for the
// next request of the same shape and is set up afresh for another, and either way each request
// must go out as itself (method, body, framing) and on the connection already open.
TEST_F(HttpClientTest, OneHandleCarriesRequestsOfEveryShapeInTurn) {
  HttpClient client;
  const int before = connections_so_far(client);
  std::size_t reads = 0;
  for (int round = 0; round < 2; ++round) {
    for (const std::string body : {"first", "second, longer"}) {  // same shape twice in a row
      auto post = client.send({"POST", url("/echo"), {}, body, std::nullopt, {}});
      ASSERT_TRUE(post.ok()) << post.error().to_string();
      EXPECT_EQ(*post->header("X-Seen-Method"), "POST");
      EXPECT_EQ(post->body, body);
    }
    auto get = client.send({"GET", url("/echo"), {}, "", std::nullopt, {}});
    ASSERT_TRUE(get.ok());
    EXPECT_EQ(*get->header("X-Seen-Method"), "GET");
    EXPECT_EQ(*get->header("X-Seen-Length"), "0");
    EXPECT_EQ(get->body, "");

    HttpRequest upload;
    upload.method = "PUT";
    upload.url = url("/digest");
    upload.source = pattern_source(100000, true, &reads);
    auto put = client.send(upload);
    ASSERT_TRUE(put.ok()) << put.error().to_string();
    EXPECT_EQ(put->body, "100000 " + pattern_sha256(100000));

    HttpRequest chunked;
    chunked.method = "POST";
    chunked.url = url("/echo");
    chunked.source = pattern_source(3000, false, &reads);
    auto streamed = client.send(chunked);
    ASSERT_TRUE(streamed.ok()) << streamed.error().to_string();
    EXPECT_EQ(*streamed->header("X-Seen-Transfer-Encoding"), "chunked");
    EXPECT_EQ(streamed->body.size(), 3000u);

    auto head = client.send({"HEAD", url("/echo"), {}, "", std::nullopt, {}});
    ASSERT_TRUE(head.ok());
    EXPECT_EQ(*head->header("X-Seen-Method"), "HEAD");
    EXPECT_EQ(head->body, "");

    auto del = client.send({"DELETE", url("/echo"), {}, "", std::nullopt, {}});
    ASSERT_TRUE(del.ok());
    EXPECT_EQ(*del->header("X-Seen-Method"), "DELETE");
    EXPECT_EQ(*del->header("X-Seen-Length"), "0");

    // A method without a body after one with a body in memory: no body left over from it.
    auto put_empty = client.send({"PUT", url("/echo"), {}, "", std::nullopt, {}});
    ASSERT_TRUE(put_empty.ok());
    EXPECT_EQ(*put_empty->header("X-Seen-Method"), "PUT");
    EXPECT_EQ(*put_empty->header("X-Seen-Length"), "0");
  }
  EXPECT_LE(connections_so_far(client) - before, 1);
}

TEST_F(HttpClientTest, BodyReaderErrorAbortsTheRequest) {
  HttpClient client;
  HttpRequest request;
  request.method = "PUT";
  request.url = url("/digest");
  request.source = BodySource{
      [](std::span<char>) -> Result<std::size_t> { return make_error("ReadFailed", "bad disk"); },
      10,
      {}};
  auto response = client.send(request);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, "ReadFailed");
}

TEST_F(HttpClientTest, ExpectContinueWithLargeStringBody) {
  HttpClient client;
  HttpRequest request;
  request.method = "PUT";
  request.url = url("/echo");
  request.body.assign(2 * 1024 * 1024, 'x');
  auto response = client.send(request);
  ASSERT_TRUE(response.ok()) << response.error().to_string();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(*response->header("X-Seen-Expect"), "100-continue");
  EXPECT_EQ(response->body.size(), request.body.size());
}

TEST_F(HttpClientTest, ExpectContinueAnsweredWithAFinalStatus) {
  HttpClient client;
  HttpRequest request;
  request.method = "PUT";
  request.url = url("/expect-reject");
  request.body.assign(2 * 1024 * 1024, 'y');
  auto response = client.send(request);
  ASSERT_TRUE(response.ok()) << response.error().to_string();
  EXPECT_EQ(response->status, 403);
  EXPECT_EQ(response->body, "rejected before the body");
  // The client still works afterwards (the refused connection was not reused mid-body).
  auto next = client.send({"GET", url("/echo"), {}, "", std::nullopt, {}});
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->status, 200);
}

TEST_F(HttpClientTest, ConnectionRefused) {
  HttpClient client;
  std::string target = "http://127.0.0.1:" + std::to_string(closed_port()) + "/x";
  auto response =
      client.send({"GET", target + "?X-Amz-Signature=secret", {}, "", std::nullopt, {}});
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, "ConnectionRefused");
  EXPECT_NE(response.error().message.find("GET " + target + ": connection refused"),
            std::string::npos)
      << response.error().message;
  EXPECT_EQ(response.error().message.find("secret"), std::string::npos);
}

TEST_F(HttpClientTest, ConnectionClosedWithoutResponseIsConnectionReset) {
  HttpClient client;
  auto response = client.send({"POST", url("/drop"), {}, "{}", std::nullopt, {}});
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, "ConnectionReset");
  EXPECT_NE(response.error().message.find("POST " + url("/drop") + ": connection closed"),
            std::string::npos)
      << response.error().message;
  // The next request gets a fresh connection.
  auto next = client.send({"GET", url("/echo"), {}, "", std::nullopt, {}});
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->status, 200);
}

TEST_F(HttpClientTest, StalledServerTimesOut) {
  HttpClientOptions options;
  options.timeout = std::chrono::milliseconds(300);
  HttpClient client(options);
  auto response = client.send({"GET", url("/stall"), {}, "", std::nullopt, {}});
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, "RequestTimeout");
  EXPECT_NE(response.error().message.find(url("/stall")), std::string::npos);
}

TEST_F(HttpClientTest, PerRequestTimeoutOverridesTheClients) {
  HttpClient client;  // no total timeout
  HttpRequest request{"GET", url("/stall"), {}, "", std::nullopt, std::chrono::milliseconds(200)};
  auto response = client.send(request);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, "RequestTimeout");
}

// The stall limit (production_http_options: < 1 byte/s for 20 s) is what ends a transfer that
// stopped moving; here 1 s, told apart from a total timeout by curl's own words.
TEST_F(HttpClientTest, TheStallLimitEndsATransferThatStopsMoving) {
  HttpClientOptions options;
  options.low_speed_limit = 1;
  options.low_speed_time = std::chrono::seconds(1);
  HttpClient client(options);
  auto response = client.send({"GET", url("/stall"), {}, "", std::nullopt, {}});
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, "RequestTimeout");
  EXPECT_NE(response.error().message.find("Operation too slow"), std::string::npos)
      << response.error().message;
  // A body that keeps moving is not cut, however long it takes in all.
  auto big = client.send({"GET", url("/big?size=3000000"), {}, "", std::nullopt, {}});
  ASSERT_TRUE(big.ok()) << big.error().to_string();
  EXPECT_EQ(big->body.size(), 3000000u);
}

TEST_F(HttpClientTest, ARequestsOwnTimeoutReplacesTheStallLimit) {
  // A long Lambda invoke moves no bytes while the function runs: its own timeout bounds it.
  HttpClientOptions options;
  options.low_speed_limit = 1;
  options.low_speed_time = std::chrono::seconds(1);
  HttpClient client(options);
  HttpRequest request{"GET", url("/stall"), {}, "", std::nullopt, std::chrono::milliseconds(2500)};
  auto response = client.send(request);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, "RequestTimeout");
  EXPECT_NE(response.error().message.find("Operation timed out after"), std::string::npos)
      << response.error().message;
}

TEST_F(HttpClientTest, TraceIdComesFromTheEnvironmentUnlessTheRequestSetsIt) {
  HttpClient client;
  ::setenv("_X_AMZN_TRACE_ID", "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1", 1);
  auto from_env = client.send({"GET", url("/echo"), {}, "", std::nullopt, {}});
  auto explicit_id =
      client.send({"GET", url("/echo"), {{"X-Amzn-Trace-Id", "Root=mine"}}, "", std::nullopt, {}});
  ::unsetenv("_X_AMZN_TRACE_ID");
  auto none = client.send({"GET", url("/echo"), {}, "", std::nullopt, {}});
  ASSERT_TRUE(from_env.ok() && explicit_id.ok() && none.ok());
  EXPECT_EQ(*from_env->header("X-Seen-Trace-Id"),
            "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1");
  EXPECT_EQ(*explicit_id->header("X-Seen-Trace-Id"), "Root=mine");
  EXPECT_EQ(*none->header("X-Seen-Trace-Id"), "-");
}

// The direct path (kept_connection.hpp) carries every small in-memory request: fifty POSTs on
// one connection.
TEST_F(HttpClientTest, SmallPostsShareOneKeptConnection) {
  HttpClient client;
  int before = connections_so_far(client);
  for (int i = 0; i < 50; ++i) {
    auto response =
        client.send({"POST", url("/echo"), {}, "item " + std::to_string(i), std::nullopt, {}});
    ASSERT_TRUE(response.ok()) << response.error().to_string();
    ASSERT_EQ(response->body, "item " + std::to_string(i));
  }
  EXPECT_EQ(connections_so_far(client) - before, 1);
}

// What the server sees is the same whichever path a request takes.
TEST_F(HttpClientTest, TheDirectPathSendsWhatCurlSends) {
  HttpClientOptions through_curl;
  through_curl.direct_small_requests = false;
  HttpClient direct;
  HttpClient curl(through_curl);
  const HeaderList headers = {{"Content-Type", "application/x-amz-json-1.0"},
                              {"X-Amz-Target", "DynamoDB_20120810.BatchWriteItem"}};
  for (const char* method : {"PUT", "POST", "PATCH"}) {
    SCOPED_TRACE(method);
    for (const std::string& body : {std::string(), std::string("{}"), std::string(60000, 'b')}) {
      auto a = direct.send({method, url("/echo?x=1"), headers, body, std::nullopt, {}});
      auto b = curl.send({method, url("/echo?x=1"), headers, body, std::nullopt, {}});
      ASSERT_TRUE(a.ok() && b.ok());
      EXPECT_EQ(a->status, b->status);
      EXPECT_EQ(a->body, b->body);
      for (const char* seen :
           {"X-Seen-Method", "X-Seen-Length", "X-Seen-Expect", "X-Seen-Transfer-Encoding",
            "X-Seen-Content-Type", "X-Seen-Content-Length", "X-Seen-Trace-Id"}) {
        ASSERT_NE(a->header(seen), nullptr) << seen;
        EXPECT_EQ(*a->header(seen), *b->header(seen)) << seen;
      }
    }
  }
}

// A server may close a kept-alive connection while it is idle (no "Connection: close" on the
// last answer): the next request finds it closed before any answer and goes again on a new one.
TEST_F(HttpClientTest, AKeptConnectionTheServerClosedIsReplaced) {
  HttpClient client;
  int before = connections_so_far(client);
  auto first = client.send({"POST", url("/answer-then-close"), {}, "{}", std::nullopt, {}});
  ASSERT_TRUE(first.ok()) << first.error().to_string();
  EXPECT_EQ(first->body, "closing");
  auto second = client.send({"POST", url("/echo"), {}, "again", std::nullopt, {}});
  ASSERT_TRUE(second.ok()) << second.error().to_string();
  EXPECT_EQ(second->body, "again");
  EXPECT_EQ(connections_so_far(client) - before, 2);
}

TEST_F(HttpClientTest, TheDirectPathReadsAChunkedResponse) {
  HttpClient client;
  auto response = client.send({"POST", url("/chunked"), {}, "{}", std::nullopt, {}});
  ASSERT_TRUE(response.ok()) << response.error().to_string();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "abcde0123456789");
  auto next = client.send({"POST", url("/echo"), {}, "after", std::nullopt, {}});
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->body, "after");
}

TEST_F(HttpClientTest, TheDirectPathTimesOut) {
  HttpClientOptions options;
  options.timeout = std::chrono::milliseconds(300);
  HttpClient client(options);
  auto total = client.send({"POST", url("/stall"), {}, "{}", std::nullopt, {}});
  ASSERT_FALSE(total.ok());
  EXPECT_EQ(total.error().code, "RequestTimeout");
  EXPECT_EQ(total.error().message,
            "POST " + url("/stall") + ": timed out (no complete response within 300 ms)");

  HttpClientOptions stall_options;
  stall_options.low_speed_limit = 1;
  stall_options.low_speed_time = std::chrono::seconds(1);
  HttpClient stalling(stall_options);
  auto stalled = stalling.send({"POST", url("/stall"), {}, "{}", std::nullopt, {}});
  ASSERT_FALSE(stalled.ok());
  EXPECT_EQ(stalled.error().code, "RequestTimeout");
  EXPECT_EQ(stalled.error().message,
            "POST " + url("/stall") + ": timed out (nothing moved for 1000 ms)");
}

// With a proxy in the environment every request takes curl's path, which honours it and
// NO_PROXY (here the proxy is a closed port and 127.0.0.1 is exempt: requests still arrive).
TEST_F(HttpClientTest, AProxyInTheEnvironmentSendsSmallRequestsThroughCurl) {
  ::setenv("http_proxy", ("http://127.0.0.1:" + std::to_string(closed_port())).c_str(), 1);
  ::setenv("NO_PROXY", "127.0.0.1", 1);
  HttpClientOptions options;
  options.timeout = std::chrono::milliseconds(300);
  HttpClient client(options);
  ::unsetenv("http_proxy");
  ::unsetenv("NO_PROXY");
  auto response = client.send({"POST", url("/stall"), {}, "{}", std::nullopt, {}});
  ASSERT_FALSE(response.ok());
  // curl's words, not the direct path's.
  EXPECT_NE(response.error().message.find("Operation timed out after"), std::string::npos)
      << response.error().message;
}

TEST(RedactUrl, DropsQueryFragmentAndUserInfo) {
  EXPECT_EQ(redact_url("https://b.s3.amazonaws.com/k?X-Amz-Credential=AKIA&X-Amz-Signature=f"),
            "https://b.s3.amazonaws.com/k");
  EXPECT_EQ(redact_url("http://user:pass@127.0.0.1:9/p#frag"), "http://127.0.0.1:9/p");
  EXPECT_EQ(redact_url("http://host"), "http://host");
}

}  // namespace
}  // namespace csv2ddb::aws
