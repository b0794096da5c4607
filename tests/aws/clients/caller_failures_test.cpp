// How a call fails, against in-process fake servers that misbehave on purpose: nothing
// listening, a stall, a 500 then success, throttling then success, missing credentials, a wrong
// secret against a server that really verifies SigV4, and a stale clock that the Date header
// corrects. Backoff sleeps are recorded, not slept.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>

#include "adapters/dynamodb_table_writer.hpp"
#include "aws/clock_skew.hpp"
#include "aws/dynamodb_client.hpp"
#include "aws/http_date.hpp"
#include "aws/sigv4_verify.hpp"
#include "test_servers.hpp"

namespace csv2ddb::aws {
namespace {

using adapters::DynamoDbTableWriter;

using testing::FakeHttpServer;
using testing::FakeResponse;
using testing::ReceivedRequest;
using OutcomeStatus = ingest::BatchWriteOutcome::Status;

constexpr std::string_view kDescribeOk =
    R"({"Table":{"TableName":"t","TableStatus":"ACTIVE","KeySchema":[{"AttributeName":"k","KeyType":"HASH"}],)"
    R"("AttributeDefinitions":[{"AttributeName":"k","AttributeType":"S"}],"ItemCount":0}})";

FakeResponse json_ok(std::string body) {
  FakeResponse response;
  response.headers.push_back({"Content-Type", "application/x-amz-json-1.0"});
  response.body = std::move(body);
  return response;
}

std::vector<model::Item> one_item() {
  model::Item item;
  item.attributes.push_back({"k", model::AttributeValue::string("v")});
  return {item};
}

DynamoDbClient client_for(const std::string& url, testing::RecordingSleeper* sleeper,
                          testing::TestCallerOptions options = {}) {
  return DynamoDbClient(
      testing::make_test_caller("dynamodb", ErrorDialect::kDynamoDbJson, url, options, sleeper));
}

TEST(CallerFailures, ConnectionRefusedNamesTheEndpointAfterRetries) {
  const int port = testing::pick_free_port();  // nothing listens there
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  testing::RecordingSleeper sleeper;
  DynamoDbClient client = client_for(url, &sleeper);
  auto result = client.describe_table("t");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, "ConnectionRefused");
  EXPECT_NE(result.error().message.find("POST " + url + "/: connection refused"), std::string::npos)
      << result.error().message;
  // Standard mode: 4 attempts, so 3 backoffs, each at most 25 ms * 2^(n-1).
  const auto delays = sleeper.delays();
  ASSERT_EQ(delays.size(), 3u);
  EXPECT_LE(delays[0].count(), 25'000);
  EXPECT_LE(delays[2].count(), 100'000);
}

TEST(CallerFailures, AStallingServerTimesOut) {
  FakeHttpServer server([](const ReceivedRequest&) {
    FakeResponse response;
    response.stall = true;
    return response;
  });
  testing::TestCallerOptions options;
  options.timeout = std::chrono::milliseconds(300);
  options.retry.max_attempts = 1;
  testing::RecordingSleeper sleeper;
  DynamoDbClient client = client_for(server.url(), &sleeper, options);
  auto result = client.describe_table("t");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, "RequestTimeout");
  EXPECT_NE(result.error().message.find("timed out"), std::string::npos) << result.error().message;
}

TEST(CallerFailures, A500ThenSuccessIsRetriedAndSucceeds) {
  std::atomic<int> calls{0};
  FakeHttpServer server([&](const ReceivedRequest&) {
    if (calls++ == 0) {
      return testing::dynamodb_error_response(500, "InternalServerError", "Internal Server Error");
    }
    return json_ok(std::string(kDescribeOk));
  });
  testing::RecordingSleeper sleeper;
  // The clock moves on by a minute between the attempts (the backoff is recorded, not slept).
  std::atomic<int> ticks{0};
  testing::TestCallerOptions options;
  options.clock = [&ticks] {
    return parse_amz_date("20240501T120000Z").value() + std::chrono::minutes(ticks++);
  };
  DynamoDbClient client = client_for(server.url(), &sleeper, options);
  auto result = client.describe_table("t");
  ASSERT_TRUE(result) << result.error().to_string();
  EXPECT_EQ(result->key_schema.hash.name, "k");
  EXPECT_EQ(calls.load(), 2);
  EXPECT_EQ(sleeper.delays().size(), 1u);
  // Each attempt is signed afresh at the time it is sent, not replayed.
  const std::vector<ReceivedRequest> requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  ASSERT_NE(requests[0].header("X-Amz-Date"), nullptr);
  ASSERT_NE(requests[1].header("X-Amz-Date"), nullptr);
  EXPECT_EQ(*requests[0].header("X-Amz-Date"), "20240501T120000Z");
  EXPECT_EQ(*requests[1].header("X-Amz-Date"), "20240501T120100Z");
  ASSERT_NE(requests[0].header("Authorization"), nullptr);
  ASSERT_NE(requests[1].header("Authorization"), nullptr);
  EXPECT_NE(*requests[0].header("Authorization"), *requests[1].header("Authorization"));
}

TEST(CallerFailures, ThrottlingThenSuccessIsRetriedButTheTableWriterLeavesItToTheLane) {
  std::atomic<int> calls{0};
  FakeHttpServer server([&](const ReceivedRequest&) {
    if (calls++ % 2 == 0) {
      return testing::dynamodb_error_response(
          400, "ProvisionedThroughputExceededException",
          "The level of configured provisioned throughput for the table was exceeded.");
    }
    return json_ok(
        R"({"UnprocessedItems":{},"ConsumedCapacity":[{"TableName":"t","CapacityUnits":1.0}]})");
  });
  testing::RecordingSleeper sleeper;
  auto client = std::make_shared<DynamoDbClient>(client_for(server.url(), &sleeper));
  auto written = client->batch_write_item("t", one_item());
  ASSERT_TRUE(written) << written.error().to_string();
  EXPECT_EQ(calls.load(), 2);
  ASSERT_EQ(sleeper.delays().size(), 1u);
  EXPECT_LE(sleeper.delays()[0].count(), 1'000'000);  // throttling base: 1 s, full jitter
  EXPECT_DOUBLE_EQ(written->consumed_wcu, 1.0);

  // One logical attempt: the throttle comes back to the lane as kThrottled.
  DynamoDbTableWriter writer(client);
  const ingest::BatchWriteOutcome outcome = writer.batch_put("t", one_item());
  EXPECT_EQ(outcome.status, OutcomeStatus::kThrottled);
  EXPECT_EQ(outcome.error_code, "ProvisionedThroughputExceededException");
  EXPECT_EQ(outcome.error_message,
            "The level of configured provisioned throughput for the table was exceeded.");
  EXPECT_EQ(calls.load(), 3);
  // The next one succeeds: kOk with the consumed capacity.
  const ingest::BatchWriteOutcome ok = writer.batch_put("t", one_item());
  EXPECT_EQ(ok.status, OutcomeStatus::kOk);
  EXPECT_DOUBLE_EQ(ok.consumed_wcu, 1.0);
}

TEST(CallerFailures, TableWriterClassifiesServerErrorsAsTransient) {
  FakeHttpServer server([](const ReceivedRequest&) {
    return testing::dynamodb_error_response(503, "ServiceUnavailable", "try later");
  });
  auto client = std::make_shared<DynamoDbClient>(client_for(server.url(), nullptr));
  DynamoDbTableWriter writer(client);
  const ingest::BatchWriteOutcome outcome = writer.batch_put("t", one_item());
  EXPECT_EQ(outcome.status, OutcomeStatus::kTransient);
  EXPECT_EQ(outcome.error_code, "ServiceUnavailable");
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(CallerFailures, UnprocessedItemsComeBackAsItems) {
  FakeHttpServer server([](const ReceivedRequest&) {
    return json_ok(
        R"({"UnprocessedItems":{"t":[{"PutRequest":{"Item":{"k":{"S":"v"},"n":{"N":"1.50"}}}}]},)"
        R"("ConsumedCapacity":[{"TableName":"t","CapacityUnits":24.0}]})");
  });
  auto client = std::make_shared<DynamoDbClient>(client_for(server.url(), nullptr));
  DynamoDbTableWriter writer(client);
  const ingest::BatchWriteOutcome outcome = writer.batch_put("t", one_item());
  EXPECT_EQ(outcome.status, OutcomeStatus::kOk);
  ASSERT_EQ(outcome.unprocessed.size(), 1u);
  EXPECT_EQ(outcome.unprocessed[0].find("k")->text, "v");
  EXPECT_EQ(outcome.unprocessed[0].find("n")->text, "1.5");
  EXPECT_DOUBLE_EQ(outcome.consumed_wcu, 24.0);
}

TEST(CallerFailures, MissingCredentialsGiveTheChainsErrorAndSendNothing) {
  FakeHttpServer server([](const ReceivedRequest&) { return json_ok("{}"); });
  std::vector<std::unique_ptr<CredentialsProvider>> providers;
  providers.push_back(make_environment_provider(Environment::from_map({})));
  providers.push_back(make_profile_provider(Environment::from_map({}), ""));
  auto chain = std::make_shared<CredentialsChain>(std::move(providers), CredentialsChainOptions{});
  ServiceConfig config{
      "dynamodb", "us-east-1", Endpoint{server.url(), true}, ErrorDialect::kDynamoDbJson,
      false,      std::nullopt};
  auto client = std::make_shared<DynamoDbClient>(
      std::make_shared<AwsCaller>(config, chain, http_transport(std::make_shared<HttpClient>())));
  auto result = client->describe_table("t");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, "NoCredentials");
  EXPECT_NE(result.error().message.find("no AWS credentials found; tried: "), std::string::npos)
      << result.error().message;
  EXPECT_TRUE(server.requests().empty());

  DynamoDbTableWriter writer(client);
  const ingest::BatchWriteOutcome outcome = writer.batch_put("t", one_item());
  EXPECT_EQ(outcome.status, OutcomeStatus::kFatal);
  EXPECT_EQ(outcome.error_code, "NoCredentials");
}

// A DynamoDB front door that checks signatures with our own verifier.
FakeResponse verify_like_dynamodb(const ReceivedRequest& received, const std::string& secret,
                                  SystemTime now) {
  SignableRequest request;
  request.method = received.method;
  const auto question = received.target.find('?');
  request.path = received.target.substr(0, question);
  if (question != std::string::npos) request.query = received.target.substr(question + 1);
  request.headers = received.headers;
  request.payload_hash = sha256_hex(received.body);
  auto parsed = parse_request_authorization(request, AuthDialect::kDynamoDb);
  Status verified = parsed ? verify(
                                 request, *parsed,
                                 [&](std::string_view key) -> std::optional<std::string> {
                                   if (key == "AKIDTEST") return secret;
                                   return std::nullopt;
                                 },
                                 now, std::chrono::minutes(5))
                           : Status(parsed.error());
  if (!verified) {
    FakeResponse response =
        testing::dynamodb_error_response(400, verified.error().code, verified.error().message);
    response.headers.push_back({"Date", format_http_date(now)});
    return response;
  }
  return json_ok(std::string(kDescribeOk));
}

TEST(CallerFailures, AWrongSecretFailsClearlyWithoutShowingAnySecret) {
  const std::string right = "right-secret-0123456789";
  const std::string wrong = "wrong-secret-9876543210";
  FakeHttpServer server([&](const ReceivedRequest& request) {
    return verify_like_dynamodb(request, right, std::chrono::system_clock::now());
  });
  testing::TestCallerOptions options;
  options.access_key = "AKIDTEST";
  options.secret_key = wrong;
  testing::RecordingSleeper sleeper;
  auto client = std::make_shared<DynamoDbClient>(client_for(server.url(), &sleeper, options));
  auto result = client->describe_table("t");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, "InvalidSignatureException");
  EXPECT_NE(result.error().message.find("The request signature we calculated does not match"),
            std::string::npos)
      << result.error().message;
  EXPECT_EQ(result.error().message.find(wrong), std::string::npos);
  EXPECT_EQ(result.error().message.find(right), std::string::npos);
  EXPECT_EQ(server.requests().size(), 1u);  // not retryable

  DynamoDbTableWriter writer(client);
  const ingest::BatchWriteOutcome outcome = writer.batch_put("t", one_item());
  EXPECT_EQ(outcome.status, OutcomeStatus::kFatal);
  EXPECT_EQ(outcome.error_code, "InvalidSignatureException");

  // The right secret passes the same verifier.
  options.secret_key = right;
  auto good = client_for(server.url(), &sleeper, options).describe_table("t");
  EXPECT_TRUE(good) << good.error().to_string();
}

TEST(CallerFailures, AStaleClockIsCorrectedFromTheDateHeaderAndTheCallRetried) {
  // The server's clock is 2 hours ahead of ours: the first request is "Signature expired",
  // the retry is signed with the corrected time and passes.
  const auto server_offset = std::chrono::hours(2);
  FakeHttpServer server([&](const ReceivedRequest& request) {
    return verify_like_dynamodb(request, "secret",
                                std::chrono::system_clock::now() + server_offset);
  });
  testing::TestCallerOptions options;
  options.access_key = "AKIDTEST";
  options.secret_key = "secret";
  testing::RecordingSleeper sleeper;
  ClockSkew::process_wide().set_offset(std::chrono::milliseconds(0));
  auto result = client_for(server.url(), &sleeper, options).describe_table("t");
  const auto learned = ClockSkew::process_wide().offset();
  ClockSkew::process_wide().set_offset(std::chrono::milliseconds(0));
  ASSERT_TRUE(result) << result.error().to_string();
  EXPECT_EQ(server.requests().size(), 2u);
  EXPECT_TRUE(sleeper.delays().empty());  // a clock correction is not a backoff
  EXPECT_GT(learned, std::chrono::minutes(119));
  EXPECT_LT(learned, std::chrono::minutes(121));
}

TEST(CallerFailures, TheTraceIdFromTheEnvironmentIsPassedThrough) {
  FakeHttpServer server([](const ReceivedRequest&) { return json_ok(std::string(kDescribeOk)); });
  ::setenv("_X_AMZN_TRACE_ID",
           "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1", 1);
  auto result = client_for(server.url(), nullptr).describe_table("t");
  ::unsetenv("_X_AMZN_TRACE_ID");
  ASSERT_TRUE(result) << result.error().to_string();
  const std::vector<ReceivedRequest> requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  const std::string* trace = requests[0].header("X-Amzn-Trace-Id");
  ASSERT_NE(trace, nullptr);
  EXPECT_EQ(*trace, "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1");
  // Not signed: proxies may rewrite it.
  EXPECT_EQ(requests[0].header("Authorization")->find("x-amzn-trace-id"), std::string::npos);
}

}  // namespace
}  // namespace csv2ddb::aws
