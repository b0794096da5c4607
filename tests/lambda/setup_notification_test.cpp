// The setup-notification custom resource against a small in-process fake of S3's ?notification
// API (s3rver has none) that also plays CloudFormation's ResponseURL: Create/Update/Delete leave
// the bucket's other configurations alone, and every request is answered, FAILED with a reason
// when the bucket cannot be configured.
#include "lambda/setup_notification.hpp"

#include <gtest/gtest.h>

#include <mutex>

#include "aws/s3_notification.hpp"
#include "lambda/runtime_loop.hpp"
#include "lambda_test_support.hpp"
#include "model/json.hpp"
#include "test_servers.hpp"

namespace csv2ddb::lambda {
namespace {

constexpr const char* kStackId = "arn:aws:cloudformation:us-east-1:123456789012:stack/csv2ddb/uuid";
constexpr const char* kOurId = "csv2ddb-csv2ddb-BucketNotificationConfiguration";
constexpr const char* kFunctionArn = "arn:aws:lambda:us-east-1:123456789012:function:import";

// Buckets and their notification XML; "locked" refuses writes, as a bucket policy might.
class FakeS3Notifications {
 public:
  FakeS3Notifications()
      : server_([this](const aws::testing::ReceivedRequest& request) { return handle(request); }) {}

  std::string url() const { return server_.url(); }
  void set(const std::string& bucket, const aws::NotificationConfiguration& configuration) {
    std::lock_guard lock(mutex_);
    buckets_[bucket] = aws::notification_configuration_xml(configuration);
  }
  aws::NotificationConfiguration get(const std::string& bucket) {
    std::lock_guard lock(mutex_);
    return *aws::parse_notification_configuration(buckets_.at(bucket));
  }
  std::vector<aws::testing::ReceivedRequest> requests() const { return server_.requests(); }
  std::vector<aws::testing::ReceivedRequest> responses() const {
    std::vector<aws::testing::ReceivedRequest> out;
    for (auto& request : server_.requests()) {
      if (request.target.rfind("/cfn-response", 0) == 0) out.push_back(request);
    }
    return out;
  }

 private:
  aws::testing::FakeResponse handle(const aws::testing::ReceivedRequest& request) {
    if (request.target.rfind("/cfn-response", 0) == 0) return {200, {}, ""};
    const std::string bucket = request.target.substr(1, request.target.find('?') - 1);
    std::lock_guard lock(mutex_);
    auto found = buckets_.find(bucket);
    if (found == buckets_.end()) {
      return {404,
              {{"Content-Type", "application/xml"}},
              "<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist"
              "</Message></Error>"};
    }
    if (request.method == "GET") return {200, {{"Content-Type", "application/xml"}}, found->second};
    if (bucket == "locked") {
      return {403,
              {{"Content-Type", "application/xml"}},
              "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"};
    }
    found->second = request.body;
    return {200, {}, ""};
  }

  std::mutex mutex_;
  std::map<std::string, std::string> buckets_;
  aws::testing::FakeHttpServer server_;
};

class SetupNotificationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    aws::testing::TestCallerOptions options;
    options.retry.max_attempts = 1;
    clients_.s3 = std::make_shared<aws::S3Client>(
        aws::testing::make_test_caller("s3", aws::ErrorDialect::kS3Xml, fake_.url(), options));
    clients_.http = std::make_shared<aws::HttpClient>();
    others_.lambda_functions.push_back(
        {"someone-else", "arn:aws:lambda:us-east-1:1:function:other", {"s3:ObjectRemoved:*"}, {}});
    others_.queues.push_back({"q1", "arn:aws:sqs:us-east-1:1:q", {"s3:ObjectCreated:*"}, {}});
  }

  std::string event(const std::string& type, const std::string& bucket,
                    const std::string& extra = "") {
    return R"({"RequestType":")" + type + R"(","ResponseURL":")" + fake_.url() +
           R"(/cfn-response/1?X-Amz-Signature=abc","StackId":")" + kStackId +
           R"(","RequestId":"r-)" + type +
           R"(","LogicalResourceId":"BucketNotificationConfiguration",)" +
           R"("ResourceType":"Custom::BucketNotification",)" + extra +
           R"("ResourceProperties":{"ServiceToken":"arn:fn","BucketName":")" + bucket +
           R"(","LambdaArn":")" + kFunctionArn + R"("}})";
  }

  InvocationResponse invoke(const std::string& payload) {
    InvocationRequest request;
    request.request_id = "inv";
    request.payload = payload;
    return handle_setup_notification(request, clients_);
  }

  // The last answer CloudFormation received, parsed.
  model::JsonValue last_answer() {
    auto responses = fake_.responses();
    EXPECT_FALSE(responses.empty());
    if (responses.empty()) return {};
    auto parsed = model::parse_json(responses.back().body);
    EXPECT_TRUE(parsed);
    return parsed ? *parsed : model::JsonValue{};
  }

  aws::NotificationTarget ours() const {
    return {kOurId, kFunctionArn, {"s3:ObjectCreated:*"}, {{"suffix", ".csv"}}};
  }

  FakeS3Notifications fake_;
  SetupNotificationClients clients_;
  aws::NotificationConfiguration others_;
};

TEST_F(SetupNotificationTest, CreateAddsOursAndKeepsTheOthers) {
  fake_.set("bkt", others_);
  InvocationResponse response = invoke(event("Create", "bkt"));
  ASSERT_TRUE(response.is_success()) << response.error_message();
  aws::NotificationConfiguration expected = others_;
  expected.lambda_functions.push_back(ours());
  EXPECT_EQ(fake_.get("bkt"), expected);

  auto responses = fake_.responses();
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].method, "PUT");
  EXPECT_EQ(responses[0].target, "/cfn-response/1?X-Amz-Signature=abc");
  const std::string* content_type = responses[0].header("Content-Type");
  EXPECT_TRUE(content_type == nullptr || content_type->empty());
  EXPECT_EQ(responses[0].body,
            std::string(R"({"Status":"SUCCESS","Reason":"","PhysicalResourceId":")") + kOurId +
                R"(","StackId":")" + kStackId +
                R"(","RequestId":"r-Create","LogicalResourceId":"BucketNotificationConfiguration",)"
                R"("Data":{"NotificationId":")" +
                kOurId + R"("}})");
}

TEST_F(SetupNotificationTest, UpdateReplacesOursInPlaceAndMovesBuckets) {
  aws::NotificationConfiguration old_bucket = others_;
  old_bucket.lambda_functions.push_back(ours());
  fake_.set("old", old_bucket);
  fake_.set("new", others_);
  InvocationResponse response =
      invoke(event("Update", "new",
                   std::string(R"("PhysicalResourceId":"phys-1","OldResourceProperties":)") +
                       R"({"BucketName":"old","LambdaArn":")" + kFunctionArn + R"("},)"));
  ASSERT_TRUE(response.is_success()) << response.error_message();
  EXPECT_EQ(fake_.get("old"), others_);
  aws::NotificationConfiguration expected = others_;
  expected.lambda_functions.push_back(ours());
  EXPECT_EQ(fake_.get("new"), expected);
  auto answer = last_answer();
  EXPECT_EQ(answer.find("Status")->as_string(), "SUCCESS");
  EXPECT_EQ(answer.find("PhysicalResourceId")->as_string(), "phys-1");
}

TEST_F(SetupNotificationTest, CreateTwiceLeavesOneEntry) {
  fake_.set("bkt", others_);
  ASSERT_TRUE(invoke(event("Create", "bkt")).is_success());
  ASSERT_TRUE(invoke(event("Update", "bkt", R"("PhysicalResourceId":"p",)")).is_success());
  EXPECT_EQ(fake_.get("bkt").lambda_functions.size(), 2u);
}

TEST_F(SetupNotificationTest, DeleteRemovesOnlyOurs) {
  aws::NotificationConfiguration configured = others_;
  configured.lambda_functions.push_back(ours());
  fake_.set("bkt", configured);
  ASSERT_TRUE(invoke(event("Delete", "bkt", R"("PhysicalResourceId":"p",)")).is_success());
  EXPECT_EQ(fake_.get("bkt"), others_);
  EXPECT_EQ(last_answer().find("Status")->as_string(), "SUCCESS");
}

TEST_F(SetupNotificationTest, DeleteOfAGoneBucketSucceeds) {
  ASSERT_TRUE(invoke(event("Delete", "gone", R"("PhysicalResourceId":"p",)")).is_success());
  EXPECT_EQ(last_answer().find("Status")->as_string(), "SUCCESS");
}

TEST_F(SetupNotificationTest, FailureIsAnsweredWithTheReason) {
  fake_.set("locked", others_);
  InvocationResponse response = invoke(event("Create", "locked"));
  // The invocation succeeded: it answered CloudFormation, which is what matters.
  ASSERT_TRUE(response.is_success()) << response.error_message();
  auto answer = last_answer();
  EXPECT_EQ(answer.find("Status")->as_string(), "FAILED");
  EXPECT_EQ(answer.find("Reason")->as_string().rfind("AccessDenied", 0), 0u)
      << answer.find("Reason")->as_string();
  EXPECT_EQ(answer.find("PhysicalResourceId")->as_string(), kOurId);
  EXPECT_EQ(fake_.get("locked"), others_);
}

TEST_F(SetupNotificationTest, CreateOnAMissingBucketFails) {
  invoke(event("Create", "nope"));
  auto answer = last_answer();
  EXPECT_EQ(answer.find("Status")->as_string(), "FAILED");
  EXPECT_NE(answer.find("Reason")->as_string().find("NoSuchBucket"), std::string::npos);
}

TEST_F(SetupNotificationTest, MissingPropertiesFail) {
  fake_.set("bkt", others_);
  invoke(R"({"RequestType":"Create","ResponseURL":")" + fake_.url() +
         R"(/cfn-response/2","StackId":"s","RequestId":"r","LogicalResourceId":"L",)"
         R"("ResourceProperties":{"BucketName":"bkt"}})");
  auto answer = last_answer();
  EXPECT_EQ(answer.find("Status")->as_string(), "FAILED");
  EXPECT_EQ(answer.find("Reason")->as_string(),
            "InvalidProperties: ResourceProperties needs BucketName and LambdaArn");
  EXPECT_EQ(fake_.get("bkt"), others_);
}

TEST_F(SetupNotificationTest, TooLittleTimeLeftAnswersFailedWithoutTouchingTheBucket) {
  fake_.set("bkt", others_);
  InvocationRequest request;
  request.payload = event("Create", "bkt");
  request.deadline = std::chrono::system_clock::now() + std::chrono::milliseconds(500);
  ASSERT_TRUE(handle_setup_notification(request, clients_).is_success());
  EXPECT_EQ(last_answer().find("Status")->as_string(), "FAILED");
  EXPECT_EQ(fake_.get("bkt"), others_);
}

TEST_F(SetupNotificationTest, UnreachableResponseUrlFailsTheInvocation) {
  fake_.set("bkt", others_);
  const std::string dead = "http://127.0.0.1:" + std::to_string(aws::testing::pick_free_port());
  std::string payload = event("Create", "bkt");
  payload.replace(payload.find(fake_.url() + "/cfn-response"), fake_.url().size(), dead);
  InvocationResponse response = invoke(payload);
  ASSERT_FALSE(response.is_success());
  EXPECT_EQ(response.error_type(), "ResponseNotSent");
}

// Through the Runtime API loop: every AWS call of the invocation carries its trace id, so
// Lambda's recursive-loop detection and X-Ray see them.
TEST_F(SetupNotificationTest, CallsCarryTheInvocationsTraceId) {
  fake_.set("bkt", others_);
  aws::testing::TempDir runtime_dir;
  testing::FakeRuntimeApi api(
      runtime_dir.path(),
      "[" +
          testing::runtime_event("t-1", event("Create", "bkt"),
                                 R"("trace_id":"Root=1-5759e988-bd862e3fe1be46a994272793")") +
          "]");
  ASSERT_TRUE(api.ready());
  RuntimeApiClient runtime(api.endpoint());
  EXPECT_EQ(run_handler(runtime,
                        [&](const InvocationRequest& request) {
                          return handle_setup_notification(request, clients_);
                        }),
            1u);
  ASSERT_EQ(api.posts().size(), 1u);
  EXPECT_EQ(api.posts()[0].kind, "response");
  std::size_t s3_calls = 0;
  for (const auto& request : fake_.requests()) {
    if (request.target.find("notification") == std::string::npos) continue;
    ++s3_calls;
    const std::string* trace = request.header("X-Amzn-Trace-Id");
    ASSERT_NE(trace, nullptr) << request.method << " " << request.target;
    EXPECT_EQ(*trace, "Root=1-5759e988-bd862e3fe1be46a994272793");
  }
  EXPECT_EQ(s3_calls, 2u);  // GET then PUT ?notification
}

}  // namespace
}  // namespace csv2ddb::lambda
