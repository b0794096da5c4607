// Each SigV4 step on its own, on the awkward inputs the suite does not cover: reserved and
// non-ASCII bytes, repeated and empty query keys, dot segments, header folding, dates, the
// signing-key derivation and its cache, and the S3 flavour of the header form.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "aws/sigv4.hpp"

namespace csv2ddb::aws {
namespace {

using std::chrono::system_clock;

system_clock::time_point at(const char* amz) {
  return parse_amz_date(amz).value();
}

TEST(UriEncode, KeepsOnlyUnreservedBytesAndUpperCasesTheRest) {
  EXPECT_EQ(uri_encode("AZaz09-_.~", false), "AZaz09-_.~");
  EXPECT_EQ(uri_encode("a b+c%d/e=f&g", false), "a%20b%2Bc%25d%2Fe%3Df%26g");
  EXPECT_EQ(uri_encode("a b/c", true), "a%20b/c");
  EXPECT_EQ(uri_encode("\xe1\x88\xb4", false), "%E1%88%B4");
  EXPECT_EQ(uri_encode(std::string_view("\0\xff", 2), false), "%00%FF");
}

TEST(PercentDecode, DecodesValidEscapesOnly) {
  EXPECT_EQ(percent_decode("a%20b%2fc%2F"), "a b/c/");
  EXPECT_EQ(percent_decode("a+b"), "a+b");  // '+' is not a space in SigV4
  EXPECT_EQ(percent_decode("100%"), "100%");
  EXPECT_EQ(percent_decode("%zz%4"), "%zz%4");
  EXPECT_EQ(percent_decode("%E1%88%b4"), "\xe1\x88\xb4");
}

TEST(NormalizePath, RemovesDotSegmentsAndEmptySegments) {
  EXPECT_EQ(normalize_path(""), "/");
  EXPECT_EQ(normalize_path("/"), "/");
  EXPECT_EQ(normalize_path("//example//"), "/example/");
  EXPECT_EQ(normalize_path("/./"), "/");
  EXPECT_EQ(normalize_path("/a/./b/../c"), "/a/c");
  EXPECT_EQ(normalize_path("/a/b/../.."), "/");
  EXPECT_EQ(normalize_path("/../../a"), "/a");
  EXPECT_EQ(normalize_path("/a/b/"), "/a/b/");
  EXPECT_EQ(normalize_path("/a/.../b"), "/a/.../b");
}

TEST(CanonicalUri, DoubleEncodesUnlessS3) {
  // The wire path is already encoded once; every service but S3 encodes it again.
  EXPECT_EQ(canonical_uri("/a%20b/c+d", true, true), "/a%2520b/c%2Bd");
  EXPECT_EQ(canonical_uri("/a%20b/c+d", false, false), "/a%20b/c+d");
  EXPECT_EQ(canonical_uri("/bucket//a/./b/../k", false, false), "/bucket//a/./b/../k");
  EXPECT_EQ(canonical_uri("/bucket//a/./b/../k", true, true), "/bucket/a/k");
  EXPECT_EQ(canonical_uri("", false, false), "/");
}

TEST(CanonicalQuery, SortsByEncodedKeyThenValue) {
  EXPECT_EQ(canonical_query_string(""), "");
  EXPECT_EQ(canonical_query_string("b=2&a=3&a=1&a=2"), "a=1&a=2&a=3&b=2");
  // No '=' means an empty value; empty pieces between '&' are dropped.
  EXPECT_EQ(canonical_query_string("acl&&x="), "acl=&x=");
  // Decoded then re-encoded: lower-case escapes become upper-case, reserved bytes get encoded.
  EXPECT_EQ(canonical_query_string("k=%2f%7E&s=a b&p=1+1&e=%3D"), "e=%3D&k=%2F~&p=1%2B1&s=a%20b");
  // Sorting happens on the encoded form: '%' (0x25) sorts before 'A'.
  EXPECT_EQ(canonical_query_string("A=1&%C3%A9=2&_=3&a=4"), "%C3%A9=2&A=1&_=3&a=4");
}

TEST(CanonicalHeaders, LowerCasesSortsTrimsAndJoinsRepeats) {
  const HeaderList headers = {
      {"Host", "example.com"},    {"X-Amz-Meta-B", "  two   inner\t spaces  "},
      {"x-amz-meta-a", "second"}, {"X-AMZ-META-A", "first\n  folded"},
      {"User-Agent", "curl"},     {"X-Amzn-Trace-Id", "Root=1-2-3"},
      {"Authorization", "old"},   {"Empty", ""},
  };
  const CanonicalHeaders canonical = canonical_headers(headers);
  EXPECT_EQ(canonical.canonical,
            "empty:\n"
            "host:example.com\n"
            "x-amz-meta-a:second,first folded\n"
            "x-amz-meta-b:two inner spaces\n");
  EXPECT_EQ(canonical.signed_headers, "empty;host;x-amz-meta-a;x-amz-meta-b");
}

TEST(CanonicalHeaders, VerifierRebuildsExactlyTheNamedHeaders) {
  const HeaderList headers = {{"Host", "h"}, {"X-A", "1"}, {"x-a", " 2 "}, {"X-Unsigned", "u"}};
  const CanonicalHeaders canonical = canonical_headers(headers, {"host", "x-a", "x-missing"});
  EXPECT_EQ(canonical.canonical, "host:h\nx-a:1,2\nx-missing:\n");
  EXPECT_EQ(canonical.signed_headers, "host;x-a;x-missing");
}

TEST(AmzDate, FormatsAndParses) {
  const auto time = at("20150830T123600Z");
  EXPECT_EQ(amz_date(time), "20150830T123600Z");
  EXPECT_EQ(amz_date_only(time), "20150830");
  EXPECT_EQ(amz_date(time + std::chrono::milliseconds(999)), "20150830T123600Z");
  EXPECT_EQ(amz_date(at("20240229T235959Z") + std::chrono::seconds(1)), "20240301T000000Z");
  EXPECT_EQ(amz_date(system_clock::time_point{}), "19700101T000000Z");
  for (const char* bad : {"", "20150830T123600", "2015-08-30T12:36:00Z", "20150230T123600Z",
                          "20150830T243600Z", "20150830X123600Z", "2015083aT123600Z"}) {
    SCOPED_TRACE(bad);
    const auto parsed = parse_amz_date(bad);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.error().code, "InvalidDate");
  }
}

TEST(SigningKey, MatchesTheExampleInAwsDocumentation) {
  // The derivation example of the SigV4 documentation (IAM, 2012-02-15).
  const SigningKey key = derive_signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215",
                                            "us-east-1", "iam");
  EXPECT_EQ(hex_encode(key), "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

TEST(SigningKeyCache, DerivesOncePerSecretDateRegionAndService) {
  SigningKeyCache cache(2);
  const SigningKey first = cache.get("secret", "20150830", "us-east-1", "s3");
  EXPECT_EQ(first, derive_signing_key("secret", "20150830", "us-east-1", "s3"));
  EXPECT_EQ(cache.get("secret", "20150830", "us-east-1", "s3"), first);
  EXPECT_EQ(cache.derivations(), 1u);
  EXPECT_NE(cache.get("secret", "20150831", "us-east-1", "s3"), first);
  EXPECT_NE(cache.get("other", "20150830", "us-east-1", "s3"), first);  // evicts the oldest
  EXPECT_EQ(cache.derivations(), 3u);
  EXPECT_EQ(cache.get("secret", "20150830", "us-east-1", "s3"), first);
  EXPECT_EQ(cache.derivations(), 4u);
}

TEST(SignWithHeaders, S3AddsContentSha256AndKeepsThePathAsIs) {
  const Credentials credentials{"AKID", "SECRET", "TOKEN"};
  SigningConfig config = SigningConfig::s3("eu-west-1", credentials, at("20240102T030405Z"));
  config.signed_body_value = std::string(kUnsignedPayload);
  const SignableRequest request{"PUT", "/bucket/a%20b/./c", "", {{"Host", "s3.local"}}, ""};
  const auto signed_request = sign_with_headers(request, config);
  ASSERT_TRUE(signed_request.ok());
  EXPECT_EQ(signed_request->canonical_request,
            "PUT\n/bucket/a%20b/./c\n\nhost:s3.local\nx-amz-content-sha256:UNSIGNED-PAYLOAD\n"
            "x-amz-date:20240102T030405Z\nx-amz-security-token:TOKEN\n\n"
            "host;x-amz-content-sha256;x-amz-date;x-amz-security-token\nUNSIGNED-PAYLOAD");
  EXPECT_TRUE(signed_request->authorization.starts_with(
      "AWS4-HMAC-SHA256 Credential=AKID/20240102/eu-west-1/s3/aws4_request, "
      "SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature="));
  std::vector<std::string> added;
  for (const Header& h : signed_request->headers_to_add) added.push_back(h.name + "=" + h.value);
  EXPECT_EQ(added,
            (std::vector<std::string>{"X-Amz-Date=20240102T030405Z", "X-Amz-Security-Token=TOKEN",
                                      "x-amz-content-sha256=UNSIGNED-PAYLOAD",
                                      "Authorization=" + signed_request->authorization}));
}

TEST(SignWithHeaders, ReplacesStaleSigningHeadersFromAnEarlierAttempt) {
  // A retry signs afresh: the previous attempt's headers must not be signed twice.
  const auto config = SigningConfig::standard("dynamodb", "us-east-1", {"AKID", "SECRET", ""},
                                              at("20240102T030405Z"));
  const SignableRequest retry{"POST",
                              "/",
                              "",
                              {{"Host", "h"},
                               {"X-Amz-Date", "20240102T030000Z"},
                               {"Authorization", "AWS4-HMAC-SHA256 old"}},
                              sha256_hex("{}")};
  const SignableRequest fresh{"POST", "/", "", {{"Host", "h"}}, sha256_hex("{}")};
  EXPECT_EQ(sign_with_headers(retry, config)->signature,
            sign_with_headers(fresh, config)->signature);
}

TEST(SignWithHeaders, RefusesAConfigWithoutRegionServiceOrKeys) {
  const SignableRequest request{"GET", "/", "", {{"Host", "h"}}, ""};
  SigningConfig config = SigningConfig::standard("dynamodb", "", {"AKID", "SECRET", ""}, {});
  EXPECT_EQ(sign_with_headers(request, config).error().code, "InvalidSigningConfig");
  config.region = "us-east-1";
  config.credentials.secret_access_key.clear();
  EXPECT_EQ(presign_with_query(request, config).error().code, "InvalidSigningConfig");
}

TEST(PresignWithQuery, S3UrlSignsUnsignedPayloadAndEncodesParameters) {
  SigningConfig config =
      SigningConfig::s3("us-east-1", {"AKID", "SECRET", "a/b+c="}, at("20130524T000000Z"));
  config.signed_body_value = std::string(kUnsignedPayload);
  config.expires = std::chrono::seconds(86400);
  const SignableRequest request{
      "GET", "/examplebucket/test.txt", "versionId=1", {{"Host", "s3.amazonaws.com"}}, ""};
  const auto presigned = presign_with_query(request, config);
  ASSERT_TRUE(presigned.ok());
  EXPECT_EQ(presigned->canonical_request,
            "GET\n/examplebucket/test.txt\nX-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential="
            "AKID%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&"
            "X-Amz-Expires=86400&X-Amz-Security-Token=a%2Fb%2Bc%3D&X-Amz-SignedHeaders=host&"
            "versionId=1\nhost:s3.amazonaws.com\n\nhost\nUNSIGNED-PAYLOAD");
  EXPECT_EQ(presigned->presigned_query,
            "versionId=1&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20130524%2F"
            "us-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-SignedHeaders=host&"
            "X-Amz-Expires=86400&X-Amz-Security-Token=a%2Fb%2Bc%3D&X-Amz-Signature=" +
                presigned->signature);
}

}  // namespace
}  // namespace csv2ddb::aws
