// DynamoDB's data model: attribute values of every type, items, and key schemas.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.hpp"

namespace csv2ddb::model {

enum class AttributeType : std::uint8_t { kS, kN, kB, kBool, kNull, kM, kL, kSS, kNS, kBS };

// "S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS": the wire names.
std::string_view type_name(AttributeType type);
std::optional<AttributeType> parse_type_name(std::string_view name);

struct AttributeValue;
using AttributeMap = std::vector<std::pair<std::string, AttributeValue>>;

// One attribute value. Which members are meaningful depends on `type`:
//   kS: text (valid UTF-8)           kN: text (canonical number, see number.hpp)
//   kB: text (raw bytes, not base64) kBool: boolean          kNull: nothing
//   kSS/kNS/kBS: set (distinct members, same conventions as S/N/B)
//   kL: list                          kM: map (attribute order preserved)
struct AttributeValue {
  AttributeType type = AttributeType::kNull;
  bool boolean = false;
  std::string text;
  std::vector<std::string> set;
  std::vector<AttributeValue> list;
  AttributeMap map;

  static AttributeValue string(std::string s);
  static AttributeValue number(std::string canonical);  // caller has validated it
  static AttributeValue binary(std::string bytes);
  static AttributeValue boolean_value(bool b);
  static AttributeValue null();

  friend bool operator==(const AttributeValue&, const AttributeValue&) = default;
};

struct Attribute {
  std::string name;
  AttributeValue value;
  friend bool operator==(const Attribute&, const Attribute&) = default;
};

// An item: attributes in the order they were added (for CSV rows: column order).
struct Item {
  std::vector<Attribute> attributes;

  const AttributeValue* find(std::string_view name) const;
  friend bool operator==(const Item&, const Item&) = default;
};

struct KeyAttribute {
  std::string name;
  AttributeType type = AttributeType::kS;  // only kS, kN or kB are valid key types
};

struct KeySchema {
  KeyAttribute hash;
  std::optional<KeyAttribute> range;
};

// Parses "account:S,offer_id:S" (what --key takes). Types default to S when omitted; spaces
// around names and types are ignored. At most two attributes, types S, N or B only; errors have
// code "InvalidKeySchema".
Result<KeySchema> parse_key_schema(std::string_view text);

inline constexpr std::size_t kMaxItemBytes = std::size_t{400} * 1024;
inline constexpr std::size_t kMaxHashKeyBytes = 2048;
inline constexpr std::size_t kMaxRangeKeyBytes = 1024;

// Checks that the item has the key attributes with the schema's types and within the size
// limits. The error message names the attribute, e.g.
// "key attribute 'account' is missing", "range key 'offer_id' is 1500 bytes; the limit is 1024".
// Error codes: "MissingKey", "KeyTypeMismatch", "EmptyKey" (DynamoDB refuses empty S/B keys),
// "KeyTooLarge" (S and B keys by their bytes; an N key is at most 38 digits and always fits).
Status validate_key(const Item& item, const KeySchema& schema);

// A byte string that is equal for two items exactly when DynamoDB would treat them as the same
// primary key (numbers compared by value). Used to keep one key out of a batch twice.
// Form: per key attribute, type name, ':', byte length, ':', bytes (N canonicalised), e.g.
// "S:8:12345678N:12:123456789012"; an absent attribute is "-".
std::string key_fingerprint(const Item& item, const KeySchema& schema);
// The same, appended to `out` (for callers that build it into a buffer of their own).
void append_key_fingerprint(std::string& out, const Item& item, const KeySchema& schema);
// How many bytes at the front of a key fingerprint are the hash key's part: the fingerprint of
// the partition alone, without computing it again.
std::size_t hash_part_bytes(std::string_view fingerprint);

}  // namespace csv2ddb::model
