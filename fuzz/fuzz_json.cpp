// libFuzzer target for the JSON parser and the DynamoDB JSON decoder. Besides "no crash, no
// sanitizer report", it checks the round-trip invariants the rest of the system relies on:
//   parse(to_json(v)) == v;  decode(parse(encode(item))) == item;  canonical numbers are
//   fixed points; accepted base64 is the canonical encoding of what it decodes to.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "model/dynamodb_json.hpp"
#include "model/item_size.hpp"
#include "model/json.hpp"
#include "model/number.hpp"

using namespace csv2ddb;
using namespace csv2ddb::model;

namespace {

void check(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "invariant violated: %s\n", what);
    std::abort();
  }
}

void check_item(const Item& item) {
  std::string encoded;
  append_dynamodb_item(encoded, item);
  Result<JsonValue> reparsed = parse_json(encoded);
  check(reparsed.ok(), "append_dynamodb_item writes valid JSON");
  check(*reparsed == to_dynamodb_json(item), "append_dynamodb_item matches to_dynamodb_json");
  Result<Item> decoded = decode_dynamodb_item(*reparsed);
  check(decoded.ok(), "an encoded item decodes");
  check(*decoded == item, "decode(encode(item)) == item");
  (void)item_size(item);

  std::string plain;
  append_plain_item(plain, item);
  Result<JsonValue> plain_json = parse_json(plain);
  check(plain_json.ok(), "append_plain_item writes valid JSON");
  const KeySchema schema{{"k", AttributeType::kN}, KeyAttribute{"r", AttributeType::kB}};
  (void)decode_plain_item(*plain_json, schema);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  if (Result<std::string> number = canonical_number(text); number.ok()) {
    Result<std::string> again = canonical_number(*number);
    check(again.ok() && *again == *number, "canonical numbers are fixed points");
    check(is_plain_number(*number), "canonical numbers are plain numbers");
  }
  if (Result<std::string> bytes = base64_decode(text); bytes.ok()) {
    check(base64_encode(*bytes) == text, "accepted base64 is canonical");
  }
  (void)is_valid_utf8(text);

  Result<JsonValue> parsed = parse_json(text);
  if (!parsed.ok()) return 0;
  const std::string written = to_json(*parsed);
  check(is_valid_utf8(written), "JSON output is valid UTF-8");
  Result<JsonValue> reparsed = parse_json(written);
  check(reparsed.ok(), "to_json writes valid JSON");
  check(*reparsed == *parsed, "parse(to_json(v)) == v");
  check(to_json(*reparsed) == written, "to_json is stable");

  if (Result<Item> item = decode_dynamodb_item(*parsed); item.ok()) check_item(*item);
  if (const JsonValue* inner = parsed->find("Item")) {
    if (Result<Item> item = decode_dynamodb_item(*inner); item.ok()) check_item(*item);
  }
  return 0;
}
