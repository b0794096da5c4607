// UTF-8 validation: every class of malformed sequence, on and off the eight-byte fast path.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/json.hpp"

namespace csv2ddb::model {
namespace {

TEST(IsValidUtf8, AcceptsWellFormedText) {
  const std::vector<std::string> valid = {
      "",
      "ascii only",
      "\xC3\xA9",                      // é U+00E9
      "\xE2\x82\xAC",                  // € U+20AC
      "\xF0\x9F\x98\x80",              // 😀 U+1F600
      "\xF4\x8F\xBF\xBF",              // U+10FFFF, the last code point
      "\xED\x9F\xBF",                  // U+D7FF, just below the surrogates
      "\xEE\x80\x80",                  // U+E000, just above them
      "\xC2\x80",                      // U+0080, the first two-byte form
      "\xE0\xA0\x80",                  // U+0800, the first three-byte form
      "\xF0\x90\x80\x80",              // U+10000, the first four-byte form
      std::string("nul\0inside", 10),  // U+0000 is valid UTF-8
      "abcdefg\xC3\xA9xyzabcdefgh",    // multibyte across the 8-byte boundary
      "abcdefghijklmnopqrstuvwxyz\xF0\x9F\x98\x80",
  };
  for (const std::string& text : valid) EXPECT_TRUE(is_valid_utf8(text)) << text;
}

TEST(IsValidUtf8, RejectsMalformedSequences) {
  const std::vector<std::string> invalid = {
      "\x80",  // stray continuation byte
      "\xBF",
      "\xC0\x80",                  // overlong NUL
      "\xC1\xBF",                  // overlong two-byte form
      "\xE0\x80\x80",              // overlong three-byte form
      "\xE0\x9F\xBF",              // overlong U+07FF
      "\xF0\x80\x80\x80",          // overlong four-byte form
      "\xF0\x8F\xBF\xBF",          // overlong U+FFFF
      "\xED\xA0\x80",              // U+D800, a surrogate
      "\xED\xBF\xBF",              // U+DFFF
      "\xED\xA0\xBD\xED\xB8\x80",  // a surrogate pair spelled in UTF-8 (CESU-8)
      "\xF4\x90\x80\x80",          // U+110000, above the last code point
      "\xF5\x80\x80\x80",
      "\xF8\x88\x80\x80\x80",  // five-byte form
      "\xFE",
      "\xFF",
      "\xC3",          // truncated two-byte sequence
      "\xE2\x82",      // truncated three-byte sequence
      "\xF0\x9F\x98",  // truncated four-byte sequence
      "\xC3\x28",      // bad continuation
      "\xE2\x28\xA1",
      "\xF0\x9F\x28\x80",
      "abcdefgh\xC3",  // truncated after the fast path
      "abcdefghijklmnop\xED\xA0\x80",
      "\xC3\xA9\x80",  // valid then stray continuation
  };
  for (const std::string& text : invalid) EXPECT_FALSE(is_valid_utf8(text)) << text.size();
}

TEST(IsValidUtf8, FindsAnErrorAtEveryPosition) {
  for (std::size_t length = 1; length < 40; ++length) {
    for (std::size_t at = 0; at < length; ++at) {
      std::string text(length, 'a');
      text[at] = '\xFF';
      EXPECT_FALSE(is_valid_utf8(text)) << length << " " << at;
    }
    EXPECT_TRUE(is_valid_utf8(std::string(length, 'a')));
  }
}

}  // namespace
}  // namespace csv2ddb::model

namespace csv2ddb::model {
namespace {

TEST(FirstInvalidUtf8, PointsAtTheFirstBadByteAfterLongAsciiRuns) {
  EXPECT_EQ(first_invalid_utf8("plain ascii text, longer than eight bytes"), std::nullopt);
  EXPECT_EQ(first_invalid_utf8("caf\xc3\xa9"), std::nullopt);
  EXPECT_EQ(first_invalid_utf8("0123456789abcdef\xe9tail"), 16u);
  EXPECT_EQ(first_invalid_utf8("\xed\xa0\x80"), 0u);                  // a surrogate
  EXPECT_EQ(first_invalid_utf8("ok \xf0\x9f\x99\x82 \xc0\xaf"), 8u);  // emoji fine, overlong not
}

TEST(DisplayableUtf8, ReplacesBadBytesAndCutsAtCharacterBoundaries) {
  EXPECT_EQ(displayable_utf8("caf\xe9!", 100), "caf\xef\xbf\xbd!");
  EXPECT_EQ(displayable_utf8("abcdef", 4), "abcd\xe2\x80\xa6");
  // The two-byte é does not fit in the last byte of the budget: cut before it.
  EXPECT_EQ(displayable_utf8("abc\xc3\xa9xyz", 4), "abc\xe2\x80\xa6");
  EXPECT_EQ(displayable_utf8("", 4), "");
}

}  // namespace
}  // namespace csv2ddb::model
