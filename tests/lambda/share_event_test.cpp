// The share event of a fanned-out import (share_event.hpp): its exact wire form, a round trip in
// a continuation event, malformed shares refused; and how many shares an object gets
// (fan_out.hpp).
#include "lambda/share_event.hpp"

#include <gtest/gtest.h>

#include "lambda/continuation_event.hpp"
#include "lambda/fan_out.hpp"

namespace csv2ddb::lambda {
namespace {

ShareEvent sample_share() {
  ShareEvent event;
  event.bucket = "imports";
  event.key = "big/\"offers\".csv";
  event.etag = "\"0123abcd\"";
  event.size = 10737418240;
  event.share.index = 7;
  event.share.count = 8;
  event.share.range_begin = 9395240960;
  event.share.range_end = UINT64_MAX;
  event.attempt = "";
  return event;
}

TEST(ShareEvent, WireForm) {
  EXPECT_EQ(share_payload(sample_share()),
            R"({"csv2ddbShare":{"version":1,"bucket":"imports","key":"big/\"offers\".csv",)"
            R"("etag":"\"0123abcd\"","size":10737418240,"index":7,"count":8,)"
            R"("range_begin":9395240960,"range_end":18446744073709551615,"attempt":""}})");
}

TEST(ShareEvent, RoundTripsAloneAndInAContinuation) {
  auto parsed = parse_share_event(share_payload(sample_share()));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  ASSERT_TRUE(parsed->has_value());
  EXPECT_EQ((*parsed)->share.range_end, UINT64_MAX);
  EXPECT_EQ((*parsed)->share.index, 7u);
  EXPECT_EQ((*parsed)->key, "big/\"offers\".csv");

  ContinuationEvent event;
  event.bucket = "imports";
  event.key = "big/\"offers\".csv";
  event.etag = "\"0123abcd\"";
  event.state_key = "reports/.continuation/x/1";
  event.state_etag = "\"e\"";
  event.share = sample_share();
  event.share->attempt = "9f8e7d6c5b4a3921";
  auto continued = parse_continuation_event(continuation_payload(event));
  ASSERT_TRUE(continued.ok()) << continued.error().message;
  ASSERT_TRUE(continued->has_value() && (*continued)->share.has_value());
  EXPECT_EQ((*continued)->share->attempt, "9f8e7d6c5b4a3921");
  EXPECT_EQ((*continued)->share->share.range_begin, 9395240960u);
  // Not a share event: another parser's business.
  auto other = parse_share_event(R"({"Records":[]})");
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->has_value());
}

TEST(ShareEvent, MalformedSharesAreRefused) {
  for (
      const char* body :
      {R"({"csv2ddbShare":[]})",
       R"({"csv2ddbShare":{"version":2,"bucket":"b","key":"k","etag":"e","size":1,"index":0,"count":1,"range_begin":0,"range_end":1,"attempt":""}})",
       R"({"csv2ddbShare":{"version":1,"bucket":"b","key":"k","etag":"e","size":1,"index":1,"count":1,"range_begin":0,"range_end":1,"attempt":""}})",
       R"({"csv2ddbShare":{"version":1,"bucket":"b","key":"k","etag":"e","size":1,"index":0,"count":0,"range_begin":0,"range_end":1,"attempt":""}})",
       R"({"csv2ddbShare":{"version":1,"bucket":"b","key":"k","etag":"e","size":1,"index":0,"count":2,"range_begin":5,"range_end":1,"attempt":""}})",
       R"({"csv2ddbShare":{"version":1,"bucket":"b","key":"k","etag":"e","size":1,"index":0,"count":2,"range_begin":0,"range_end":1}})"}) {
    auto parsed = parse_share_event(body);
    ASSERT_FALSE(parsed.ok()) << body;
    EXPECT_EQ(parsed.error().code, "InvalidEvent");
  }
}

TEST(FanOut, ShareCountIsOnePerThresholdBegunUpToMaxWorkers) {
  const std::uint64_t mib = 1 << 20;
  EXPECT_EQ(share_count(100 * mib, 0, 8), 1u);           // off
  EXPECT_EQ(share_count(100 * mib, 1024 * mib, 8), 1u);  // below the threshold
  EXPECT_EQ(share_count(1024 * mib, 1024 * mib, 8), 1u);
  EXPECT_EQ(share_count(1024 * mib + 1, 1024 * mib, 8), 2u);
  EXPECT_EQ(share_count(10240 * mib, 1024 * mib, 8), 8u);  // MaxWorkers
  EXPECT_EQ(share_count(10240 * mib, 1024 * mib, 1), 1u);
  const FanOutPlace place{"b", "in/a.csv", "\"abc\"", 3};
  EXPECT_EQ(place.prefix(), "reports/.fanout/in/a.csv/abc/");
  EXPECT_EQ(place.marker_key(2), "reports/.fanout/in/a.csv/abc/done/00002");
  EXPECT_EQ(place.share_keys(2, "f00d").json_copy, "reports/.fanout/in/a.csv/abc/2/f00d/json-copy");
  EXPECT_EQ(place.share_keys(2, "f00d").report, "");
  EXPECT_EQ(place.state_key(2, "f00d", 3), "reports/.fanout/in/a.csv/abc/2/f00d/state/3");
  EXPECT_EQ(new_attempt_id().size(), 16u);
}

}  // namespace
}  // namespace csv2ddb::lambda
