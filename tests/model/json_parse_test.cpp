// parse_json: the DOM it builds, escapes, and errors with their byte offsets.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/json.hpp"

namespace csv2ddb::model {
namespace {

JsonValue parse_ok(std::string_view text) {
  Result<JsonValue> result = parse_json(text);
  EXPECT_TRUE(result.ok()) << text << ": " << (result.ok() ? "" : result.error().message);
  return result.ok() ? *result : JsonValue();
}

std::string parse_error(std::string_view text, JsonParseOptions options = {}) {
  Result<JsonValue> result = parse_json(text, options);
  if (result.ok()) return "(parsed)";
  EXPECT_EQ(result.error().code, "InvalidJson");
  return result.error().message;
}

TEST(ParseJson, Scalars) {
  EXPECT_EQ(parse_ok("null"), JsonValue::null());
  EXPECT_EQ(parse_ok("true"), JsonValue::boolean(true));
  EXPECT_EQ(parse_ok(" false "), JsonValue::boolean(false));
  EXPECT_EQ(parse_ok("\"hi\""), JsonValue::string("hi"));
  EXPECT_EQ(parse_ok("\"\""), JsonValue::string(""));
  // Numbers keep their exact text: no rounding through double.
  EXPECT_EQ(parse_ok("12345678901234567890123456789"),
            JsonValue::number_text("12345678901234567890123456789"));
  EXPECT_EQ(parse_ok("-1.50e+3"), JsonValue::number_text("-1.50e+3"));
  EXPECT_EQ(parse_ok("0"), JsonValue::number_text("0"));
  EXPECT_EQ(parse_ok("-0.0E-0"), JsonValue::number_text("-0.0E-0"));
}

TEST(ParseJson, NestedDocumentKeepsMemberOrder) {
  const JsonValue value =
      parse_ok(" {\"z\" : [1, {\"a\":null}, []], \"a\":{}, \"m\":\"x\",\"z\":2}\r\n\t");
  ASSERT_TRUE(value.is_object());
  const JsonValue::Object& members = value.as_object();
  ASSERT_EQ(members.size(), 4u);
  EXPECT_EQ(members[0].first, "z");
  EXPECT_EQ(members[1].first, "a");
  EXPECT_EQ(members[2].first, "m");
  EXPECT_EQ(members[3].first, "z");
  const JsonValue* z = value.find("z");  // the first of a duplicated name
  ASSERT_NE(z, nullptr);
  ASSERT_TRUE(z->is_array());
  ASSERT_EQ(z->as_array().size(), 3u);
  EXPECT_EQ(z->as_array()[0], JsonValue::number_text("1"));
  EXPECT_TRUE(z->as_array()[1].find("a")->is_null());
  EXPECT_TRUE(z->as_array()[2].as_array().empty());
  EXPECT_EQ(value.find("missing"), nullptr);
  EXPECT_EQ(z->find("a"), nullptr);  // not an object
}

TEST(ParseJson, Escapes) {
  EXPECT_EQ(parse_ok(R"("\"\\\/\b\f\n\r\t")").as_string(), "\"\\/\b\f\n\r\t");
  EXPECT_EQ(parse_ok(R"("\u0041\u00e9\u20AC")").as_string(), "A\xC3\xA9\xE2\x82\xAC");
  EXPECT_EQ(parse_ok(R"("a\u0000b")").as_string(), std::string("a\0b", 3));
  // A surrogate pair becomes one four-byte UTF-8 sequence.
  EXPECT_EQ(parse_ok(R"("\ud83d\ude00")").as_string(), "\xF0\x9F\x98\x80");
  EXPECT_EQ(parse_ok(R"("\uDBFF\uDFFF")").as_string(), "\xF4\x8F\xBF\xBF");
  EXPECT_EQ(parse_ok(R"("x\uD800\uDC00y")").as_string(), "x\xF0\x90\x80\x80y");
  // Raw UTF-8 passes through.
  EXPECT_EQ(parse_ok("\"\xC3\xA9\xF0\x9F\x98\x80\"").as_string(), "\xC3\xA9\xF0\x9F\x98\x80");
}

TEST(ParseJson, ErrorsNameTheByteOffset) {
  struct Case {
    std::string text;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"{\"a\":1,}", "unexpected '}' at byte 7"},
      {"[1,2", "unexpected end of input at byte 4"},
      {"", "unexpected end of input at byte 0"},
      {"  ", "unexpected end of input at byte 2"},
      {"{\"a\" 1}", "unexpected '1' at byte 5"},
      {"{a:1}", "unexpected 'a' at byte 1"},
      {"[1 2]", "unexpected '2' at byte 3"},
      {"[1,]", "unexpected ']' at byte 3"},
      {"{} x", "unexpected 'x' at byte 3"},
      {"{\"a\":1}{", "unexpected '{' at byte 7"},
      {"tru", "unexpected end of input at byte 3"},
      {"trux", "unexpected 'x' at byte 3"},
      {"nul", "unexpected end of input at byte 3"},
      {"NaN", "unexpected 'N' at byte 0"},
      {"Infinity", "unexpected 'I' at byte 0"},
      {"+1", "unexpected '+' at byte 0"},
      {"\xFF", "unexpected byte 0xFF at byte 0"},
      {"[01]", "invalid number (leading zero) at byte 1"},
      {"[-01]", "invalid number (leading zero) at byte 1"},
      {"[1.]", "invalid number (no digits after '.') at byte 1"},
      {"[.5]", "unexpected '.' at byte 1"},
      {"-", "invalid number (no digits) at byte 0"},
      {"-a", "invalid number (no digits) at byte 0"},
      {"1e", "invalid number (no digits in exponent) at byte 0"},
      {"1e+", "invalid number (no digits in exponent) at byte 0"},
      {"\"abc", "unterminated string at byte 4"},
      {"[\"a\\qb\"]", "invalid escape '\\q' at byte 3"},
      {"\"\\", "unexpected end of input at byte 2"},
      {"\"\\ud800\"", "unpaired high surrogate in \\u escape at byte 1"},
      {"\"\\ud800\\u0041\"", "unpaired high surrogate in \\u escape at byte 1"},
      {"\"\\ud800x\"", "unpaired high surrogate in \\u escape at byte 1"},
      {"\"\\udc00\"", "unpaired low surrogate in \\u escape at byte 1"},
      {"\"ab\\uDFFF\"", "unpaired low surrogate in \\u escape at byte 3"},
      {"\"\\u12g4\"", "invalid \\u escape at byte 1"},
      {"\"\\u12\"", "truncated \\u escape at byte 1"},
      {"\"\\ud800\\u12\"", "truncated \\u escape at byte 7"},
      {"\"a\nb\"", "unescaped control character byte 0x0A in string at byte 2"},
      {"\"a\tb\"", "unescaped control character byte 0x09 in string at byte 2"},
      {"\"\xC3\x28\"", "invalid UTF-8 in string at byte 1"},
      {"\"ok\xED\xA0\x80\"", "invalid UTF-8 in string at byte 3"},
      {"\"\xC0\x80\"", "invalid UTF-8 in string at byte 1"},
      {"\"\xF4\x90\x80\x80\"", "invalid UTF-8 in string at byte 1"},
      {"\"\xE2\x82\"", "invalid UTF-8 in string at byte 1"},
      {"{\"\xFF\":1}", "invalid UTF-8 in string at byte 2"},
      {"'a'", "unexpected ''' at byte 0"},
  };
  for (const Case& c : cases) EXPECT_EQ(parse_error(c.text), c.message) << c.text;
}

TEST(ParseJson, DepthLimit) {
  const std::string deepest_allowed = std::string(64, '[') + std::string(64, ']');
  EXPECT_TRUE(parse_json(deepest_allowed).ok());
  const std::string too_deep = std::string(65, '[') + std::string(65, ']');
  EXPECT_EQ(parse_error(too_deep), "nesting deeper than 64 levels at byte 64");

  JsonParseOptions shallow;
  shallow.max_depth = 2;
  EXPECT_TRUE(parse_json("[{\"a\":1}]", shallow).ok());
  EXPECT_EQ(parse_error("[{\"a\":[]}]", shallow), "nesting deeper than 2 levels at byte 6");
  // Far deeper than the stack could take if the limit were not checked before recursing.
  EXPECT_EQ(parse_error(std::string(100000, '[')), "nesting deeper than 64 levels at byte 64");
}

TEST(JsonValue, BuildsFromDefault) {
  JsonValue object;
  object.set("a", JsonValue()).set("inner", JsonValue::boolean(true));
  EXPECT_TRUE(object.is_object());
  EXPECT_EQ(object.find("a")->find("inner")->as_bool(), true);

  JsonValue array;
  array.push(JsonValue::number_text("1"));
  array.push(JsonValue::null());
  EXPECT_TRUE(array.is_array());
  EXPECT_EQ(array.as_array().size(), 2u);
}

}  // namespace
}  // namespace csv2ddb::model
