// Unit tests of the local S3's pure pieces: storage names, byte ranges, the aws-chunked
// decoder, notification validation and matching, and the event record's exact JSON.
#include <gtest/gtest.h>

#include <string>
#include <vector>

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
