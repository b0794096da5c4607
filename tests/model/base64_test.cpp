// Base64: RFC 4648 vectors, every byte value, and the strict decoder's refusals.
#include <gtest/gtest.h>

#include <string>

#include "model/dynamodb_json.hpp"

namespace csv2ddb::model {
namespace {

TEST(Base64, Rfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base64_encode(plain), encoded);
    Result<std::string> decoded = base64_decode(encoded);
    ASSERT_TRUE(decoded.ok()) << encoded;
    EXPECT_EQ(*decoded, plain);
  }
}

TEST(Base64, EveryByteValueRoundTrips) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (std::size_t length = 0; length <= all.size(); length += 1) {
    const std::string bytes = all.substr(256 - length);
    Result<std::string> decoded = base64_decode(base64_encode(bytes));
    ASSERT_TRUE(decoded.ok()) << length;
    ASSERT_EQ(*decoded, bytes);
  }
  EXPECT_EQ(base64_encode(std::string("\0\1\xff", 3)), "AAH/");
  EXPECT_EQ(base64_encode("\xfb\xff"), "+/8=");
}

TEST(Base64, AppendKeepsExistingText) {
  std::string out = "B:";
  append_base64(out, "foo");
  append_base64(out, "f");
  EXPECT_EQ(out, "B:Zm9vZg==");
}

TEST(Base64, DecodeRejectsNonCanonicalText) {
  struct Case {
    std::string text;
    std::string message;
  };
  const Case cases[] = {
      {"Zg=", "base64 length 3 is not a multiple of 4"},
      {"Zm 9v", "base64 length 5 is not a multiple of 4"},
      {"Zh==",
       "base64 text 'Zh==' ends in non-zero padding bits; it is not the canonical "
       "encoding"},
      {"Zm9=",
       "base64 text 'Zm9=' ends in non-zero padding bits; it is not the canonical "
       "encoding"},
      {"Z===", "invalid base64 character '=' at offset 1"},
      {"====", "invalid base64 character '=' at offset 0"},
      {"Zm9v!A==", "invalid base64 character '!' at offset 4"},
      {"Zm9vYg=a", "invalid base64 character '=' at offset 6"},
      {"Zg==Zg==", "invalid base64 character '=' at offset 2"},
      {"ab-_", "invalid base64 character '-' at offset 2"},  // URL-safe alphabet
      {"Zm9v\nZm9v", "base64 length 9 is not a multiple of 4"},
      {"Zm9\n", "invalid base64 character byte 10 at offset 3"},
      {"\xC3\xA9"
       "AA",
       "invalid base64 character byte 195 at offset 0"},
  };
  for (const Case& c : cases) {
    Result<std::string> decoded = base64_decode(c.text);
    ASSERT_FALSE(decoded.ok()) << c.text;
    EXPECT_EQ(decoded.error().code, "InvalidBase64");
    EXPECT_EQ(decoded.error().message, c.message) << c.text;
  }
}

}  // namespace
}  // namespace csv2ddb::model
