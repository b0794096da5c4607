// Error decoders: golden S3 XML, DynamoDB JSON and Lambda bodies → exact fields.
#include "aws/aws_error.hpp"

#include <gtest/gtest.h>

namespace csv2ddb::aws {
namespace {

TEST(DecodeS3Error, XmlBody) {
  const char* body =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>"
      "<Key>data/a&amp;b.csv</Key><RequestId>4442587FB7D0A2F9</RequestId>"
      "<HostId>eftixk72aD6Ap51TnqcoF8eFidJG9Z/2mkiDFu8yU9AS1ed4OpIszj7UDNEHGran</HostId></Error>";
  AwsError e = decode_s3_error(404, {{"x-amz-request-id", "HEADERID"}}, body);
  EXPECT_EQ(e.http_status, 404);
  EXPECT_EQ(e.code, "NoSuchKey");
  EXPECT_EQ(e.message, "The specified key does not exist.");
  EXPECT_EQ(e.request_id, "4442587FB7D0A2F9");
  EXPECT_EQ(e.retry, RetryClass::kNone);
  EXPECT_EQ(e.to_string(),
            "NoSuchKey: The specified key does not exist. (HTTP 404, request id 4442587FB7D0A2F9)");
}

TEST(DecodeS3Error, EntitiesAreDecoded) {
  AwsError e = decode_s3_error(
      400, {},
      "<Error><Code>InvalidArgument</Code><Message>a &lt;b&gt; &quot;c&quot; &apos;d&apos; "
      "&#233;&#x20AC;</Message></Error>");
  EXPECT_EQ(e.message, "a <b> \"c\" 'd' \xC3\xA9\xE2\x82\xAC");
}

TEST(DecodeS3Error, SlowDownIsThrottlingAndInternalErrorTransient) {
  AwsError slow = decode_s3_error(
      503, {},
      "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>");
  EXPECT_EQ(slow.code, "SlowDown");
  EXPECT_EQ(slow.retry, RetryClass::kThrottling);
  AwsError internal =
      decode_s3_error(500, {},
                      "<Error><Code>InternalError</Code><Message>We encountered an internal error."
                      "</Message></Error>");
  EXPECT_EQ(internal.retry, RetryClass::kTransient);
  AwsError skew =
      decode_s3_error(403, {},
                      "<Error><Code>RequestTimeTooSkewed</Code><Message>The difference between the "
                      "request time and the current time is too large.</Message></Error>");
  EXPECT_EQ(skew.retry, RetryClass::kClockSkew);
}

TEST(DecodeS3Error, HeadResponsesHaveNoBody) {
  struct Case {
    int status;
    const char* code;
  };
  for (auto c : {Case{404, "NotFound"}, Case{403, "Forbidden"}, Case{412, "PreconditionFailed"},
                 Case{301, "PermanentRedirect"}, Case{304, "NotModified"}, Case{400, "BadRequest"},
                 Case{418, "HttpStatus418"}}) {
    AwsError e = decode_s3_error(c.status, {{"X-Amz-Request-Id", "RID"}}, "");
    EXPECT_EQ(e.code, c.code) << c.status;
    EXPECT_EQ(e.request_id, "RID");
    EXPECT_EQ(e.message, "");
  }
  AwsError moved = decode_s3_error(301, {{"x-amz-bucket-region", "eu-west-1"}}, "");
  EXPECT_EQ(moved.message, "the bucket is in region eu-west-1");
  AwsError unreadable = decode_s3_error(500, {}, "<html>proxy error");
  EXPECT_EQ(unreadable.code, "InternalError");
  EXPECT_EQ(unreadable.retry, RetryClass::kTransient);
}

TEST(DecodeDynamoDbError, TypeAfterHash) {
  AwsError e = decode_dynamodb_error(
      400, {{"x-amzn-RequestId", "ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCD"}},
      R"({"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"Requested resource not found: Table: offers not found"})");
  EXPECT_EQ(e.http_status, 400);
  EXPECT_EQ(e.code, "ResourceNotFoundException");
  EXPECT_EQ(e.message, "Requested resource not found: Table: offers not found");
  EXPECT_EQ(e.request_id, "ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCD");
  EXPECT_EQ(e.retry, RetryClass::kNone);
}

TEST(DecodeDynamoDbError, CapitalMessageAndThrottling) {
  AwsError e = decode_dynamodb_error(
      400, {},
      R"({"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","Message":"The level of configured provisioned throughput for the table was exceeded."})");
  EXPECT_EQ(e.code, "ProvisionedThroughputExceededException");
  EXPECT_EQ(e.message,
            "The level of configured provisioned throughput for the table was exceeded.");
  EXPECT_EQ(e.retry, RetryClass::kThrottling);
  EXPECT_TRUE(e.throttling());
}

TEST(DecodeDynamoDbError, SignatureExpiredIsClockSkewOtherSignatureErrorsAreNot) {
  AwsError expired = decode_dynamodb_error(
      400, {},
      R"json({"__type":"com.amazon.coral.service#InvalidSignatureException","message":"Signature expired: 20240101T000000Z is now earlier than 20240101T000500Z (20240101T001000Z - 5 min.)"})json");
  EXPECT_EQ(expired.code, "InvalidSignatureException");
  EXPECT_EQ(expired.retry, RetryClass::kClockSkew);
  AwsError mismatch = decode_dynamodb_error(
      400, {},
      R"({"__type":"com.amazon.coral.service#InvalidSignatureException","message":"The request signature we calculated does not match the signature you provided."})");
  EXPECT_EQ(mismatch.retry, RetryClass::kNone);
}

TEST(DecodeDynamoDbError, UnreadableBodyFallsBackToStatus) {
  AwsError e = decode_dynamodb_error(503, {}, "Service Unavailable");
  EXPECT_EQ(e.code, "ServiceUnavailable");
  EXPECT_EQ(e.retry, RetryClass::kTransient);
  AwsError typed = decode_dynamodb_error(500, {{"x-amzn-ErrorType", "InternalServerError"}}, "");
  EXPECT_EQ(typed.code, "InternalServerError");
}

TEST(DecodeLambdaError, HeaderTypeAndJsonMessage) {
  AwsError e = decode_lambda_error(
      404,
      {{"x-amzn-ErrorType", "ResourceNotFoundException:http://internal.amazon.com/coral/x/"},
       {"x-amzn-RequestId", "7f1b0d5e-5b1a-4c1e-9d1e-000000000000"}},
      R"({"Type":"User","message":"Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope"})");
  EXPECT_EQ(e.code, "ResourceNotFoundException");
  EXPECT_EQ(e.message, "Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope");
  EXPECT_EQ(e.request_id, "7f1b0d5e-5b1a-4c1e-9d1e-000000000000");
}

TEST(DecodeLambdaError, WithoutHeaderUsesTheBody) {
  AwsError e = decode_lambda_error(
      429, {}, R"({"Type":"TooManyRequestsException","Message":"Rate exceeded","Reason":"x"})");
  EXPECT_EQ(e.code, "TooManyRequestsException");
  EXPECT_EQ(e.message, "Rate exceeded");
  EXPECT_EQ(e.retry, RetryClass::kThrottling);
}

TEST(TransportErrors, AreTransientExceptTls) {
  AwsError reset = from_transport_error(make_error("ConnectionReset", "PUT http://x/: closed"));
  EXPECT_EQ(reset.http_status, 0);
  EXPECT_EQ(reset.code, "ConnectionReset");
  EXPECT_EQ(reset.retry, RetryClass::kTransient);
  EXPECT_EQ(reset.to_string(), "ConnectionReset: PUT http://x/: closed");
  EXPECT_EQ(from_transport_error(make_error("TlsError", "bad cert")).retry, RetryClass::kNone);
  EXPECT_EQ(from_transport_error(make_error("RequestTimeout", "t")).retry, RetryClass::kTransient);
}

TEST(ClassifyRetry, StatusesAndCodes) {
  EXPECT_EQ(classify_retry(400, "ValidationException", ""), RetryClass::kNone);
  EXPECT_EQ(classify_retry(400, "ThrottlingException", ""), RetryClass::kThrottling);
  EXPECT_EQ(classify_retry(400, "RequestLimitExceeded", ""), RetryClass::kThrottling);
  EXPECT_EQ(classify_retry(429, "Whatever", ""), RetryClass::kThrottling);
  EXPECT_EQ(classify_retry(502, "BadGateway", ""), RetryClass::kTransient);
  EXPECT_EQ(classify_retry(504, "", ""), RetryClass::kTransient);
  EXPECT_EQ(classify_retry(403, "AccessDenied", ""), RetryClass::kNone);
  EXPECT_EQ(classify_retry(400, "RequestExpired", ""), RetryClass::kClockSkew);
  EXPECT_EQ(retry_class_name(RetryClass::kClockSkew), "clock-skew");
}

TEST(EncodeErrors, RoundTripThroughTheDecoders) {
  std::string xml = encode_s3_error("NoSuchBucket", "The specified bucket <x> does not exist",
                                    "/my-bucket", "REQ1");
  EXPECT_EQ(xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchBucket</Code><Message>"
            "The specified bucket &lt;x&gt; does not exist</Message><Resource>/my-bucket</Resource>"
            "<RequestId>REQ1</RequestId></Error>");
  AwsError s3 = decode_s3_error(404, {}, xml);
  EXPECT_EQ(s3.code, "NoSuchBucket");
  EXPECT_EQ(s3.message, "The specified bucket <x> does not exist");
  EXPECT_EQ(s3.request_id, "REQ1");

  std::string json = encode_dynamodb_error("ValidationException", "bad \"key\"");
  EXPECT_EQ(
      json,
      R"({"__type":"com.amazonaws.dynamodb.v20120810#ValidationException","message":"bad \"key\""})");
  AwsError ddb = decode_dynamodb_error(400, {}, json);
  EXPECT_EQ(ddb.code, "ValidationException");
  EXPECT_EQ(ddb.message, "bad \"key\"");
}

}  // namespace
}  // namespace csv2ddb::aws
