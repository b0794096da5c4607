// A small JSON toolkit shared by every layer: a DOM for requests and events, a parser that
// validates UTF-8 and reports the byte offset of errors, and an appending writer with
// correct escaping. Hot paths use JsonWriter directly rather than building a DOM.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.hpp"

namespace csv2ddb::model {

class JsonValue {
 public:
  enum class Kind : std::uint8_t { kNull, kBool, kNumber, kString, kArray, kObject };
  using Array = std::vector<JsonValue>;
  using Object = std::vector<std::pair<std::string, JsonValue>>;  // document order kept

  JsonValue() = default;
  static JsonValue null() { return {}; }
  static JsonValue boolean(bool b);
  static JsonValue number_text(std::string text);  // numbers keep their exact text
  static JsonValue string(std::string s);
  static JsonValue array(Array items = {});
  static JsonValue object(Object members = {});

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool is_bool() const { return kind_ == Kind::kBool; }
  bool is_number() const { return kind_ == Kind::kNumber; }
  bool is_string() const { return kind_ == Kind::kString; }
  bool is_array() const { return kind_ == Kind::kArray; }
  bool is_object() const { return kind_ == Kind::kObject; }

  bool as_bool() const { return bool_; }
  const std::string& as_string() const { return text_; }  // string value or number text
  const Array& as_array() const { return array_; }
  Array& as_array() { return array_; }
  const Object& as_object() const { return object_; }
  Object& as_object() { return object_; }

  // Member lookup on objects (first match); nullptr when absent or not an object.
  const JsonValue* find(std::string_view key) const;
  // Appends a member (objects) or element (arrays) and returns a reference to it. A null value
  // becomes an empty object (set) or array (push) first, so documents can be built from {}.
  JsonValue& set(std::string key, JsonValue value);
  JsonValue& push(JsonValue value);

  friend bool operator==(const JsonValue&, const JsonValue&) = default;

 private:
  Kind kind_ = Kind::kNull;
  bool bool_ = false;
  std::string text_;
  Array array_;
  Object object_;
};

struct JsonParseOptions {
  std::size_t max_depth = 64;
};

// Parses one JSON document (RFC 8259; surrounding whitespace allowed). Errors have code
// "InvalidJson" and a message with the byte offset, e.g. "unexpected '}' at byte 17".
// Strings must be valid UTF-8 and \u escapes well-formed surrogate pairs.
Result<JsonValue> parse_json(std::string_view text, JsonParseOptions options = {});

// Appends JSON text to a string. Escapes ", \, control characters (\n \r \t \b \f, others as
// \u00XX); everything else, including non-ASCII UTF-8, is written as is.
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}
  void string(std::string_view s);  // a quoted, escaped string
  void raw(std::string_view text) { out_.append(text); }
  void ch(char c) { out_.push_back(c); }
  void value(const JsonValue& v);  // a whole DOM value, compact
  std::string& out() { return out_; }

 private:
  std::string& out_;
};

std::string to_json(const JsonValue& value);
void append_json_string(std::string& out, std::string_view s);

// True when `bytes` is well-formed UTF-8 (no overlongs, no surrogates, max U+10FFFF).
bool is_valid_utf8(std::string_view bytes);
// Offset (0-based) of the first byte that does not start or continue a well-formed sequence;
// nullopt when `bytes` is valid. ASCII runs are skipped 8 bytes at a time.
std::optional<std::size_t> first_invalid_utf8(std::string_view bytes);
// A copy for display that is always valid UTF-8: each invalid byte becomes U+FFFD, and text
// longer than `max_bytes` is cut at a character boundary and ends with "…" (so a 1 MB field
// does not bloat a rejected/ file).
std::string displayable_utf8(std::string_view bytes, std::size_t max_bytes);

}  // namespace csv2ddb::model
