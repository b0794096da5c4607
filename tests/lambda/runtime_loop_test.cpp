// The Runtime API loop against a fake Runtime API: responses, Lambda's error document for a
// failing or throwing handler, the deadline and trace headers, and the bootstrap's init error
// for a bad configuration.
#include "lambda/runtime_loop.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

#include "aws/lambda_wire.hpp"
#include "lambda_test_support.hpp"

namespace csv2ddb::lambda {
namespace {

using testing::FakeRuntimeApi;
using testing::runtime_event;

class RuntimeLoopTest : public ::testing::Test {
 protected:
  aws::testing::TempDir dir_;
};

TEST_F(RuntimeLoopTest, PostsEachHandlerResultAndStopsWhenTheApiDoes) {
  FakeRuntimeApi api(dir_.path(), "[" + runtime_event("req-1", R"({"n":1})") + "," +
                                      runtime_event("req-2", R"({"n":2})") + "]");
  ASSERT_TRUE(api.ready());
  RuntimeApiClient runtime(api.endpoint());
  std::vector<std::string> seen;
  const std::size_t served = run_handler(runtime, [&](const InvocationRequest& request) {
    seen.push_back(request.request_id);
    return InvocationResponse::success("{\"echo\":" + request.payload + "}");
  });
  EXPECT_EQ(served, 2u);
  EXPECT_EQ(seen, (std::vector<std::string>{"req-1", "req-2"}));
  const auto posts = api.posts();
  ASSERT_EQ(posts.size(), 2u);
  EXPECT_EQ(posts[0].kind, "response");
  EXPECT_EQ(posts[0].request_id, "req-1");
  EXPECT_EQ(posts[0].body, R"({"echo":{"n":1}})");
  EXPECT_EQ(posts[0].content_type, "application/json");
  EXPECT_EQ(posts[1].request_id, "req-2");
  EXPECT_EQ(posts[1].body, R"({"echo":{"n":2}})");
}

TEST_F(RuntimeLoopTest, HandlerFailureBecomesLambdasErrorDocument) {
  FakeRuntimeApi api(dir_.path(), "[" + runtime_event("req-f", "{}") + "]");
  ASSERT_TRUE(api.ready());
  RuntimeApiClient runtime(api.endpoint());
  run_handler(runtime, [](const InvocationRequest&) {
    return InvocationResponse::failure("no such table \"t\"", "ResourceNotFoundException");
  });
  const auto posts = api.posts();
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].kind, "error");
  EXPECT_EQ(posts[0].request_id, "req-f");
  EXPECT_EQ(posts[0].error_type, "ResourceNotFoundException");
  EXPECT_EQ(posts[0].body,
            R"({"errorMessage":"no such table \"t\"","errorType":"ResourceNotFoundException",)"
            R"("stackTrace":[]})");
}

TEST_F(RuntimeLoopTest, ThrowingHandlerStillAnswersAndTheLoopGoesOn) {
  FakeRuntimeApi api(dir_.path(),
                     "[" + runtime_event("req-a", "{}") + "," + runtime_event("req-b", "{}") + "]");
  ASSERT_TRUE(api.ready());
  RuntimeApiClient runtime(api.endpoint());
  int calls = 0;
  const std::size_t served = run_handler(runtime, [&](const InvocationRequest&) {
    if (++calls == 1) throw std::runtime_error("boom");
    return InvocationResponse::success("{}");
  });
  EXPECT_EQ(served, 2u);
  const auto posts = api.posts();
  ASSERT_EQ(posts.size(), 2u);
  EXPECT_EQ(posts[0].kind, "error");
  EXPECT_EQ(posts[0].error_type, "Unhandled");
  EXPECT_EQ(posts[0].body, R"({"errorMessage":"boom","errorType":"Unhandled","stackTrace":[]})");
  EXPECT_EQ(posts[1].kind, "response");
}

TEST_F(RuntimeLoopTest, DeadlineTraceAndArnHeadersReachTheHandler) {
  FakeRuntimeApi api(
      dir_.path(),
      "[" +
          runtime_event(
              "req-d", "{}",
              R"("deadline_ms":4102444800123,"trace_id":"Root=1-abc-def;Parent=1;Sampled=0",)"
              R"("function_arn":"arn:aws:lambda:us-east-1:123456789012:function:imp")") +
          "," + runtime_event("req-e", "{}") + "]");
  ASSERT_TRUE(api.ready());
  RuntimeApiClient runtime(api.endpoint());
  std::vector<InvocationRequest> requests;
  std::vector<std::string> trace_variables;
  run_handler(runtime, [&](const InvocationRequest& request) {
    requests.push_back(request);
    const char* trace = std::getenv("_X_AMZN_TRACE_ID");
    trace_variables.push_back(trace != nullptr ? trace : "<unset>");
    return InvocationResponse::success("{}");
  });
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].deadline.time_since_epoch(), std::chrono::milliseconds(4102444800123));
  EXPECT_EQ(requests[0].xray_trace_id, "Root=1-abc-def;Parent=1;Sampled=0");
  EXPECT_EQ(requests[0].function_arn, "arn:aws:lambda:us-east-1:123456789012:function:imp");
  EXPECT_GT(requests[0].time_remaining(), std::chrono::hours(24 * 365));
  // The second invocation has no trace: the first one's must not leak into its calls.
  EXPECT_EQ(trace_variables,
            (std::vector<std::string>{"Root=1-abc-def;Parent=1;Sampled=0", "<unset>"}));
  EXPECT_EQ(requests[1].deadline, std::chrono::system_clock::time_point{});
}

TEST_F(RuntimeLoopTest, MaxInvocationsStopsTheLoop) {
  FakeRuntimeApi api(dir_.path(),
                     "[" + runtime_event("r1", "{}") + "," + runtime_event("r2", "{}") + "]");
  ASSERT_TRUE(api.ready());
  RuntimeApiClient runtime(api.endpoint());
  RuntimeLoopOptions options;
  options.max_invocations = 1;
  EXPECT_EQ(run_handler(
                runtime, [](const InvocationRequest&) { return InvocationResponse::success("{}"); },
                options),
            1u);
  EXPECT_EQ(api.posts().size(), 1u);
}

TEST_F(RuntimeLoopTest, NoRuntimeApiEndsTheLoopWithoutServing) {
  RuntimeApiClient runtime("127.0.0.1:" + std::to_string(aws::testing::pick_free_port()));
  EXPECT_EQ(run_handler(runtime,
                        [](const InvocationRequest&) { return InvocationResponse::success("{}"); }),
            0u);
}

TEST(ErrorDocument, EscapesTheMessage) {
  EXPECT_EQ(aws::encode_lambda_error("line\n\"q\"", "T", true),
            R"({"errorMessage":"line\n\"q\"","errorType":"T","stackTrace":[]})");
}

// The bootstrap executable: configuration checked at start-up, reported as an init error.
class BootstrapTest : public RuntimeLoopTest {
 protected:
  aws::testing::CommandResult run_bootstrap(const FakeRuntimeApi& api,
                                            std::map<std::string, std::string> env) {
    env["AWS_LAMBDA_RUNTIME_API"] = api.endpoint();
    env.emplace("AWS_REGION", "us-east-1");
    env.emplace("AWS_ACCESS_KEY_ID", "test");
    env.emplace("AWS_SECRET_ACCESS_KEY", "test");
    return aws::testing::run_command({CSV2DDB_BOOTSTRAP}, env);
  }
};

TEST_F(BootstrapTest, MissingTableIsAnInitError) {
  FakeRuntimeApi api(dir_.path(), "[]");
  ASSERT_TRUE(api.ready());
  auto result = run_bootstrap(api, {{"_HANDLER", "import"}, {"DYNAMO_DB_TABLE_NAME", ""}});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  const auto posts = api.posts();
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].kind, "init_error");
  EXPECT_EQ(posts[0].error_type, "InvalidConfiguration");
  EXPECT_EQ(posts[0].body,
            R"x({"errorMessage":"DYNAMO_DB_TABLE_NAME: is required (the table to import into)",)x"
            R"("errorType":"InvalidConfiguration","stackTrace":[]})");
}

TEST_F(BootstrapTest, BadRetrySettingIsAnInitErrorNamingTheVariable) {
  FakeRuntimeApi api(dir_.path(), "[]");
  ASSERT_TRUE(api.ready());
  run_bootstrap(api, {{"_HANDLER", "import"},
                      {"DYNAMO_DB_TABLE_NAME", "offers"},
                      {"CSV2DDB_MAX_RETRIES", "many"}});
  const auto posts = api.posts();
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].kind, "init_error");
  EXPECT_NE(posts[0].body.find("CSV2DDB_MAX_RETRIES: expected an integer from 0 to 20, got 'many'"),
            std::string::npos)
      << posts[0].body;
}

TEST_F(BootstrapTest, UnknownHandlerIsAnInitError) {
  FakeRuntimeApi api(dir_.path(), "[]");
  ASSERT_TRUE(api.ready());
  run_bootstrap(api, {{"_HANDLER", "export"}});
  const auto posts = api.posts();
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].error_type, "InvalidHandler");
}

TEST_F(BootstrapTest, ServesInvocationsUntilTheApiGoesAway) {
  // Keys the import handler skips without any AWS call: the loop, the handler wiring and the
  // result, end to end through the real executable.
  const std::string event =
      R"({"Records":[{"eventSource":"aws:s3","s3":{"bucket":{"name":"b"},)"
      R"("object":{"key":"reports/a.csv.report.json"}}},{"eventSource":"aws:s3",)"
      R"("s3":{"bucket":{"name":"b"},"object":{"key":"notes.txt"}}}]})";
  FakeRuntimeApi api(dir_.path(), "[" + runtime_event("req-1", event) + "," +
                                      runtime_event("req-2", "not json") + "]");
  ASSERT_TRUE(api.ready());
  auto result = run_bootstrap(api, {{"_HANDLER", "import"}, {"DYNAMO_DB_TABLE_NAME", "offers"}});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  const auto posts = api.posts();
  ASSERT_EQ(posts.size(), 2u);
  EXPECT_EQ(posts[0].kind, "response");
  auto body = model::parse_json(posts[0].body);
  ASSERT_TRUE(body) << posts[0].body;
  EXPECT_EQ(model::to_json(*body->find("skipped")),
            R"([{"key":"reports/a.csv.report.json","reason":"output prefix"},)"
            R"({"key":"notes.txt","reason":"not an input key"}])");
  EXPECT_EQ(posts[1].kind, "error");
  EXPECT_EQ(posts[1].error_type, "InvalidEvent");
  // Logs are JSON lines carrying the request id.
  EXPECT_NE(result.out.find(R"("requestId":"req-1","message":"skipped: not an input")"),
            std::string::npos)
      << result.out;
}

}  // namespace
}  // namespace csv2ddb::lambda
