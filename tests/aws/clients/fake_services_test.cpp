// What s3rver does not implement or cannot be made to do, against in-process fakes: If-Match on
// GET (a replaced object mid-read), an UploadPart that fails for good (the upload is aborted),
// S3's bodiless 403 to a HEAD signed with a skewed clock, the bucket notification configuration
// round trip, a retried CompleteMultipartUpload that meets NoSuchUpload, and Lambda's Invoke.
#include <gtest/gtest.h>

#include <atomic>

#include "adapters/s3_object_source.hpp"
#include "adapters/s3_output_store.hpp"
#include "aws/clock_skew.hpp"
#include "aws/http_date.hpp"
#include "aws/lambda_client.hpp"
#include "aws/s3_client.hpp"
#include "test_servers.hpp"

namespace csv2ddb::aws {
namespace {

using adapters::kMinS3PartSize;
using adapters::S3ObjectSource;
using adapters::S3OutputStore;

using testing::FakeHttpServer;
using testing::FakeResponse;
using testing::ReceivedRequest;

FakeResponse s3_error(int status, std::string_view code, std::string_view message) {
  FakeResponse response;
  response.status = status;
  response.headers.push_back({"Content-Type", "application/xml"});
  response.body = encode_s3_error(code, message, "/b/k", "REQ123");
  return response;
}

std::shared_ptr<S3Client> s3_client(const std::string& url) {
  return std::make_shared<S3Client>(
      testing::make_test_caller("s3", ErrorDialect::kS3Xml, url, {}, nullptr));
}

TEST(S3FakeServer, AnObjectReplacedMidReadFailsWithAClearError) {
  // "0123456789" under ETag "v1"; after the first ranged GET the object is replaced ("v2").
  std::atomic<int> gets{0};
  FakeHttpServer server([&](const ReceivedRequest& request) {
    FakeResponse response;
    if (request.method == "HEAD") {
      response.headers.push_back({"ETag", "\"v1\""});
      response.headers.push_back({"Content-Length", "10"});
      return response;
    }
    const std::string current = gets++ == 0 ? "\"v1\"" : "\"v2\"";
    const std::string* if_match = request.header("If-Match");
    if (if_match == nullptr || *if_match != current) {
      return s3_error(412, "PreconditionFailed",
                      "At least one of the pre-conditions you specified did not hold");
    }
    response.status = 206;
    response.headers.push_back({"ETag", current});
    response.headers.push_back({"Content-Range", "bytes 0-3/10"});
    response.body = "0123";
    return response;
  });
  auto source = S3ObjectSource::open(s3_client(server.url()), "b", "k", 4);
  ASSERT_TRUE(source) << source.error().to_string();
  EXPECT_EQ((*source)->size(), 10u);
  char buffer[16];
  auto first = (*source)->read(buffer, sizeof buffer);
  ASSERT_TRUE(first) << first.error().to_string();
  EXPECT_EQ(std::string(buffer, *first), "0123");
  auto second = (*source)->read(buffer, sizeof buffer);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, "PreconditionFailed");
  EXPECT_EQ(second.error().message.rfind(
                "s3://b/k changed while it was being read (ETag \"v1\" no longer matches): ", 0),
            0u)
      << second.error().message;

  // The range and If-Match went on the wire as S3 expects.
  const std::vector<ReceivedRequest> requests = server.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(*requests[1].header("Range"), "bytes=0-3");
  EXPECT_EQ(*requests[2].header("Range"), "bytes=4-7");
  EXPECT_EQ(*requests[2].header("If-Match"), "\"v1\"");
}

TEST(S3FakeServer, AnUploadPartThatFailsForGoodAbortsTheUploadWithItsId) {
  // CreateMultipartUpload succeeds, every UploadPart is a 500: once the caller's retries are
  // spent the writer must send AbortMultipartUpload for that upload, so no parts are orphaned.
  FakeHttpServer server([](const ReceivedRequest& request) {
    FakeResponse response;
    if (request.method == "POST" && request.target.find("?uploads") != std::string::npos) {
      response.body =
          "<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>out/big.json</Key>"
          "<UploadId>UPLOAD-7f3e+/=</UploadId></InitiateMultipartUploadResult>";
      return response;
    }
    if (request.method == "PUT") {
      return s3_error(500, "InternalError", "We encountered an internal error. Please try again.");
    }
    if (request.method == "DELETE") response.status = 204;
    return response;
  });
  testing::RecordingSleeper sleeper;
  auto client = std::make_shared<S3Client>(
      testing::make_test_caller("s3", ErrorDialect::kS3Xml, server.url(), {}, &sleeper));
  S3OutputStore store(client, "b", "out", kMinS3PartSize);
  auto writer = store.create("big.json", "application/json");
  ASSERT_TRUE(writer);
  Status written = (*writer)->write(std::string(kMinS3PartSize, 'x'));  // fills part 1
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().code, "InternalError");
  EXPECT_NE(written.error().message.find("UploadPart"), std::string::npos)
      << written.error().message;
  // The writer is finished: a later commit completes nothing.
  EXPECT_FALSE((*writer)->commit());

  std::vector<std::string> sent;
  for (const ReceivedRequest& request : server.requests()) {
    sent.push_back(request.method + " " + request.target);
  }
  const std::string part = "PUT /b/out/big.json?partNumber=1&uploadId=UPLOAD-7f3e%2B%2F%3D";
  EXPECT_EQ(sent,
            (std::vector<std::string>{"POST /b/out/big.json?uploads=", part, part, part, part,
                                      "DELETE /b/out/big.json?uploadId=UPLOAD-7f3e%2B%2F%3D"}));
  EXPECT_EQ(sleeper.delays().size(), 3u);  // 4 attempts of the part, then the abort
}

// A Complete whose answer was lost (the connection dropped) but which did complete the upload:
// the retry meets a server that is not idempotent (minio) and answers NoSuchUpload. The client
// then asks HeadObject and accepts the object when its ETag is the one these parts make.
struct LostCompleteServer {
  std::string object_etag;  // what HeadObject answers
  bool first_complete_dropped = true;
  std::atomic<int> completes{0};
  FakeResponse operator()(const ReceivedRequest& request) {
    FakeResponse response;
    if (request.method == "HEAD") {
      response.headers.push_back({"ETag", object_etag});
      response.headers.push_back({"Content-Length", "2"});
      return response;
    }
    if (completes++ == 0 && first_complete_dropped) {
      response.drop = true;
      return response;
    }
    return s3_error(404, "NoSuchUpload", "The specified upload does not exist.");
  }
};

const std::vector<CompletedPart> kTwoParts = {{1, "\"0cc175b9c0f1b6a831c399e269772661\""},
                                              {2, "92eb5ffee6ae2fec3ad71c777531578f"}};
// MD5(MD5("a") || MD5("b")), computed with Python's hashlib.
const std::string kTwoPartsEtag = "\"96e024ba2074fe77e8e965ba43a704be-2\"";

std::vector<std::string> methods_sent(const FakeHttpServer& server) {
  std::vector<std::string> out;
  for (const ReceivedRequest& request : server.requests()) out.push_back(request.method);
  return out;
}

TEST(S3FakeServer, MultipartEtagIsTheMd5OfThePartMd5s) {
  EXPECT_EQ(S3Client::multipart_etag(kTwoParts), kTwoPartsEtag);
  EXPECT_EQ(S3Client::multipart_etag({{1, "\"not-an-md5\""}}), "");
  EXPECT_EQ(S3Client::multipart_etag({}), "");
}

TEST(S3FakeServer, ARetriedCompleteThatMeetsNoSuchUploadIsAcceptedWhenTheObjectMatches) {
  LostCompleteServer state;
  state.object_etag = kTwoPartsEtag;
  FakeHttpServer server([&](const ReceivedRequest& request) { return state(request); });
  testing::RecordingSleeper sleeper;
  S3Client client(
      testing::make_test_caller("s3", ErrorDialect::kS3Xml, server.url(), {}, &sleeper));
  auto etag = client.complete_multipart_upload("b", "k", "U1", kTwoParts);
  ASSERT_TRUE(etag) << etag.error().to_string();
  EXPECT_EQ(*etag, kTwoPartsEtag);
  EXPECT_EQ(methods_sent(server), (std::vector<std::string>{"POST", "POST", "HEAD"}));
}

TEST(S3FakeServer, ARetriedCompleteStaysNoSuchUploadWhenTheObjectIsAnother) {
  LostCompleteServer state;
  state.object_etag = "\"96e024ba2074fe77e8e965ba43a704be-3\"";
  FakeHttpServer server([&](const ReceivedRequest& request) { return state(request); });
  testing::RecordingSleeper sleeper;
  S3Client client(
      testing::make_test_caller("s3", ErrorDialect::kS3Xml, server.url(), {}, &sleeper));
  auto etag = client.complete_multipart_upload("b", "k", "U1", kTwoParts);
  ASSERT_FALSE(etag);
  EXPECT_EQ(etag.error().code, "NoSuchUpload");
  EXPECT_EQ(methods_sent(server), (std::vector<std::string>{"POST", "POST", "HEAD"}));
}

TEST(S3FakeServer, AFirstAttemptNoSuchUploadIsNotCheckedAgainstTheObject) {
  // Nothing was sent before, so no earlier attempt can have completed this upload.
  LostCompleteServer state;
  state.object_etag = kTwoPartsEtag;
  state.first_complete_dropped = false;
  FakeHttpServer server([&](const ReceivedRequest& request) { return state(request); });
  S3Client client(testing::make_test_caller("s3", ErrorDialect::kS3Xml, server.url(), {}, nullptr));
  auto etag = client.complete_multipart_upload("b", "k", "U1", kTwoParts);
  ASSERT_FALSE(etag);
  EXPECT_EQ(etag.error().code, "NoSuchUpload");
  EXPECT_EQ(methods_sent(server), (std::vector<std::string>{"POST"}));
}

// S3 on a HEAD whose signature is too old or too new: 403 and no body (a HEAD answer has none),
// so no RequestTimeTooSkewed code; only the Date header tells.
FakeResponse head_checking_the_clock(const ReceivedRequest& request, SystemTime server_now) {
  FakeResponse response;
  response.headers.push_back({"Date", format_http_date(server_now)});
  bool fresh = false;
  if (const std::string* amz_date = request.header("X-Amz-Date"); amz_date != nullptr) {
    auto signed_at = parse_amz_date(*amz_date);
    fresh = signed_at && *signed_at > server_now - std::chrono::minutes(15) &&
            *signed_at < server_now + std::chrono::minutes(15);
  }
  if (!fresh) {
    response.status = 403;
    return response;
  }
  response.headers.push_back({"ETag", "\"e1\""});
  response.headers.push_back({"Content-Length", "42"});
  return response;
}

TEST(S3FakeServer, ABare403OnHeadWithADistantDateIsTakenForClockSkewCorrectedAndRetried) {
  const auto server_offset = std::chrono::hours(-3);  // our clock runs 3 hours fast
  FakeHttpServer server([&](const ReceivedRequest& request) {
    return head_checking_the_clock(request, std::chrono::system_clock::now() + server_offset);
  });
  testing::RecordingSleeper sleeper;
  auto client = std::make_shared<S3Client>(
      testing::make_test_caller("s3", ErrorDialect::kS3Xml, server.url(), {}, &sleeper));
  ClockSkew::process_wide().set_offset(std::chrono::milliseconds(0));
  auto head = client->head_object("b", "k.csv");
  const auto learned = ClockSkew::process_wide().offset();
  ClockSkew::process_wide().set_offset(std::chrono::milliseconds(0));
  ASSERT_TRUE(head) << head.error().to_string();
  EXPECT_EQ(head->size, 42u);
  EXPECT_EQ(head->etag, "\"e1\"");
  EXPECT_EQ(server.requests().size(), 2u);
  EXPECT_TRUE(sleeper.delays().empty());  // a clock correction is not a backoff
  EXPECT_LT(learned, -std::chrono::minutes(179));
  EXPECT_GT(learned, -std::chrono::minutes(181));
}

TEST(S3FakeServer, ABare403WhoseDateAgreesWithOursIsForbiddenAndNotRetried) {
  FakeHttpServer server([](const ReceivedRequest&) {
    FakeResponse response;
    response.status = 403;
    response.headers.push_back(
        {"Date", format_http_date(std::chrono::system_clock::now() - std::chrono::minutes(3))});
    return response;
  });
  ClockSkew::process_wide().set_offset(std::chrono::milliseconds(0));
  auto head = s3_client(server.url())->head_object("b", "k.csv");
  ASSERT_FALSE(head);
  EXPECT_EQ(head.error().code, "Forbidden");
  EXPECT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(ClockSkew::process_wide().offset(), std::chrono::milliseconds(0));
}

TEST(S3FakeServer, NotificationConfigurationRoundTrips) {
  // s3rver answers NotImplemented for ?notification; this fake stores and returns the XML.
  std::string stored;
  FakeHttpServer server([&](const ReceivedRequest& request) {
    FakeResponse response;
    if (request.target != "/bucket?notification=") return s3_error(400, "BadRequest", "target");
    if (request.method == "PUT") {
      stored = request.body;
    } else {
      response.body = stored;
    }
    return response;
  });
  NotificationConfiguration configuration;
  configuration.lambda_functions.push_back({"csv2ddb-import",
                                            "arn:aws:lambda:us-east-1:123456789012:function:import",
                                            {"s3:ObjectCreated:*"},
                                            {{"prefix", "incoming/"}, {"suffix", ".csv"}}});
  configuration.queues.push_back(
      {"q", "arn:aws:sqs:us-east-1:123456789012:queue", {"s3:ObjectRemoved:*"}, {}});
  configuration.topics.push_back({"t&<>",
                                  "arn:aws:sns:us-east-1:123456789012:topic",
                                  {"s3:ObjectCreated:Put", "s3:ObjectCreated:Post"},
                                  {{"suffix", ".json"}}});
  auto client = s3_client(server.url());
  auto empty = client->get_bucket_notification_configuration("bucket");
  ASSERT_TRUE(empty) << empty.error().to_string();
  EXPECT_EQ(*empty, NotificationConfiguration{});
  ASSERT_TRUE(client->put_bucket_notification_configuration("bucket", configuration));
  auto read_back = client->get_bucket_notification_configuration("bucket");
  ASSERT_TRUE(read_back) << read_back.error().to_string();
  EXPECT_EQ(*read_back, configuration);
}

TEST(S3FakeServer, ParsesTheLegacyCloudFunctionElement) {
  auto parsed = parse_notification_configuration(
      "<NotificationConfiguration><CloudFunctionConfiguration/><LambdaFunctionConfiguration>"
      "<Id>x</Id><CloudFunction>arn:f</CloudFunction><Event>s3:ObjectCreated:*</Event>"
      "</LambdaFunctionConfiguration></NotificationConfiguration>");
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->lambda_functions.size(), 1u);
  EXPECT_EQ(parsed->lambda_functions[0].arn, "arn:f");
  EXPECT_EQ(parse_notification_configuration("<Other/>").error().code, "MalformedXML");
  // What S3 (and csv2ddb local) answer a GetBucketNotificationConfiguration with: the first
  // API's element names. Missing them once made the notification custom resource drop every
  // configuration it should have kept.
  auto answered = parse_notification_configuration(
      "<NotificationConfiguration><CloudFunctionConfiguration><Id>a</Id>"
      "<CloudFunction>arn:a</CloudFunction><Event>s3:ObjectCreated:*</Event><Filter><S3Key>"
      "<FilterRule><Name>suffix</Name><Value>.csv</Value></FilterRule></S3Key></Filter>"
      "</CloudFunctionConfiguration><CloudFunctionConfiguration><Id>b</Id>"
      "<CloudFunction>arn:b</CloudFunction><Event>s3:ObjectRemoved:*</Event>"
      "</CloudFunctionConfiguration></NotificationConfiguration>");
  ASSERT_TRUE(answered);
  ASSERT_EQ(answered->lambda_functions.size(), 2u);
  EXPECT_EQ(answered->lambda_functions[0].id, "a");
  EXPECT_EQ(answered->lambda_functions[0].arn, "arn:a");
  EXPECT_EQ(answered->lambda_functions[0].events, std::vector<std::string>{"s3:ObjectCreated:*"});
  ASSERT_EQ(answered->lambda_functions[0].filter_rules.size(), 1u);
  EXPECT_EQ(answered->lambda_functions[0].filter_rules[0].value, ".csv");
  EXPECT_EQ(answered->lambda_functions[1].arn, "arn:b");
}

TEST(LambdaFakeServer, InvokeEventAndRequestResponse) {
  FakeHttpServer server([](const ReceivedRequest& request) {
    FakeResponse response;
    if (request.target != "/2015-03-31/functions/import/invocations") {
      response.status = 404;
      response.headers.push_back({"x-amzn-ErrorType", "ResourceNotFoundException:http://x/"});
      response.headers.push_back({"x-amzn-RequestId", "R1"});
      response.body = R"({"Type":"User","message":"Function not found: missing"})";
      return response;
    }
    const std::string* type = request.header("X-Amz-Invocation-Type");
    if (type != nullptr && *type == "Event") {
      response.status = 202;
      return response;
    }
    response.headers.push_back({"X-Amz-Function-Error", "Unhandled"});
    response.headers.push_back({"X-Amz-Executed-Version", "$LATEST"});
    response.body = R"({"errorMessage":"boom","echo":)" + request.body + "}";
    return response;
  });
  LambdaClient client(testing::make_test_caller("lambda", ErrorDialect::kLambda, server.url()));
  auto queued = client.invoke("import", R"({"a":1})", InvocationType::kEvent);
  ASSERT_TRUE(queued) << queued.error().to_string();
  EXPECT_EQ(queued->status, 202);
  EXPECT_EQ(queued->payload, "");

  auto answered = client.invoke("import", R"({"a":1})");
  ASSERT_TRUE(answered) << answered.error().to_string();
  EXPECT_EQ(answered->status, 200);
  EXPECT_EQ(answered->function_error, "Unhandled");
  EXPECT_EQ(answered->executed_version, "$LATEST");
  EXPECT_EQ(answered->payload, R"({"errorMessage":"boom","echo":{"a":1}})");

  auto missing = client.invoke("missing", "{}");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "ResourceNotFoundException");
  EXPECT_NE(missing.error().message.find("Function not found: missing"), std::string::npos)
      << missing.error().message;
}

}  // namespace
}  // namespace csv2ddb::aws
