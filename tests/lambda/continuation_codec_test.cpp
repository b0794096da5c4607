// The continuation event and the hand-over state object: the exact wire form (a golden
// payload), round trips with every field, malformed input refused with a reason; and the
// writer's size from memory and reserve (writer_sizing.hpp).
#include <gtest/gtest.h>

#include "lambda/continuation_event.hpp"
#include "lambda/hand_over_state.hpp"
#include "lambda/writer_sizing.hpp"

namespace csv2ddb::lambda {
namespace {

ContinuationEvent sample_event() {
  ContinuationEvent event;
  event.generation = 7;
  event.bucket = "imports";
  event.key = "data/big \"file\".csv.gz";
  event.etag = "\"0123456789abcdef0123456789abcdef\"";
  event.compression = csv::Compression::kGzip;
  event.resume.byte_offset = 123456789012;
  event.resume.line = 4000001;
  event.resume.rows_read = 4000000;
  event.resume.rows_written = 3999990;
  event.resume.rows_rejected = 4;
  event.resume.rows_unprocessed = 5;
  event.resume.rows_skipped = 1;
  event.resume.seconds = 1234.5678901234567;
  event.resume.requests = 160000;
  event.resume.retries = 12;
  event.resume.throttles = 3;
  event.resume.consumed_wcu = 4000123.5;
  event.state_key = "reports/.continuation/data/big \"file\".csv.gz/7";
  event.state_etag = "\"feedface\"";
  return event;
}

TEST(ContinuationEvent, WireForm) {
  EXPECT_EQ(continuation_payload(sample_event()),
            R"({"csv2ddbContinuation":{"version":1,"generation":7,"bucket":"imports",)"
            R"("key":"data/big \"file\".csv.gz","etag":"\"0123456789abcdef0123456789abcdef\"",)"
            R"("compression":"gzip","resume":{"offset":123456789012,"line":4000001,)"
            R"("rows_read":4000000,"rows_written":3999990,"rows_rejected":4,"rows_unprocessed":5,)"
            R"("rows_skipped":1},"costs":{"seconds":1234.5678901234567,"requests":160000,)"
            R"("retries":12,"throttles":3,"consumed_wcu":4000123.5},)"
            R"("state":{"key":"reports/.continuation/data/big \"file\".csv.gz/7",)"
            R"("etag":"\"feedface\""}}})");
}

TEST(ContinuationEvent, RoundTripsEveryField) {
  const ContinuationEvent sent = sample_event();
  auto parsed = parse_continuation_event(continuation_payload(sent));
  ASSERT_TRUE(parsed) << parsed.error().message;
  ASSERT_TRUE(parsed->has_value());
  const ContinuationEvent& got = **parsed;
  EXPECT_EQ(got.generation, sent.generation);
  EXPECT_EQ(got.bucket, sent.bucket);
  EXPECT_EQ(got.key, sent.key);
  EXPECT_EQ(got.etag, sent.etag);
  EXPECT_EQ(got.compression, sent.compression);
  EXPECT_EQ(got.resume.byte_offset, sent.resume.byte_offset);
  EXPECT_EQ(got.resume.line, sent.resume.line);
  EXPECT_EQ(got.resume.rows_read, sent.resume.rows_read);
  EXPECT_EQ(got.resume.rows_written, sent.resume.rows_written);
  EXPECT_EQ(got.resume.rows_rejected, sent.resume.rows_rejected);
  EXPECT_EQ(got.resume.rows_unprocessed, sent.resume.rows_unprocessed);
  EXPECT_EQ(got.resume.rows_skipped, sent.resume.rows_skipped);
  // Exactly, so that a thousand invocations' costs add up to what each measured.
  EXPECT_EQ(got.resume.seconds, sent.resume.seconds);
  EXPECT_EQ(got.resume.consumed_wcu, sent.resume.consumed_wcu);
  EXPECT_EQ(got.resume.requests, sent.resume.requests);
  EXPECT_EQ(got.resume.retries, sent.resume.retries);
  EXPECT_EQ(got.resume.throttles, sent.resume.throttles);
  EXPECT_EQ(got.state_key, sent.state_key);
  EXPECT_EQ(got.state_etag, sent.state_etag);
}

TEST(ContinuationEvent, OtherPayloadsAreNotContinuations) {
  for (const char* payload : {R"({"Records":[]})", "not json", "[]", R"({"csv2ddb":{}})"}) {
    auto parsed = parse_continuation_event(payload);
    ASSERT_TRUE(parsed) << payload;
    EXPECT_FALSE(parsed->has_value()) << payload;
  }
}

TEST(ContinuationEvent, MalformedContinuationsAreRefusedWithAReason) {
  const std::string good = continuation_payload(sample_event());
  auto with = [&](const std::string& from, const std::string& to) {
    std::string payload = good;
    payload.replace(payload.find(from), from.size(), to);
    return payload;
  };
  const std::vector<std::pair<std::string, std::string>> cases = {
      {with("\"version\":1", "\"version\":2"), "version 2 is not known"},
      {with("\"generation\":7", "\"generation\":0"), "generation out of range"},
      {with("\"generation\":7", "\"generation\":-7"), "generation is not a count"},
      {with("\"compression\":\"gzip\"", "\"compression\":\"lz4\""), "unknown compression lz4"},
      {with("\"rows_skipped\":1", "\"rows_skipped\":2"), "the counts do not add up"},
      {with("\"bucket\":\"imports\"", "\"bucket\":\"\""), "bucket is missing"},
      {with(",\"state\":{", ",\"stat\":{"), "resume, costs and state are required"},
      {R"({"csv2ddbContinuation":"x"})", "not an object"},
  };
  for (const auto& [payload, reason] : cases) {
    auto parsed = parse_continuation_event(payload);
    ASSERT_FALSE(parsed) << payload;
    EXPECT_EQ(parsed.error().code, "InvalidEvent");
    EXPECT_NE(parsed.error().message.find(reason), std::string::npos)
        << parsed.error().message << " / " << reason;
  }
}

TEST(HandOverState, KeyIsUnderReportsPerGeneration) {
  EXPECT_EQ(hand_over_state_key("data/offers.csv", 3), "reports/.continuation/data/offers.csv/3");
}

TEST(HandOverState, WireFormAndRoundTrip) {
  HandOverState state;
  state.header = {"account", "offer\nid", "price"};
  state.outputs.json_copy =
      ingest::SuspendedOutput{{R"({"upload_id":"u1","parts":[]})", "{\"da"}, 12};
  state.outputs.rejected = ingest::SuspendedOutput{{"", "line\nline\n"}, 2};
  const std::string bytes = encode_hand_over_state(state);
  EXPECT_EQ(bytes,
            "{\"version\":1,\"format\":\"csv\",\"header\":[\"account\",\"offer\\nid\","
            "\"price\"],\"outputs\":{"
            "\"json_copy\":{\"state\":\"{\\\"upload_id\\\":\\\"u1\\\",\\\"parts\\\":[]}\","
            "\"entries\":12,\"tail_bytes\":4},"
            "\"rejected\":{\"state\":\"\",\"entries\":2,\"tail_bytes\":10}}}\n"
            "{\"daline\nline\n");
  auto decoded = decode_hand_over_state(bytes);
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(decoded->header, state.header);
  ASSERT_TRUE(decoded->outputs.json_copy && decoded->outputs.rejected);
  EXPECT_FALSE(decoded->outputs.unprocessed);
  EXPECT_EQ(decoded->outputs.json_copy->object.state, state.outputs.json_copy->object.state);
  EXPECT_EQ(decoded->outputs.json_copy->object.tail, "{\"da");
  EXPECT_EQ(decoded->outputs.json_copy->entries, 12u);
  EXPECT_EQ(decoded->outputs.rejected->object.tail, "line\nline\n");
  EXPECT_EQ(decoded->outputs.rejected->entries, 2u);
}

TEST(HandOverState, KeepsTheFormatAndReadsStatesWithoutOne) {
  HandOverState state;
  state.format = ingest::InputFormat::kDynamoDbJson;
  auto decoded = decode_hand_over_state(encode_hand_over_state(state));
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(decoded->format, ingest::InputFormat::kDynamoDbJson);
  auto older = decode_hand_over_state("{\"version\":1,\"header\":[\"a\"],\"outputs\":{}}\n");
  ASSERT_TRUE(older) << older.error().message;
  EXPECT_EQ(older->format, ingest::InputFormat::kCsv);
  auto unknown =
      decode_hand_over_state("{\"version\":1,\"format\":\"ion\",\"header\":[],\"outputs\":{}}\n");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, "InvalidHandOverState");
}

TEST(HandOverState, DamagedStatesAreRefused) {
  HandOverState state;
  state.outputs.json_copy = ingest::SuspendedOutput{{"", "abc"}, 1};
  const std::string good = encode_hand_over_state(state);
  for (const std::string& bytes :
       {std::string("no newline"), good.substr(0, good.size() - 1), good + "x",
        std::string("{\"version\":9,\"header\":[],\"outputs\":{}}\n"), std::string("[]\n")}) {
    auto decoded = decode_hand_over_state(bytes);
    ASSERT_FALSE(decoded) << bytes;
    EXPECT_EQ(decoded.error().code, "InvalidHandOverState");
  }
}

TEST(WriterSizing, LanesFollowTheMemoryUnlessConfigured) {
  using std::chrono::seconds;
  EXPECT_EQ(size_writer(std::nullopt, 128, seconds(60)).lanes, 2u);
  EXPECT_EQ(size_writer(std::nullopt, 512, seconds(60)).lanes, 5u);
  EXPECT_EQ(size_writer(std::nullopt, 1769, seconds(60)).lanes, 16u);
  EXPECT_EQ(size_writer(std::nullopt, 3538, seconds(60)).lanes, 32u);
  EXPECT_EQ(size_writer(std::nullopt, 10240, seconds(60)).lanes, 64u);
  EXPECT_EQ(size_writer(std::nullopt, std::nullopt, seconds(60)).lanes, 4u);
  EXPECT_EQ(size_writer(7, 10240, seconds(60)).lanes, 7u);
}

TEST(WriterSizing, QueuesDrainWithinHalfTheReserve) {
  using std::chrono::milliseconds;
  using std::chrono::seconds;
  EXPECT_EQ(size_writer(std::nullopt, 1769, seconds(60)).queue_capacity, 375u);
  EXPECT_EQ(size_writer(std::nullopt, 1769, seconds(10)).queue_capacity, 50u);
  EXPECT_EQ(size_writer(std::nullopt, 1769, milliseconds(0)).queue_capacity, 25u);
  EXPECT_EQ(size_writer(std::nullopt, 1769, seconds(900)).queue_capacity, 1024u);
}

TEST(WriterSizing, TheSpreadingWindowDrainsWithinTheOtherHalf) {
  using std::chrono::milliseconds;
  using std::chrono::seconds;
  EXPECT_EQ(size_writer(std::nullopt, 1769, seconds(60)).spread_rows, 16u * 375u);
  EXPECT_EQ(size_writer(std::nullopt, 128, milliseconds(2000)).spread_rows, 2u * 25u);
  EXPECT_EQ(size_writer(std::nullopt, 10240, seconds(900)).spread_rows, 65536u);
}

}  // namespace
}  // namespace csv2ddb::lambda
