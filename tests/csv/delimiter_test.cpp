// parse_delimiter: the spellings a user may type for --delimiter.
#include <gtest/gtest.h>

#include "csv/reader.hpp"

namespace csv2ddb::csv {
namespace {

TEST(ParseDelimiterTest, AcceptedSpellings) {
  EXPECT_EQ(parse_delimiter(",").value(), ',');
  EXPECT_EQ(parse_delimiter(";").value(), ';');
  EXPECT_EQ(parse_delimiter(":").value(), ':');
  EXPECT_EQ(parse_delimiter("|").value(), '|');
  EXPECT_EQ(parse_delimiter("tab").value(), '\t');
  EXPECT_EQ(parse_delimiter("\\t").value(), '\t');
  EXPECT_EQ(parse_delimiter("\t").value(), '\t');
  EXPECT_EQ(parse_delimiter("space").value(), ' ');
  EXPECT_EQ(parse_delimiter(" ").value(), ' ');
}

TEST(ParseDelimiterTest, RejectsEverythingElse) {
  for (const char* text : {"", "\"", "x", ",,", "TAB", "comma", "\n"}) {
    auto result = parse_delimiter(text);
    ASSERT_FALSE(result.ok()) << text;
    EXPECT_EQ(result.error().code, "InvalidDelimiter");
  }
  EXPECT_EQ(parse_delimiter("#").error().message,
            "unsupported delimiter '#': use one of , ; : | tab (or \\t) space");
}

}  // namespace
}  // namespace csv2ddb::csv
