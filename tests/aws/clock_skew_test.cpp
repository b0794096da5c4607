// HTTP and ISO 8601 dates, and the process-wide clock correction.
#include "aws/clock_skew.hpp"

#include <gtest/gtest.h>

namespace csv2ddb::aws {
namespace {

using namespace std::chrono;

SystemTime at(int y, unsigned mo, unsigned d, int h, int mi, int s) {
  return sys_days(year{y} / month{mo} / day{d}) + hours(h) + minutes(mi) + seconds(s);
}

TEST(ParseHttpDate, ImfFixdateAndObsoleteForms) {
  SystemTime expected = at(1994, 11, 6, 8, 49, 37);
  EXPECT_EQ(*parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), expected);
  EXPECT_EQ(*parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), expected);
  EXPECT_EQ(*parse_http_date("Sun Nov  6 08:49:37 1994"), expected);
  EXPECT_EQ(*parse_http_date("Wed, 01 May 2024 23:59:60 GMT"), at(2024, 5, 2, 0, 0, 0));
  for (const char* bad :
       {"", "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 31 Feb 2024 08:49:37 GMT",
        "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 06 Nov 1994 25:49:37 GMT", "yesterday"}) {
    auto got = parse_http_date(bad);
    ASSERT_FALSE(got.ok()) << bad;
    EXPECT_EQ(got.error().code, "InvalidDate");
  }
}

TEST(FormatHttpDate, RoundTrips) {
  EXPECT_EQ(format_http_date(at(1994, 11, 6, 8, 49, 37)), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(format_http_date(at(2024, 2, 29, 0, 0, 5) + milliseconds(999)),
            "Thu, 29 Feb 2024 00:00:05 GMT");
}

TEST(ParseIso8601, Forms) {
  EXPECT_EQ(*parse_iso8601("2030-01-01T00:00:00Z"), at(2030, 1, 1, 0, 0, 0));
  EXPECT_EQ(*parse_iso8601("2030-01-01T01:30:00+01:30"), at(2030, 1, 1, 0, 0, 0));
  EXPECT_EQ(*parse_iso8601("2030-01-01T00:00:00.250Z"),
            at(2030, 1, 1, 0, 0, 0) + milliseconds(250));
  EXPECT_FALSE(parse_iso8601("2030-01-01T00:00:00").ok());
  EXPECT_FALSE(parse_iso8601("2030-13-01T00:00:00Z").ok());
  EXPECT_EQ(format_iso8601(at(2030, 1, 2, 3, 4, 5)), "2030-01-02T03:04:05Z");
}

TEST(ClockSkew, OffsetFromAServerDate) {
  ClockSkew skew;
  EXPECT_EQ(skew.offset(), milliseconds(0));
  skew.update(at(2030, 1, 1, 0, 10, 0), at(2030, 1, 1, 0, 0, 0));
  EXPECT_EQ(skew.offset(), minutes(10));
  auto corrected = skew.now() - system_clock::now();
  EXPECT_GT(corrected, minutes(9));
  EXPECT_LT(corrected, minutes(11));
  EXPECT_FALSE(skew.update_from_date_header("not a date"));
  EXPECT_EQ(skew.offset(), minutes(10));
  // A server an hour behind us.
  ASSERT_TRUE(skew.update_from_date_header(format_http_date(system_clock::now() - hours(1))));
  EXPECT_LT(skew.offset(), -minutes(59));
  EXPECT_GT(skew.offset(), -minutes(61));
  EXPECT_EQ(&ClockSkew::process_wide(), &ClockSkew::process_wide());
}

TEST(SuggestsClockSkew, A401Or403WithADateMoreThanFourMinutesAway) {
  const SystemTime signed_at = at(2030, 1, 1, 12, 0, 0);
  const std::string five_ahead = format_http_date(signed_at + minutes(5));
  const std::string five_behind = format_http_date(signed_at - minutes(5));
  const std::string three_ahead = format_http_date(signed_at + minutes(3));
  EXPECT_TRUE(suggests_clock_skew(403, &five_ahead, signed_at));
  EXPECT_TRUE(suggests_clock_skew(403, &five_behind, signed_at));
  EXPECT_TRUE(suggests_clock_skew(401, &five_ahead, signed_at));
  EXPECT_FALSE(suggests_clock_skew(403, &three_ahead, signed_at));  // within the tolerance
  EXPECT_FALSE(suggests_clock_skew(404, &five_ahead, signed_at));   // not a refusal
  EXPECT_FALSE(suggests_clock_skew(500, &five_ahead, signed_at));
  EXPECT_FALSE(suggests_clock_skew(403, nullptr, signed_at));
  const std::string garbage = "yesterday";
  EXPECT_FALSE(suggests_clock_skew(403, &garbage, signed_at));
}

}  // namespace
}  // namespace csv2ddb::aws
