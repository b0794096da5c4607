// The verifier the local AWS uses: requests our signer signs verify; anything changed after
// signing, a stale or future time, an unknown key or a malformed header fails with the code and
// message the real service (DynamoDB or S3) gives; no message ever contains the secret.
#include "aws/sigv4_verify.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "aws/sigv4.hpp"

namespace csv2ddb::aws {
namespace {

using namespace std::chrono_literals;

constexpr const char* kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const auto kSignedAt = parse_amz_date("20240102T030405Z").value();

std::optional<std::string> known_keys(std::string_view access_key) {
  if (access_key == "AKIDEXAMPLE") return std::string(kSecret);
  return std::nullopt;
}

std::vector<Error> g_errors_seen;  // every error message is checked for the secret at the end

Status check(const SignableRequest& request, AuthDialect dialect,
             std::chrono::system_clock::time_point now = kSignedAt,
             std::chrono::seconds skew = 5min) {
  auto parsed = parse_request_authorization(request, dialect);
  Status status =
      parsed ? verify(request, *parsed, known_keys, now, skew) : Status(parsed.take_error());
  if (!status) g_errors_seen.push_back(status.error());
  return status;
}

std::string code_of(const Status& status) {
  return status.ok() ? "OK" : status.error().code;
}

// A DynamoDB PutItem as our client sends it, signed.
SignableRequest signed_dynamodb_request(std::string access_key = "AKIDEXAMPLE") {
  const std::string body = R"({"TableName":"offers","Item":{"account":{"S":"a"}}})";
  SignableRequest request{"POST",
                          "/",
                          "",
                          {{"Host", "127.0.0.1:4566"},
                           {"Content-Type", "application/x-amz-json-1.0"},
                           {"X-Amz-Target", "DynamoDB_20120810.PutItem"}},
                          sha256_hex(body)};
  const auto config = SigningConfig::standard("dynamodb", "us-east-1",
                                              {std::move(access_key), kSecret, ""}, kSignedAt);
  const auto signed_request = sign_with_headers(request, config);
  request.headers.insert(request.headers.end(), signed_request->headers_to_add.begin(),
                         signed_request->headers_to_add.end());
  return request;
}

// An S3 PutObject with an awkward key, signed.
SignableRequest signed_s3_request(const std::string& body = "a,b\n1,2\n") {
  SignableRequest request{"PUT",
                          "/bucket/in%20box/r%C3%A9sum%C3%A9+1.csv",
                          "x-id=PutObject",
                          {{"Host", "127.0.0.1:4566"}, {"Content-Length", "8"}},
                          sha256_hex(body)};
  const auto config = SigningConfig::s3("us-east-1", {"AKIDEXAMPLE", kSecret, ""}, kSignedAt);
  const auto signed_request = sign_with_headers(request, config);
  request.headers.insert(request.headers.end(), signed_request->headers_to_add.begin(),
                         signed_request->headers_to_add.end());
  return request;
}

Header* header(SignableRequest& request, std::string_view name) {
  for (Header& h : request.headers) {
    if (header_name_equals(h.name, name)) return &h;
  }
  return nullptr;
}

TEST(Verify, DynamoDbRequestVerifiesAndAnyChangeFails) {
  const SignableRequest good = signed_dynamodb_request();
  EXPECT_EQ(code_of(check(good, AuthDialect::kDynamoDb)), "OK");

  SignableRequest changed_header = good;
  header(changed_header, "X-Amz-Target")->value = "DynamoDB_20120810.DeleteTable";
  const Status mismatch = check(changed_header, AuthDialect::kDynamoDb);
  EXPECT_EQ(code_of(mismatch), "InvalidSignatureException");
  EXPECT_EQ(mismatch.error().message,
            "The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method. Consult the service "
            "documentation for details.");

  SignableRequest changed_body = good;
  changed_body.payload_hash = sha256_hex("{}");
  EXPECT_EQ(code_of(check(changed_body, AuthDialect::kDynamoDb)), "InvalidSignatureException");

  SignableRequest changed_query = good;
  changed_query.query = "a=b";
  EXPECT_EQ(code_of(check(changed_query, AuthDialect::kDynamoDb)), "InvalidSignatureException");

  SignableRequest changed_method = good;
  changed_method.method = "PUT";
  EXPECT_EQ(code_of(check(changed_method, AuthDialect::kDynamoDb)), "InvalidSignatureException");

  // Headers that were not signed may change freely.
  SignableRequest extra_header = good;
  extra_header.headers.push_back({"User-Agent", "something else"});
  EXPECT_EQ(code_of(check(extra_header, AuthDialect::kDynamoDb)), "OK");
}

TEST(Verify, DynamoDbTimeMustBeWithinTheSkew) {
  const SignableRequest good = signed_dynamodb_request();
  EXPECT_EQ(code_of(check(good, AuthDialect::kDynamoDb, kSignedAt + 5min)), "OK");
  EXPECT_EQ(code_of(check(good, AuthDialect::kDynamoDb, kSignedAt - 5min)), "OK");
  const Status stale = check(good, AuthDialect::kDynamoDb, kSignedAt + 5min + 1s);
  EXPECT_EQ(code_of(stale), "InvalidSignatureException");
  EXPECT_EQ(stale.error().message,
            "Signature expired: 20240102T030405Z is now earlier than 20240102T030406Z "
            "(20240102T030906Z - 5 min.)");
  const Status future = check(good, AuthDialect::kDynamoDb, kSignedAt - 10min);
  EXPECT_EQ(future.error().message,
            "Signature not yet current: 20240102T030405Z is still later than 20240102T025905Z "
            "(20240102T025405Z + 5 min.)");
}

TEST(Verify, UnknownKeyIsUnrecognized) {
  const Status status = check(signed_dynamodb_request("AKIDUNKNOWN"), AuthDialect::kDynamoDb);
  EXPECT_EQ(code_of(status), "UnrecognizedClientException");
  EXPECT_EQ(status.error().message, "The security token included in the request is invalid.");
}

TEST(Verify, WrongSecretFailsLikeAChangedRequest) {
  SignableRequest request = signed_dynamodb_request();
  auto parsed = parse_request_authorization(request, AuthDialect::kDynamoDb);
  ASSERT_TRUE(parsed.ok());
  const Status status = verify(
      request, *parsed, [](std::string_view) { return std::optional<std::string>("other"); },
      kSignedAt, 5min);
  EXPECT_EQ(code_of(status), "InvalidSignatureException");
  EXPECT_EQ(status.error().message.find("other"), std::string::npos);
}

TEST(Verify, DatesMustAgreeAndHostMustBeSigned) {
  SignableRequest other_day = signed_dynamodb_request();
  header(other_day, "X-Amz-Date")->value = "20240103T030405Z";
  const Status status =
      check(other_day, AuthDialect::kDynamoDb, parse_amz_date("20240103T030405Z").value());
  EXPECT_EQ(code_of(status), "InvalidSignatureException");
  EXPECT_EQ(status.error().message,
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from "
            "HTTP: '20240102' != '20240103', from '20240103T030405Z'.");

  SignableRequest no_date = signed_dynamodb_request();
  std::erase_if(no_date.headers,
                [](const Header& h) { return header_name_equals(h.name, "x-amz-date"); });
  EXPECT_EQ(code_of(check(no_date, AuthDialect::kDynamoDb)), "IncompleteSignatureException");

  SignableRequest no_host = signed_dynamodb_request();
  std::string& authorization = header(no_host, "Authorization")->value;
  authorization.replace(authorization.find("host;"), 5, "");
  EXPECT_EQ(code_of(check(no_host, AuthDialect::kDynamoDb)), "IncompleteSignatureException");
}

TEST(Verify, MissingAuthenticationIsReportedPerService) {
  const SignableRequest anonymous{"GET", "/", "", {{"Host", "h"}}, ""};
  EXPECT_EQ(code_of(check(anonymous, AuthDialect::kDynamoDb)),
            "MissingAuthenticationTokenException");
  EXPECT_EQ(code_of(check(anonymous, AuthDialect::kS3)), "AccessDenied");
}

TEST(Verify, S3RequestVerifiesAndChangesFailWithS3Codes) {
  const SignableRequest good = signed_s3_request();
  EXPECT_EQ(code_of(check(good, AuthDialect::kS3, kSignedAt, 15min)), "OK");

  SignableRequest changed_key = good;
  changed_key.path = "/bucket/in%20box/other.csv";
  const Status mismatch = check(changed_key, AuthDialect::kS3);
  EXPECT_EQ(code_of(mismatch), "SignatureDoesNotMatch");
  EXPECT_EQ(mismatch.error().message,
            "The request signature we calculated does not match the signature you provided. "
            "Check your key and signing method.");

  // The body no longer matches the signed x-amz-content-sha256.
  SignableRequest changed_body = good;
  changed_body.payload_hash = sha256_hex("tampered");
  EXPECT_EQ(code_of(check(changed_body, AuthDialect::kS3)), "XAmzContentSHA256Mismatch");
  // A body not hashed yet (streamed) is checked against the header later, by the caller.
  SignableRequest streamed = good;
  streamed.payload_hash.clear();
  EXPECT_EQ(code_of(check(streamed, AuthDialect::kS3)), "OK");

  const Status skewed = check(good, AuthDialect::kS3, kSignedAt + 16min, 15min);
  EXPECT_EQ(code_of(skewed), "RequestTimeTooSkewed");
  EXPECT_EQ(skewed.error().message,
            "The difference between the request time and the current time is too large.");
  EXPECT_EQ(code_of(check(good, AuthDialect::kS3, kSignedAt + 14min, 15min)), "OK");

  SignableRequest no_content_sha = good;
  std::erase_if(no_content_sha.headers,
                [](const Header& h) { return header_name_equals(h.name, "x-amz-content-sha256"); });
  EXPECT_EQ(code_of(check(no_content_sha, AuthDialect::kS3)), "InvalidRequest");

  EXPECT_EQ(code_of(check(signed_s3_request(), AuthDialect::kDynamoDb)),
            "InvalidSignatureException")
      << "S3 rules (single-encoded path) differ from DynamoDB's";
}

TEST(Verify, PresignedS3UrlVerifiesUntilItExpires) {
  SignableRequest request{
      "GET", "/bucket/report%20%231.json", "", {{"Host", "localhost:4566"}}, ""};
  SigningConfig config =
      SigningConfig::s3("us-east-1", {"AKIDEXAMPLE", kSecret, "TOKEN"}, kSignedAt);
  config.signed_body_value = std::string(kUnsignedPayload);
  config.expires = 600s;
  request.query = presign_with_query(request, config)->presigned_query;

  auto parsed = parse_request_authorization(request, AuthDialect::kS3);
  ASSERT_TRUE(parsed.ok()) << parsed.error().to_string();
  EXPECT_TRUE(parsed->presigned);
  EXPECT_EQ(parsed->expires_seconds, 600);
  EXPECT_EQ(parsed->session_token, "TOKEN");
  EXPECT_EQ(code_of(check(request, AuthDialect::kS3, kSignedAt + 600s)), "OK");
  const Status expired = check(request, AuthDialect::kS3, kSignedAt + 601s);
  EXPECT_EQ(code_of(expired), "AccessDenied");
  EXPECT_EQ(expired.error().message, "Request has expired");
  EXPECT_EQ(code_of(check(request, AuthDialect::kS3, kSignedAt - 20min)), "AccessDenied");

  SignableRequest longer = request;
  longer.query.replace(longer.query.find("X-Amz-Expires=600"), 17, "X-Amz-Expires=900");
  EXPECT_EQ(code_of(check(longer, AuthDialect::kS3)), "SignatureDoesNotMatch");
  SignableRequest other_object = request;
  other_object.path = "/bucket/report%20%232.json";
  EXPECT_EQ(code_of(check(other_object, AuthDialect::kS3)), "SignatureDoesNotMatch");
}

TEST(ParseAuthorizationHeader, ReadsEveryPart) {
  const auto parsed = parse_authorization_header(
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
      "SignedHeaders=host;x-amz-date, "
      "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
      AuthDialect::kDynamoDb);
  ASSERT_TRUE(parsed.ok()) << parsed.error().to_string();
  EXPECT_FALSE(parsed->presigned);
  EXPECT_EQ(parsed->access_key_id, "AKIDEXAMPLE");
  EXPECT_EQ(parsed->date, "20150830");
  EXPECT_EQ(parsed->region, "us-east-1");
  EXPECT_EQ(parsed->service, "service");
  EXPECT_EQ(parsed->signed_headers, (std::vector<std::string>{"host", "x-amz-date"}));
  EXPECT_EQ(parsed->signature, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
  // Components in another order and without spaces after commas parse the same.
  const auto reordered = parse_authorization_header(
      "AWS4-HMAC-SHA256 Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31,"
      "SignedHeaders=host,Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request",
      AuthDialect::kDynamoDb);
  ASSERT_TRUE(reordered.ok());
  EXPECT_EQ(reordered->signed_headers, std::vector<std::string>{"host"});
}

TEST(ParseAuthorizationHeader, RejectsMalformedHeadersWithClearErrors) {
  const std::string sig = "Signature=" + std::string(64, 'a');
  const std::string cred = "Credential=AKID/20150830/us-east-1/dynamodb/aws4_request";
  struct Case {
    std::string header;
    std::string message_part;
  };
  const std::vector<Case> cases = {
      {"", "unsupported authorization algorithm ''"},
      {"AWS4-HMAC-SHA1 " + cred, "unsupported authorization algorithm 'AWS4-HMAC-SHA1'"},
      {"AWS4-HMAC-SHA256", "requires 'Credential' parameter"},
      {"AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host",
       "Authorization header requires 'Signature' parameter."},
      {"AWS4-HMAC-SHA256 " + cred + ", " + sig,
       "Authorization header requires 'SignedHeaders' parameter."},
      {"AWS4-HMAC-SHA256 Credential, SignedHeaders=host, " + sig, "missing equal-sign"},
      {"AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/aws4_request, SignedHeaders=host, " +
           sig,
       "the Credential is mal-formed"},
      {"AWS4-HMAC-SHA256 Credential=AKID/2015083/us-east-1/s3/aws4_request, SignedHeaders=host, " +
           sig,
       "is not in the form YYYYMMDD"},
      {"AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/s3/aws5_request, SignedHeaders=host, " +
           sig,
       "valid terminator: 'aws4_request', not 'aws5_request'"},
      {"AWS4-HMAC-SHA256 Credential=/20150830/us-east-1/s3/aws4_request, SignedHeaders=host, " +
           sig,
       "no access key id"},
      {"AWS4-HMAC-SHA256 Credential=A/20150830/us-east-1/s3/aws4_request/x, SignedHeaders=host, " +
           sig,
       "too many parts"},
      {"AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host;;x-amz-date, " + sig,
       "has an empty header name"},
      {"AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host, Signature=abc", "64 hexadecimal"},
      {"AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host, Signature=" + std::string(64, 'g'),
       "64 hexadecimal"},
      {"AWS4-HMAC-SHA256 " + cred + ", " + cred + ", SignedHeaders=host, " + sig,
       "repeats 'Credential'"},
      {"AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host, " + sig + ", Extra=1",
       "unexpected component 'Extra'"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.header);
    const auto dynamodb = parse_authorization_header(c.header, AuthDialect::kDynamoDb);
    ASSERT_FALSE(dynamodb.ok());
    EXPECT_EQ(dynamodb.error().code, "IncompleteSignatureException");
    EXPECT_NE(dynamodb.error().message.find(c.message_part), std::string::npos)
        << dynamodb.error().message;
    const auto s3 = parse_authorization_header(c.header, AuthDialect::kS3);
    ASSERT_FALSE(s3.ok());
    EXPECT_EQ(s3.error().code, "AuthorizationHeaderMalformed");
    EXPECT_TRUE(s3.error().message.starts_with("The authorization header is malformed; "));
  }
}

TEST(ParsePresignedQuery, RejectsIncompleteOrBadParameters) {
  const std::string base =
      "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20150830%2Fus-east-1%2Fs3%2F"
      "aws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Signature=" +
      std::string(64, 'a');
  EXPECT_TRUE(parse_presigned_query(base + "&X-Amz-Expires=604800", AuthDialect::kS3).ok());
  const std::vector<std::pair<std::string, std::string>> cases = {
      {base, "requires the X-Amz-Algorithm"},
      {base + "&X-Amz-Expires=604801", "less than a week"},
      {base + "&X-Amz-Expires=-1", "should be a number"},
      {base + "&X-Amz-Expires=1e3", "should be a number"},
      {base + "&X-Amz-Expires=1&X-Amz-Expires=2", "repeats X-Amz-Expires"},
  };
  for (const auto& [query, message_part] : cases) {
    SCOPED_TRACE(query);
    const auto parsed = parse_presigned_query(query, AuthDialect::kS3);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.error().code, "AuthorizationQueryParametersError");
    EXPECT_NE(parsed.error().message.find(message_part), std::string::npos)
        << parsed.error().message;
  }
}

TEST(Verify, NoErrorMessageContainsTheSecret) {
  // Each test runs in its own process under ctest, so provoke every kind of failure here.
  g_errors_seen.clear();
  SignableRequest dynamodb = signed_dynamodb_request();
  SignableRequest s3 = signed_s3_request();
  (void)check(dynamodb, AuthDialect::kDynamoDb, kSignedAt + 1h);
  (void)check(dynamodb, AuthDialect::kDynamoDb, kSignedAt - 1h);
  (void)check(s3, AuthDialect::kS3, kSignedAt + 1h);
  (void)check(signed_dynamodb_request("AKIDUNKNOWN"), AuthDialect::kDynamoDb);
  dynamodb.payload_hash = sha256_hex("x");
  s3.payload_hash = sha256_hex("x");
  (void)check(dynamodb, AuthDialect::kDynamoDb);
  (void)check(s3, AuthDialect::kS3);
  header(s3, "x-amz-content-sha256")->value = "nonsense";
  (void)check(s3, AuthDialect::kS3);
  header(dynamodb, "Authorization")->value += ", Secret=" + std::string(kSecret);
  (void)check(dynamodb, AuthDialect::kDynamoDb);
  header(dynamodb, "X-Amz-Date")->value = "20240103T030405Z";
  (void)check(dynamodb, AuthDialect::kDynamoDb);
  ASSERT_EQ(g_errors_seen.size(), 9u);
  for (const Error& error : g_errors_seen) {
    EXPECT_EQ(error.message.find(kSecret), std::string::npos) << error.to_string();
    EXPECT_EQ(error.message.find("EXAMPLEKEY"), std::string::npos) << error.to_string();
  }
}

}  // namespace
}  // namespace csv2ddb::aws
