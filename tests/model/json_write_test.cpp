// JSON output: escaping, compact DOM output, and round trips through the parser.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "model/json.hpp"

namespace csv2ddb::model {
namespace {

std::string escaped(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

// A straightforward escaper to check the word-at-a-time one against.
std::string reference_quoted(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (byte < 0x20) {
          char buffer[8];
          std::snprintf(buffer, sizeof buffer, "\\u%04x", byte);
          out += buffer;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

TEST(AppendJsonString, Escapes) {
  EXPECT_EQ(escaped(""), "\"\"");
  EXPECT_EQ(escaped("plain"), "\"plain\"");
  EXPECT_EQ(escaped("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(escaped("\n\r\t\b\f"), "\"\\n\\r\\t\\b\\f\"");
  EXPECT_EQ(escaped(std::string("\0\x01\x1f", 3)), "\"\\u0000\\u0001\\u001f\"");
  EXPECT_EQ(escaped("\x7f/"), "\"\x7f/\"");  // DEL and slash need no escape
  EXPECT_EQ(escaped("\xC3\xA9\xF0\x9F\x98\x80"), "\"\xC3\xA9\xF0\x9F\x98\x80\"");
  EXPECT_EQ(escaped("a long line of text with a \"quote\" near the end\n"),
            "\"a long line of text with a \\\"quote\\\" near the end\\n\"");
}

TEST(AppendJsonString, AppendsToExistingText) {
  std::string out = "{\"k\":";
  append_json_string(out, "v");
  EXPECT_EQ(out, "{\"k\":\"v\"");
}

TEST(AppendJsonString, EverySpecialByteAtEveryPosition) {
  const std::string specials = std::string("\"\\\n\x01\x1f\0", 6) + "\x80";
  for (std::size_t length = 1; length <= 40; ++length) {
    for (std::size_t at = 0; at < length; ++at) {
      for (const char special : specials) {
        std::string text(length, 'x');
        text[at] = special;
        ASSERT_EQ(escaped(text), reference_quoted(text)) << length << " " << at;
      }
    }
  }
}

TEST(JsonWriter, CompactDomOutput) {
  JsonValue value;
  value.set("s", JsonValue::string("a\"b"));
  value.set("n", JsonValue::number_text("-1.50e3"));
  value.set("t", JsonValue::boolean(true));
  value.set("f", JsonValue::boolean(false));
  value.set("z", JsonValue::null());
  JsonValue& list = value.set("l", JsonValue::array());
  list.push(JsonValue::number_text("1"));
  list.push(JsonValue::object());
  list.push(JsonValue::array());
  EXPECT_EQ(to_json(value),
            "{\"s\":\"a\\\"b\",\"n\":-1.50e3,\"t\":true,\"f\":false,\"z\":null,"
            "\"l\":[1,{},[]]}");

  std::string out;
  JsonWriter writer(out);
  writer.ch('[');
  writer.string("x");
  writer.raw(",2");
  writer.ch(']');
  EXPECT_EQ(writer.out(), "[\"x\",2]");
}

TEST(JsonRoundTrip, ParseOfWriteIsIdentity) {
  JsonValue value;
  value.set("control", JsonValue::string(std::string("\0\x01\x1f\x7f", 4)));
  value.set("quotes", JsonValue::string("\"'\\/"));
  value.set("unicode \xE2\x82\xAC", JsonValue::string("\xC3\xA9\xF0\x9F\x98\x80"));
  value.set("number", JsonValue::number_text("12345678901234567890.5e-3"));
  JsonValue& nested = value.set("nested", JsonValue::array());
  nested.push(JsonValue::array({JsonValue::boolean(false), JsonValue::null()}));
  nested.push(JsonValue::object({{"", JsonValue::string("")}}));
  Result<JsonValue> parsed = parse_json(to_json(value));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(*parsed, value);
}

TEST(JsonRoundTrip, WriteOfParseIsCompactText) {
  const std::string compact =
      "{\"a\":[1,-2.5e10,true,false,null],\"b\":{\"c\":\"\\\"\\\\\\n\\u0001\"},\"e\":\"\xF0\x9F\x98"
      "\x80\"}";
  Result<JsonValue> parsed = parse_json(compact);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(to_json(*parsed), compact);
  // An escaped emoji comes back as raw UTF-8.
  Result<JsonValue> escaped = parse_json(R"(["\ud83d\ude00", "\/"])");
  ASSERT_TRUE(escaped.ok());
  EXPECT_EQ(to_json(*escaped), "[\"\xF0\x9F\x98\x80\",\"/\"]");
}

}  // namespace
}  // namespace csv2ddb::model
