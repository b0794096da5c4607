// Request validation in DynamoDB's order and words (dynalite is the oracle the conformance
// test compares against):
//  1. JSON types of the known fields: SerializationException ("STRING_VALUE cannot be
//     converted to Integer", "Start of structure or map found where not expected", ...);
//  2. required parameters and table names: ValidationException, one message, at once;
//  3. constraints (not null, lengths, enums, patterns) collected, at most 10, into
//     "2 validation errors detected: Value 'x' at 'tableName' failed to satisfy constraint:
//     Member must ...; Value ...";
//  4. the operation's own checks (attribute values, sizes, keys), first failure wins.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "model/json.hpp"

namespace csv2ddb::local::dynamodb {

Error validation_error(std::string message);
Error serialization_error(std::string message);

// Step 1: the JSON kind DynamoDB's deserializer expects. A missing (or null) field passes.
enum class FieldKind : std::uint8_t { kString, kInteger, kLong, kBoolean, kList, kMap, kStruct };
Status check_kind(const model::JsonValue* value, FieldKind kind);
// Checks several top-level fields of `request` at once, in order.
struct FieldSpec {
  std::string_view name;
  FieldKind kind;
};
Status check_kinds(const model::JsonValue& request, std::initializer_list<FieldSpec> fields);

// Step 2: TableName present and 3 to 255 characters long.
Status check_table_name_required(const model::JsonValue& request);

// Step 3.
class ConstraintErrors {
 public:
  // `path` as DynamoDB writes it: "tableName", "keySchema.1.member.keyType".
  void require(bool ok, const model::JsonValue* value, std::string_view path,
               std::string_view constraint);
  void not_null(const model::JsonValue* value, std::string_view path);
  void table_name_pattern(const model::JsonValue* value, std::string_view path);
  void enum_of(const model::JsonValue* value, std::string_view path,
               std::initializer_list<std::string_view> allowed);
  void length_between(const model::JsonValue* value, std::string_view path, std::size_t min,
                      std::size_t max);
  void at_least(const model::JsonValue* value, std::string_view path, std::int64_t min);
  void at_most(const model::JsonValue* value, std::string_view path, std::int64_t max);
  Status result() const;

 private:
  std::vector<std::string> errors_;
};

// dynalite's (and DynamoDB's) rendering of a value inside those messages.
std::string constraint_value_text(const model::JsonValue* value);
// The length DynamoDB counts: characters of a string, members of a list or map.
std::size_t json_length(const model::JsonValue& value);
bool is_table_name(std::string_view name);
// The number in a JSON number or numeric field; 0 when absent.
std::int64_t json_integer(const model::JsonValue* value);
// "TRUE"/"yes"/"1" count as true, as DynamoDB's deserializer takes them for booleans.
bool json_boolean(const model::JsonValue* value);

}  // namespace csv2ddb::local::dynamodb
