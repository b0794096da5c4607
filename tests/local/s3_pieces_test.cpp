// Unit tests of the local S3's pure pieces: storage names, byte ranges, the aws-chunked
// decoder, notification validation and matching, and the event record's exact JSON.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "aws/crypto.hpp"
#include "local/s3/aws_chunked_decoder.hpp"
#include "local/s3/byte_range.hpp"
#include "local/s3/digests.hpp"
#include "local/s3/event_records.hpp"
#include "local/s3/notification_rules.hpp"
#include "local/s3/notification_xml.hpp"
#include "local/s3/storage_names.hpp"

namespace csv2ddb::local::s3 {
namespace {

TEST(S3StorageNames, BucketNamesFollowS3Rules) {
  for (const char* good : {"abc", "my-bucket.data", "a1b2c3",
                           "x23456789012345678901234567890123456789012345678901234567890123"}) {
    EXPECT_TRUE(validate_bucket_name(good).ok()) << good;
  }
  for (const char* bad : {"ab", "..", "...", "Upper", "a_b", "-abc", "abc-", "a..b", "192.168.1.1",
                          "xn--abc", "abc-s3alias", "a/b", "../etc",
                          "x234567890123456789012345678901234567890123456789012345678901234"}) {
    const Status status = validate_bucket_name(bad);
    ASSERT_FALSE(status.ok()) << bad;
    EXPECT_EQ(status.error().code, "InvalidBucketName");
  }
}

TEST(S3StorageNames, KeysNeverBecomePaths) {
  // Whatever the key, the stored name is "<2 hex>/<64 hex>.<16 hex>".
  const std::vector<std::string> keys = {
      "../../etc/passwd",    "/abs/path", std::string("nul\0byte", 8), "..\\..\\win", ".", "..",
      std::string(1024, '.')};
  for (const std::string& key : keys) {
    const std::string name = object_file_name(key, 42);
    ASSERT_EQ(name.size(), 2 + 1 + 64 + 1 + 16) << key;
    EXPECT_EQ(name[2], '/');
    EXPECT_EQ(name.substr(0, 2), name.substr(3, 2));
    for (std::size_t i = 0; i < name.size(); ++i) {
      if (i == 2 || i == 67) continue;
      EXPECT_TRUE(std::isxdigit(static_cast<unsigned char>(name[i]))) << key;
    }
  }
  EXPECT_NE(object_file_name("a", 1), object_file_name("a", 2));
  EXPECT_EQ(validate_object_key(std::string(1025, 'k')).error().code, "KeyTooLongError");
  EXPECT_TRUE(validate_object_key(std::string(1024, 'k')).ok());
  EXPECT_EQ(validate_object_key("bad\xff").error().code, "InvalidArgument");
  EXPECT_EQ(validate_object_key("").error().code, "InvalidArgument");
  EXPECT_TRUE(validate_object_key("ü日本 +x").ok());
}

TEST(S3ByteRange, ResolvesTheThreeForms) {
  auto check = [](const char* header, std::uint64_t size, RangeKind kind, std::uint64_t first,
                  std::uint64_t last) {
    const RangeResult r = resolve_range(header, size);
    EXPECT_EQ(r.kind, kind) << header;
    if (kind == RangeKind::kSatisfiable) {
      EXPECT_EQ(r.first, first) << header;
      EXPECT_EQ(r.last, last) << header;
    }
  };
  check("bytes=0-4", 10, RangeKind::kSatisfiable, 0, 4);
  check("bytes=5-", 10, RangeKind::kSatisfiable, 5, 9);
  check("bytes=-3", 10, RangeKind::kSatisfiable, 7, 9);
  check("bytes=-30", 10, RangeKind::kSatisfiable, 0, 9);
  check("bytes=8-100", 10, RangeKind::kSatisfiable, 8, 9);
  check("bytes=10-", 10, RangeKind::kUnsatisfiable, 0, 0);
  check("bytes=-0", 10, RangeKind::kUnsatisfiable, 0, 0);
  check("bytes=0-", 0, RangeKind::kUnsatisfiable, 0, 0);
  check("bytes=5-2", 10, RangeKind::kIgnored, 0, 0);
  check("bytes=0-1,3-4", 10, RangeKind::kIgnored, 0, 0);
  check("items=0-1", 10, RangeKind::kIgnored, 0, 0);
  check("bytes=x-1", 10, RangeKind::kIgnored, 0, 0);
}

// Decodes `body` fed in pieces of `step` bytes.
Result<std::string> decode(std::string_view body, std::size_t step, aws::HeaderList* trailers) {
  std::string out;
  AwsChunkedDecoder decoder([&](std::string_view payload) {
    out.append(payload);
    return Status{};
  });
  for (std::size_t i = 0; i < body.size(); i += step) {
    if (Status s = decoder.feed(body.substr(i, step)); !s) return s.take_error();
  }
  if (Status s = decoder.finish(); !s) return s.take_error();
  if (trailers) *trailers = decoder.trailers();
  return out;
}

TEST(S3AwsChunked, DecodesUnsignedTrailerBodiesAtEveryPieceSize) {
  Crc32 crc;
  crc.update("hello world");
  const std::string body =
      "6\r\nhello \r\n5\r\nworld\r\n0\r\nx-amz-checksum-crc32:" + crc.base64() + "\r\n\r\n";
  for (std::size_t step : {1, 2, 3, 7, 16, 1000}) {
    aws::HeaderList trailers;
    auto decoded = decode(body, step, &trailers);
    ASSERT_TRUE(decoded.ok()) << step << decoded.error().message;
    EXPECT_EQ(*decoded, "hello world");
    ASSERT_EQ(trailers.size(), 1U);
    EXPECT_EQ(trailers[0].name, "x-amz-checksum-crc32");
    EXPECT_EQ(trailers[0].value, "DUoRhQ==");  // CRC-32 of "hello world" is 0x0D4A1185
  }
}

TEST(S3AwsChunked, DecodesSignedChunks) {
  const std::string sig(64, 'a');
  const std::string body =
      "3;chunk-signature=" + sig + "\r\nabc\r\n0;chunk-signature=" + sig + "\r\n\r\n";
  auto decoded = decode(body, 5, nullptr);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, "abc");
}

// AWS's own example of a signed streaming upload (S3 API reference, "sigv4-streaming"):
// 64 KB and 1 KB of 'a', the seed signature from the request, and the chunk signatures the
// documentation lists. Decoded at hostile piece sizes; then one byte flipped, one signature
// altered, one missing: each is SignatureDoesNotMatch.
ChunkSignatureChain documented_chain(bool trailer = false) {
  const aws::SigningKey key = aws::derive_signing_key("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                                                      "20130524", "us-east-1", "s3");
  return ChunkSignatureChain(
      key, "20130524T000000Z", "20130524/us-east-1/s3/aws4_request",
      trailer ? "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e"
              : "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9",
      trailer);
}

std::string documented_body() {
  return "10000;chunk-signature="
         "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n" +
         std::string(65536, 'a') +
         "\r\n400;chunk-signature="
         "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n" +
         std::string(1024, 'a') +
         "\r\n0;chunk-signature="
         "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n"
         "\r\n";
}

Status decode_signed(const std::string& body, std::size_t step, ChunkSignatureChain chain,
                     std::string* out = nullptr) {
  std::string payload;
  AwsChunkedDecoder decoder(
      [&](std::string_view bytes) {
        payload.append(bytes);
        return Status{};
      },
      &chain);
  for (std::size_t at = 0; at < body.size(); at += step) {
    if (Status s = decoder.feed(std::string_view(body).substr(at, step)); !s) return s;
  }
  if (Status s = decoder.finish(); !s) return s;
  if (out != nullptr) *out = payload;
  return {};
}

TEST(S3AwsChunked, ChecksEveryChunkSignatureOfAwsExample) {
  for (std::size_t step : {1, 3, 7, 16, 4096, 1 << 20}) {
    std::string payload;
    const Status ok = decode_signed(documented_body(), step, documented_chain(), &payload);
    ASSERT_TRUE(ok.ok()) << step << " " << ok.error().message;
    EXPECT_EQ(payload, std::string(65536 + 1024, 'a'));
  }
  std::string flipped = documented_body();
  flipped[flipped.find("\r\n") + 2 + 1000] = 'b';  // a byte of the first chunk's data
  EXPECT_EQ(decode_signed(flipped, 7, documented_chain()).error().code, "SignatureDoesNotMatch");
  std::string wrong = documented_body();
  wrong[wrong.find("0055627c") + 3] = '6';  // the second chunk's signature
  EXPECT_EQ(decode_signed(wrong, 4096, documented_chain()).error().code, "SignatureDoesNotMatch");
  std::string unsigned_last = documented_body();
  unsigned_last.replace(unsigned_last.rfind("0;chunk-signature="), 82, "0");
  EXPECT_EQ(decode_signed(unsigned_last, 4096, documented_chain()).error().code,
            "SignatureDoesNotMatch");
  // Chunks reordered: each signature is chained to the previous one.
  ChunkSignatureChain chain = documented_chain();
  EXPECT_FALSE(chain
                   .verify_chunk("0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
                                 aws::sha256_hex(std::string(1024, 'a')))
                   .ok());
}

// The -TRAILER form, from AWS's example ("sigv4-streaming-trailers"): the same chunks signed
// from another seed, then a CRC32C trailer with its own signature.
TEST(S3AwsChunked, ChecksTheTrailerSignatureOfAwsExample) {
  const std::string body =
      "10000;chunk-signature=b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2\r\n" +
      std::string(65536, 'a') +
      "\r\n400;chunk-signature="
      "1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7\r\n" +
      std::string(1024, 'a') +
      "\r\n0;chunk-signature=2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992\r\n"
      "x-amz-checksum-crc32c:sOO8/Q==\r\n"
      "x-amz-trailer-signature:d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435\r\n"
      "\r\n";
  const Status ok = decode_signed(body, 7, documented_chain(true));
  EXPECT_TRUE(ok.ok()) << ok.error().message;
  std::string altered = body;
  altered.replace(altered.find("sOO8/Q=="), 8, "AAAAAA==");
  EXPECT_EQ(decode_signed(altered, 7, documented_chain(true)).error().code,
            "SignatureDoesNotMatch");
  std::string without = body;
  without.erase(without.find("x-amz-trailer-signature:"), 24 + 64 + 2);
  EXPECT_EQ(decode_signed(without, 7, documented_chain(true)).error().code,
            "SignatureDoesNotMatch");
}

TEST(S3AwsChunked, RejectsBrokenFraming) {
  for (const char* bad : {"3\r\nabcd\r\n0\r\n\r\n", "z\r\nabc\r\n0\r\n\r\n", "3\nabc\r\n0\r\n\r\n",
                          "3\r\nabc\r\n", "3\r\nabc\r\n0\r\n\r\nextra", "ffffffffffffffff\r\n"}) {
    EXPECT_FALSE(decode(bad, 4, nullptr).ok()) << bad;
  }
}

aws::NotificationTarget target(std::string id, std::vector<std::string> events,
                               std::vector<aws::NotificationFilterRule> rules = {},
                               std::string arn = "arn:aws:sqs:us-east-1:123456789012:q") {
  return {std::move(id), std::move(arn), std::move(events), std::move(rules)};
}

TEST(S3Notifications, RejectsOverlapsAndBadRules) {
  aws::NotificationConfiguration ok;
  ok.queues = {target("a", {"s3:ObjectCreated:*"}, {{"prefix", "in/"}, {"suffix", ".csv"}}),
               target("b", {"s3:ObjectCreated:*"}, {{"prefix", "out/"}}),
               target("c", {"s3:ObjectRemoved:*"}, {{"prefix", "in/"}})};
  EXPECT_TRUE(validate_notification(ok).ok());

  auto expect_invalid = [](aws::NotificationConfiguration config, std::string_view message) {
    const Status status = validate_notification(config);
    ASSERT_FALSE(status.ok()) << message;
    EXPECT_EQ(status.error().code, "InvalidArgument");
    EXPECT_EQ(status.error().message.substr(0, message.size()), message);
  };
  aws::NotificationConfiguration overlap;
  overlap.queues = {target("a", {"s3:ObjectCreated:Put"}, {{"prefix", "in/"}})};
  overlap.lambda_functions = {target("b", {"s3:ObjectCreated:*"}, {{"prefix", "in/sub"}},
                                     "arn:aws:lambda:us-east-1:123456789012:function:f")};
  expect_invalid(overlap, "Configurations overlap.");
  aws::NotificationConfiguration suffixes;
  suffixes.queues = {target("a", {"s3:ObjectCreated:*"}, {{"suffix", ".csv"}}),
                     target("b", {"s3:ObjectCreated:*"}, {{"suffix", "x.csv"}})};
  expect_invalid(suffixes, "Configurations overlap.");
  aws::NotificationConfiguration disjoint_suffix;
  disjoint_suffix.queues = {target("a", {"s3:ObjectCreated:*"}, {{"suffix", ".csv"}}),
                            target("b", {"s3:ObjectCreated:*"}, {{"suffix", ".json"}})};
  EXPECT_TRUE(validate_notification(disjoint_suffix).ok());
  aws::NotificationConfiguration bad_event;
  bad_event.queues = {target("a", {"s3:ObjectCreated:Nope"})};
  expect_invalid(bad_event, "The event is not supported for notifications");
  aws::NotificationConfiguration bad_rule;
  bad_rule.queues = {target("a", {"s3:ObjectCreated:*"}, {{"middle", "x"}})};
  expect_invalid(bad_rule, "filter rule name must be either prefix or suffix");
  aws::NotificationConfiguration two_prefixes;
  two_prefixes.queues = {target("a", {"s3:ObjectCreated:*"}, {{"prefix", "a"}, {"prefix", "b"}})};
  expect_invalid(two_prefixes, "Cannot specify more than one prefix rule in a filter.");
  aws::NotificationConfiguration bad_arn;
  bad_arn.queues = {target("a", {"s3:ObjectCreated:*"}, {}, "arn:aws:sns:us-east-1:1:topic")};
  expect_invalid(bad_arn, "Unable to validate");
}

TEST(S3Notifications, MatchesEventNamesAndRawKeys) {
  EXPECT_TRUE(event_name_covers("s3:ObjectCreated:*", "s3:ObjectCreated:Put"));
  EXPECT_TRUE(event_name_covers("s3:ObjectCreated:Copy", "s3:ObjectCreated:Copy"));
  EXPECT_FALSE(event_name_covers("s3:ObjectCreated:Put", "s3:ObjectCreated:Copy"));
  EXPECT_FALSE(event_name_covers("s3:ObjectRemoved:*", "s3:ObjectCreated:Put"));
  aws::NotificationConfiguration config;
  config.queues = {target("csv", {"s3:ObjectCreated:*"}, {{"prefix", "in/"}, {"suffix", ".csv"}})};
  EXPECT_EQ(matching_targets(config, "s3:ObjectCreated:Put", "in/a b.csv").size(), 1U);
  EXPECT_TRUE(matching_targets(config, "s3:ObjectCreated:Put", "in/a.CSV").empty());  // case
  EXPECT_TRUE(matching_targets(config, "s3:ObjectCreated:Put", "In/a.csv").empty());
  EXPECT_TRUE(matching_targets(config, "s3:ObjectCreated:Put", "in%2Fa.csv").empty());  // raw
  EXPECT_TRUE(matching_targets(config, "s3:ObjectRemoved:Delete", "in/a.csv").empty());
}

// S3 validates a rule's name in any case, and matches it the same way: "PREFIX" is a prefix
// rule (it was once taken for a suffix, since only "prefix" and "Prefix" were recognized).
TEST(S3Notifications, RuleNamesMatchInAnyCase) {
  for (const char* prefix : {"prefix", "Prefix", "PREFIX", "pReFiX"}) {
    for (const char* suffix : {"suffix", "Suffix", "SUFFIX"}) {
      aws::NotificationConfiguration config;
      config.queues = {target("csv", {"s3:ObjectCreated:*"}, {{prefix, "in/"}, {suffix, ".csv"}})};
      ASSERT_TRUE(validate_notification(config).ok()) << prefix << " " << suffix;
      EXPECT_EQ(matching_targets(config, "s3:ObjectCreated:Put", "in/a.csv").size(), 1U)
          << prefix << " " << suffix;
      EXPECT_TRUE(matching_targets(config, "s3:ObjectCreated:Put", "x/in/a.csv").empty()) << prefix;
      EXPECT_TRUE(matching_targets(config, "s3:ObjectCreated:Put", "in/a.json").empty()) << suffix;
    }
  }
}

TEST(S3Notifications, DocumentRoundTripsInBotocoresSpelling) {
  const std::string documented =
      "<NotificationConfiguration><LambdaFunctionConfiguration><Id>i</Id>"
      "<LambdaFunctionArn>arn:aws:lambda:us-east-1:1:function:f</LambdaFunctionArn>"
      "<Event>s3:ObjectCreated:*</Event><Filter><S3Key><FilterRule><Name>suffix</Name>"
      "<Value>.csv</Value></FilterRule></S3Key></Filter></LambdaFunctionConfiguration>"
      "</NotificationConfiguration>";
  auto parsed = parse_notification_document(documented);
  ASSERT_TRUE(parsed.ok());
  ASSERT_EQ(parsed->lambda_functions.size(), 1U);
  const std::string written = notification_document_xml(*parsed);
  EXPECT_NE(written.find("<CloudFunctionConfiguration><Id>i</Id><CloudFunction>arn:aws:lambda:"
                         "us-east-1:1:function:f</CloudFunction><Event>s3:ObjectCreated:*</Event>"),
            std::string::npos);
  auto again = parse_notification_document(written);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *parsed);
  EXPECT_EQ(parse_notification_document("<Other/>").error().code, "MalformedXML");
  EXPECT_EQ(parse_notification_document("<NotificationConfiguration>").error().code,
            "MalformedXML");
}

TEST(S3EventRecords, ExactJson) {
  EXPECT_EQ(event_key_encode("in/my file+1 ü.csv"), "in/my+file%2B1+%C3%BC.csv");
  EventContext context;
  context.region = "us-east-1";
  context.bucket = "uploads";
  context.event_name = "ObjectCreated:Put";
  context.configuration_id = "csv";
  context.principal_id = "AWS:test";
  context.request_id = "REQ";
  context.event_time_ms = 1700000000123;
  context.sequencer = "0000018BCFE5683B00";
  ObjectInfo object;
  object.key = "a b.csv";
  object.size = 12;
  object.etag = "\"0123456789abcdef0123456789abcdef\"";
  EXPECT_EQ(
      event_record_json(context, object),
      R"({"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1",)"
      R"("eventTime":"2023-11-14T22:13:20.123Z","eventName":"ObjectCreated:Put",)"
      R"("userIdentity":{"principalId":"AWS:test"},"requestParameters":{"sourceIPAddress":"127.0.0.1"},)"
      R"("responseElements":{"x-amz-request-id":"REQ","x-amz-id-2":"REQ"},"s3":{"s3SchemaVersion":"1.0",)"
      R"("configurationId":"csv","bucket":{"name":"uploads","ownerIdentity":{"principalId":"AWS:test"},)"
      R"("arn":"arn:aws:s3:::uploads"},"object":{"key":"a+b.csv","size":12,)"
      R"("eTag":"0123456789abcdef0123456789abcdef","sequencer":"0000018BCFE5683B00"}}}]})");
}

// AWS's ObjectRemoved records have no size and no eTag: the object is gone.
TEST(S3EventRecords, RemovedRecordsCarryNeitherSizeNorEtag) {
  EventContext context;
  context.region = "us-east-1";
  context.bucket = "uploads";
  context.event_name = "ObjectRemoved:Delete";
  context.configuration_id = "gone";
  context.principal_id = "AWS:test";
  context.request_id = "REQ";
  context.event_time_ms = 1700000000123;
  context.sequencer = "0000018BCFE5683B01";
  ObjectInfo removed;
  removed.key = "a b.csv";
  const std::string json = event_record_json(context, removed);
  EXPECT_NE(json.find(R"("object":{"key":"a+b.csv","sequencer":"0000018BCFE5683B01"}}}]})"),
            std::string::npos)
      << json;
  EXPECT_EQ(json.find("size"), std::string::npos);
  EXPECT_EQ(json.find("eTag"), std::string::npos);
}

TEST(S3Digests, Md5AndCrc32KnownValues) {
  EXPECT_EQ(md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  Crc32 crc;
  crc.update("123456789");
  EXPECT_EQ(crc.value(), 0xCBF43926U);
}

}  // namespace
}  // namespace csv2ddb::local::s3
