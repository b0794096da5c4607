// RowMapper and parse_typing: every rule of ARCHITECTURE.md "Semantics" and each message.
#include "ingest/row_mapper.hpp"

#include <gtest/gtest.h>

#include "model/dynamodb_json.hpp"
#include "model/number.hpp"

namespace csv2ddb::ingest {
namespace {

using model::AttributeType;
using model::AttributeValue;

model::KeySchema account_offer() {
  return model::parse_key_schema("account:S,offer_id:S").value();
}

RowMapper make_mapper(std::vector<std::string> header, model::KeySchema schema = account_offer(),
                      Typing typing = {}) {
  Result<RowMapper> mapper = RowMapper::create(std::move(header), std::move(schema), typing);
  EXPECT_TRUE(mapper.ok()) << mapper.error().to_string();
  return std::move(mapper.value());
}

csv::Record record(std::vector<std::string_view> fields, std::uint64_t line = 2) {
  csv::Record r;
  r.fields = std::move(fields);
  r.line = line;
  return r;
}

std::string dynamodb_json(const model::Item& item) {
  std::string out;
  model::append_dynamodb_item(out, item);
  return out;
}

// Maps `fields` and returns the item's DynamoDB JSON, or "rejected: <reason>", or "skipped".
std::string map(const RowMapper& mapper, std::vector<std::string_view> fields) {
  model::Item item;
  Rejection rejection;
  switch (mapper.map(record(std::move(fields)), item, rejection)) {
    case RowMapper::Outcome::kItem:
      return dynamodb_json(item);
    case RowMapper::Outcome::kSkipped:
      return "skipped";
    case RowMapper::Outcome::kRejected:
      return "rejected: " + rejection.reason;
  }
  return "?";
}

std::string create_error(std::vector<std::string> header, model::KeySchema schema = account_offer(),
                         Typing typing = {}) {
  Result<RowMapper> mapper = RowMapper::create(std::move(header), std::move(schema), typing);
  return mapper.ok() ? "ok" : mapper.error().to_string();
}

TEST(ParseTyping, Modes) {
  EXPECT_EQ(parse_typing("strings")->mode, Typing::Mode::kStrings);
  EXPECT_EQ(parse_typing("")->mode, Typing::Mode::kStrings);
  EXPECT_EQ(parse_typing("infer")->mode, Typing::Mode::kInfer);
  Result<Typing> spec = parse_typing("price:N, active:bool ,tags:SS,blob:B,gone:NULL");
  ASSERT_TRUE(spec.ok()) << spec.error().to_string();
  EXPECT_EQ(spec->mode, Typing::Mode::kSpec);
  const std::vector<std::pair<std::string, AttributeType>> expected = {
      {"price", AttributeType::kN},
      {"active", AttributeType::kBool},
      {"tags", AttributeType::kSS},
      {"blob", AttributeType::kB},
      {"gone", AttributeType::kNull}};
  EXPECT_EQ(spec->columns, expected);
}

TEST(ParseTyping, Errors) {
  EXPECT_EQ(parse_typing("price").error().to_string(),
            "InvalidTypes: 'price' needs a type, e.g. price:N; or use --types strings or --types "
            "infer");
  EXPECT_EQ(parse_typing("price:X").error().to_string(),
            "InvalidTypes: column 'price' has type 'X'; CSV columns can be S, N, B, BOOL, NULL, "
            "SS, NS or BS");
  EXPECT_EQ(parse_typing("m:M").error().code, "InvalidTypes");
  EXPECT_EQ(parse_typing("a:N,a:S").error().to_string(), "InvalidTypes: column 'a' is typed twice");
  EXPECT_EQ(parse_typing("a:N,,b:S").error().to_string(),
            "InvalidTypes: types 'a:N,,b:S' has an empty entry; expected e.g. "
            "price:N,active:BOOL,tags:SS");
  EXPECT_EQ(parse_typing(":N").error().to_string(), "InvalidTypes: ':N' has an empty column name");
}

TEST(RowMapperHeader, Errors) {
  EXPECT_EQ(create_error({"account", "offer_id", ""}),
            "InvalidHeader: column 3 of the header is empty");
  EXPECT_EQ(create_error({"account", "risk", "offer_id", "x", "risk"}),
            "InvalidHeader: column 5 'risk' duplicates column 2");
  EXPECT_EQ(create_error({"a", "b", "c"}, model::parse_key_schema("a:S,offer_id:S").value()),
            "InvalidHeader: key attribute 'offer_id' is not a column; the header has: a, b, c");
  EXPECT_EQ(create_error({"account", "offer_id", "bad\xff"}),
            "InvalidHeader: column 3 of the header is not valid UTF-8");
  EXPECT_EQ(
      create_error({"account", "offer_id"}, account_offer(), parse_typing("price:N").value()),
      "InvalidTypes: typed column 'price' is not a column; the header has: account, offer_id");
  EXPECT_EQ(create_error({"account", "offer_id"}), "ok");
}

TEST(RowMapper, StringsByDefaultAndEmptyValuesOmitted) {
  const RowMapper mapper = make_mapper({"account", "offer_id", "price", "note"});
  EXPECT_EQ(map(mapper, {"a1", "o1", "12", ""}),
            R"({"account":{"S":"a1"},"offer_id":{"S":"o1"},"price":{"S":"12"}})");
}

TEST(RowMapper, BlankAndAllEmptyRowsAreSkipped) {
  const RowMapper mapper = make_mapper({"account", "offer_id", "price"});
  EXPECT_EQ(map(mapper, {}), "skipped");
  EXPECT_EQ(map(mapper, {""}), "skipped");
  EXPECT_EQ(map(mapper, {"", "", ""}), "skipped");
  EXPECT_EQ(map(mapper, {"", "", "", ""}), "skipped");  // all empty wins over "too many fields"
}

TEST(RowMapper, FieldCountRules) {
  const RowMapper mapper = make_mapper({"account", "offer_id", "b", "c", "d", "e", "f", "g"});
  EXPECT_EQ(map(mapper, {"a", "o", "1", "2", "3", "4", "5", "6", "7"}),
            "rejected: row has 9 fields; the header has 8");
  // Fewer fields: the missing attributes are absent.
  EXPECT_EQ(map(mapper, {"a", "o", "x"}),
            R"({"account":{"S":"a"},"offer_id":{"S":"o"},"b":{"S":"x"}})");
  EXPECT_EQ(map(mapper, {"a"}), "rejected: key attribute 'offer_id' is missing");
}

TEST(RowMapper, KeyRules) {
  const RowMapper mapper = make_mapper({"account", "offer_id", "x"});
  EXPECT_EQ(map(mapper, {"", "o", "x"}), "rejected: key attribute 'account' is empty");
  EXPECT_EQ(map(mapper, {"a", "", "x"}), "rejected: key attribute 'offer_id' is empty");

  const std::string long_hash(2049, 'h');
  EXPECT_EQ(map(mapper, {long_hash, "o"}),
            "rejected: hash key 'account' is 2049 bytes; the limit is 2048");
  const std::string long_range(1025, 'r');
  EXPECT_EQ(map(mapper, {"a", long_range}),
            "rejected: range key 'offer_id' is 1025 bytes; the limit is 1024");
  const std::string max_range(1024, 'r');
  EXPECT_EQ(map(mapper, {"a", max_range}).substr(0, 10), R"({"account")");
}

TEST(RowMapper, KeysAreTypedByTheSchemaInEveryMode) {
  const model::KeySchema schema = model::parse_key_schema("id:N,blob:B").value();
  for (const char* typing : {"strings", "infer", "id:S,blob:S"}) {
    const RowMapper mapper = make_mapper({"id", "blob", "v"}, schema, parse_typing(typing).value());
    EXPECT_EQ(map(mapper, {"007.50", "aGk=", "x"}),
              R"({"id":{"N":"7.5"},"blob":{"B":"aGk="},"v":{"S":"x"}})")
        << typing;
    EXPECT_EQ(map(mapper, {"12x", "aGk="}),
              "rejected: column 'id': " + model::canonical_number("12x").error().message)
        << typing;
    EXPECT_EQ(map(mapper, {"1", "a*b"}),
              "rejected: column 'blob': " + model::base64_decode("a*b").error().message)
        << typing;
  }
}

TEST(RowMapper, InvalidUtf8NamesTheColumnAndByte) {
  const RowMapper mapper = make_mapper({"account", "offer_id", "name"});
  EXPECT_EQ(map(mapper, {"a", "o", "abcd\xff"}),
            "rejected: column 'name' is not valid UTF-8 at byte 4");
  EXPECT_EQ(map(mapper, {"a\xc3", "o"}), "rejected: column 'account' is not valid UTF-8 at byte 1");
  EXPECT_EQ(map(mapper, {"a", "o", "\xed\xa0\x80"}),  // a surrogate
            "rejected: column 'name' is not valid UTF-8 at byte 0");
  EXPECT_EQ(map(mapper, {"a", "o", "h\xc3\xa9llo \xe2\x82\xac"}),
            "{\"account\":{\"S\":\"a\"},\"offer_id\":{\"S\":\"o\"},\"name\":{\"S\":\"h\xc3\xa9llo "
            "\xe2\x82\xac\"}}");
}

TEST(RowMapper, InferIsConservative) {
  const RowMapper mapper =
      make_mapper({"account", "offer_id", "v"}, account_offer(), parse_typing("infer").value());
  auto typed = [&](std::string_view value) {
    return map(mapper, {"a", "o", value})
        .substr(std::string_view(R"({"account":{"S":"a"},"offer_id":{"S":"o"},"v":)").size());
  };
  EXPECT_EQ(typed("12"), R"({"N":"12"}})");
  EXPECT_EQ(typed("-0.5"), R"({"N":"-0.5"}})");
  EXPECT_EQ(typed("true"), R"({"BOOL":true}})");
  EXPECT_EQ(typed("false"), R"({"BOOL":false}})");
  EXPECT_EQ(typed("TRUE"), R"({"S":"TRUE"}})");
  EXPECT_EQ(typed("007"), R"({"S":"007"}})");
  EXPECT_EQ(typed("1.50"), R"({"S":"1.50"}})");
  EXPECT_EQ(typed("1e5"), R"({"S":"1e5"}})");
  EXPECT_EQ(typed("+1"), R"({"S":"+1"}})");
}

TEST(RowMapper, SpecTypes) {
  const RowMapper mapper = make_mapper(
      {"account", "offer_id", "price", "active", "tags", "scores", "blob", "gone", "note"},
      account_offer(),
      parse_typing("price:N,active:BOOL,tags:SS,scores:NS,blob:B,gone:NULL").value());
  EXPECT_EQ(
      map(mapper, {"a", "o", "1e3", "True", "x;y;x;;", "1;01;2", "aGk=", "yes", "n"}),
      R"({"account":{"S":"a"},"offer_id":{"S":"o"},"price":{"N":"1000"},"active":{"BOOL":true},)"
      R"("tags":{"SS":["x","y"]},"scores":{"NS":["1","2"]},"blob":{"B":"aGk="},)"
      R"("gone":{"NULL":true},"note":{"S":"n"}})");
  EXPECT_EQ(map(mapper, {"a", "o", "", "FALSE"}),
            R"({"account":{"S":"a"},"offer_id":{"S":"o"},"active":{"BOOL":false}})");
  // A set cell of separators only has no members: omitted like an empty cell.
  EXPECT_EQ(map(mapper, {"a", "o", "", "", ";;"}), R"({"account":{"S":"a"},"offer_id":{"S":"o"}})");
  EXPECT_EQ(map(mapper, {"a", "o", "12.5.1"}),
            "rejected: column 'price': " + model::canonical_number("12.5.1").error().message);
  EXPECT_EQ(map(mapper, {"a", "o", "1", "yes"}),
            "rejected: column 'active' is 'yes'; BOOL takes true or false");
  EXPECT_EQ(map(mapper, {"a", "o", "1", "true", "t", "1;x"}),
            "rejected: column 'scores': " + model::canonical_number("x").error().message);
  EXPECT_EQ(map(mapper, {"a", "o", "1", "true", "t", "1", "!!"}),
            "rejected: column 'blob': " + model::base64_decode("!!").error().message);
}

TEST(RowMapper, ItemOver400KBIsRejectedWithItsSize) {
  const RowMapper mapper = make_mapper({"account", "offer_id", "big"});
  const std::string big(400 * 1024, 'x');
  // 7 + 1 ("account" + "a") + 8 + 1 ("offer_id" + "o") + 3 + 409600 ("big" + value)
  EXPECT_EQ(map(mapper, {"a", "o", big}), "rejected: item is 409620 bytes; the limit is 409600");
  const std::string fits(400 * 1024 - 20, 'x');
  EXPECT_EQ(map(mapper, {"a", "o", fits}).substr(0, 2), "{\"");
}

TEST(RowMapper, ReaderErrorsAreRejectedWithTheReadersMessage) {
  const RowMapper mapper = make_mapper({"account", "offer_id"});
  csv::Record r = record({"a", "o\nmore"}, 7);
  r.error = csv::RecordErrorKind::kUnterminatedQuote;
  r.error_message = "unterminated quoted field starting at line 7";
  model::Item item;
  Rejection rejection;
  ASSERT_EQ(mapper.map(r, item, rejection), RowMapper::Outcome::kRejected);
  EXPECT_EQ(rejection.line, 7u);
  EXPECT_EQ(rejection.reason, "unterminated quoted field starting at line 7");
  EXPECT_EQ(rejection.fields, (std::vector<std::string>{"a", "o\nmore"}));

  csv::Record too_large = record({}, 9);
  too_large.error = csv::RecordErrorKind::kRecordTooLarge;
  too_large.error_message = "record exceeds 4194304 bytes";
  ASSERT_EQ(mapper.map(too_large, item, rejection), RowMapper::Outcome::kRejected);
  EXPECT_EQ(rejection.reason, "record exceeds 4194304 bytes");
  EXPECT_TRUE(rejection.fields.empty());
}

TEST(RowMapper, RejectionFieldsAreCappedAndValidUtf8) {
  const RowMapper mapper = make_mapper({"account", "offer_id"});
  const std::string huge(1024 * 1024, 'z');
  model::Item item;
  Rejection rejection;
  ASSERT_EQ(mapper.map(record({"", huge, "bad\xff"}, 3), item, rejection),
            RowMapper::Outcome::kRejected);
  EXPECT_EQ(rejection.reason, "row has 3 fields; the header has 2");
  ASSERT_EQ(rejection.fields.size(), 3u);
  EXPECT_EQ(rejection.fields[0], "");
  EXPECT_EQ(rejection.fields[1], std::string(1024, 'z') + "\xE2\x80\xA6");
  EXPECT_EQ(rejection.fields[2], "bad\xEF\xBF\xBD");
}

TEST(RowMapper, ItemStorageIsReusedAcrossRows) {
  const RowMapper mapper = make_mapper({"account", "offer_id", "a", "b"});
  model::Item item;
  Rejection rejection;
  ASSERT_EQ(mapper.map(record({"x", "y", "1", "2"}), item, rejection), RowMapper::Outcome::kItem);
  ASSERT_EQ(mapper.map(record({"x", "y", "", "3"}), item, rejection), RowMapper::Outcome::kItem);
  EXPECT_EQ(dynamodb_json(item), R"({"account":{"S":"x"},"offer_id":{"S":"y"},"b":{"S":"3"}})");
}

}  // namespace
}  // namespace csv2ddb::ingest
