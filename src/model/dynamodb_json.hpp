// DynamoDB JSON ({"name":{"S":"x"}}) and plain JSON ({"name":"x"}) for items.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "model/attribute_value.hpp"
#include "model/json.hpp"

namespace csv2ddb::model {

// Appends {"a":{"S":"..."},"n":{"N":"12"},"b":{"B":"<base64>"},...}. Compact, column order.
void append_dynamodb_item(std::string& out, const Item& item);
void append_dynamodb_value(std::string& out, const AttributeValue& value);

// Items encoded one by one (append_dynamodb_item), with a view of each: what the calls that
// take items as DynamoDB JSON want (DynamoDbClient::batch_write_json).
class EncodedItems {
 public:
  explicit EncodedItems(const std::vector<Item>& items);
  std::span<const std::string_view> views() const { return views_; }

 private:
  std::vector<std::string> json_;
  std::vector<std::string_view> views_;
};

// Appends the plain JSON form used by the JSON copy and unprocessed files, as the reference
// design writes them: S as a string, N as a JSON number (its canonical text), B as a base64
// string, BOOL as true/false, NULL as null, sets and lists as arrays, maps as objects.
void append_plain_item(std::string& out, const Item& item);

// Decodes a DynamoDB JSON item / value with DynamoDB's validation: exactly one type per value,
// numbers validated and canonicalised, base64 decoded, sets non-empty and without duplicates
// (NS members compared as numbers), no empty SS/BS members, NULL only as true, no attribute
// name twice in one object. Empty S and B are accepted (DynamoDB allows them outside keys;
// validate_key checks keys). Error code "ValidationException"; the message is DynamoDB's own
// wording where known, followed by the attribute path, e.g.
// "Input collection contains duplicates (attribute 'prices')" or "... (attribute 'doc.lines[1]')".
Result<Item> decode_dynamodb_item(const JsonValue& object);
Result<AttributeValue> decode_dynamodb_value(const JsonValue& value);
// The item that append_dynamodb_item wrote as `json`, exactly as it was: shapes are checked, but
// not DynamoDB's rules, and numbers keep their text (the engine's own encodings, which must come
// back as they went in even when DynamoDB is about to refuse them).
Result<Item> decode_encoded_item(std::string_view json);
JsonValue to_dynamodb_json(const Item& item);

// Decodes a plain JSON object into an item, typing values the way the JSON copy encodes them
// (strings -> S, numbers -> N, booleans -> BOOL, null -> NULL, arrays -> L, objects -> M), so
// that an unprocessed/ file can be fed back in. Key attributes are then retyped by the schema
// (a string "12" for an N key becomes N).
Result<Item> decode_plain_item(const JsonValue& object, const KeySchema& schema);

// Standard base64 (RFC 4648, with padding); decode rejects anything else, including whitespace
// and non-zero padding bits, with code "InvalidBase64".
std::string base64_encode(std::string_view bytes);
void append_base64(std::string& out, std::string_view bytes);  // base64_encode, appended
Result<std::string> base64_decode(std::string_view text);

}  // namespace csv2ddb::model
