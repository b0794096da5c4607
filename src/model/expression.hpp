// DynamoDB's expression languages as one unit, shared by the command line and the function (which
// check and bind a --condition) and the local DynamoDB (which validates and evaluates them):
//
//   parse     text → tree (expression_parser.cpp): condition, key condition and filter
//             expressions, update expressions, projection expressions
//   resolve   #names and :values looked up in the request's ExpressionAttributeNames/Values,
//             with DynamoDB's checks and messages (undefined, unused, reserved words, function
//             arity and operand types, overlapping paths...) (expression_check.cpp)
//   evaluate  a condition against an item (expression_eval.cpp); an update applied to an item
//             (expression_update.cpp)
//
// Errors are ValidationException with DynamoDB's wording, prefixed by the parameter, e.g.
// `Invalid ConditionExpression: Syntax error; token: ")", near: "()"` or
// `Invalid UpdateExpression: An expression attribute value used in expression is not defined;
// attribute value: :v`.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "model/attribute_value.hpp"

namespace csv2ddb::model {

enum class ExpressionKind : std::uint8_t {
  kCondition,     // ConditionExpression
  kKeyCondition,  // KeyConditionExpression (parsed as a condition; Query checks its shape)
  kFilter,        // FilterExpression
  kUpdate,        // UpdateExpression
  kProjection,    // ProjectionExpression
};
// "ConditionExpression", "UpdateExpression", ...: how errors name the parameter.
std::string_view expression_parameter(ExpressionKind kind);

// One step of a document path: an attribute or map key, or a list index.
struct PathElement {
  std::string name;                    // when not an index
  std::optional<std::uint32_t> index;  // [n]
  friend bool operator==(const PathElement&, const PathElement&) = default;
};
using DocumentPath = std::vector<PathElement>;
// "a.b[2]" as DynamoDB's messages write paths: "[a, b, [2]]".
std::string path_text(const DocumentPath& path);

struct Operand {
  enum class Kind : std::uint8_t { kPath, kValue, kFunction, kPlus, kMinus };
  Kind kind = Kind::kPath;
  DocumentPath path;          // kPath
  std::string placeholder;    // kValue: ":name"
  AttributeValue value;       // kValue, once resolved
  std::string function;       // kFunction: size (conditions), if_not_exists, list_append (updates)
  std::vector<Operand> args;  // kFunction, kPlus, kMinus
};

enum class Comparator : std::uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };
std::string_view comparator_text(Comparator comparator);

struct ConditionNode {
  enum class Kind : std::uint8_t { kCompare, kBetween, kIn, kFunction, kAnd, kOr, kNot };
  Kind kind = Kind::kCompare;
  Comparator comparator = Comparator::kEq;  // kCompare
  // kFunction: attribute_exists, attribute_not_exists, attribute_type, begins_with, contains
  std::string function;
  std::vector<Operand> operands;        // kCompare: 2, kBetween: 3, kIn: 2+, kFunction: its args
  std::vector<ConditionNode> children;  // kAnd, kOr: 2; kNot: 1
};

struct UpdateAction {
  enum class Kind : std::uint8_t { kSet, kRemove, kAdd, kDelete };
  Kind kind = Kind::kSet;
  DocumentPath path;
  Operand value;  // kSet: the value (maybe + - or a function); kAdd, kDelete: a :value
};

// The ExpressionAttributeNames and ExpressionAttributeValues of one request, and which of them
// its expressions used. In collecting mode (no maps) every placeholder is accepted and recorded:
// what the command line does with a --condition whose placeholders name the input's columns.
class ExpressionContext {
 public:
  ExpressionContext() : collecting_(true) {}
  ExpressionContext(const std::map<std::string, std::string>* names,
                    const std::map<std::string, AttributeValue>* values)
      : names_(names), values_(values) {}

  bool collecting() const { return collecting_; }
  // nullptr when not defined (and not collecting).
  const std::string* name(const std::string& placeholder);
  const AttributeValue* value(const std::string& placeholder);
  const std::set<std::string>& used_names() const { return used_names_; }
  const std::set<std::string>& used_values() const { return used_values_; }

  // After every expression of the request: names or values given but never used are an error,
  // as DynamoDB has it.
  Status check_all_used() const;

 private:
  bool collecting_ = false;
  const std::map<std::string, std::string>* names_ = nullptr;
  const std::map<std::string, AttributeValue>* values_ = nullptr;
  std::set<std::string> used_names_;
  std::set<std::string> used_values_;
};

// Parse and resolve. `kind` is kCondition, kKeyCondition or kFilter for parse_condition.
Result<ConditionNode> parse_condition(std::string_view text, ExpressionKind kind,
                                      ExpressionContext& context);
Result<std::vector<UpdateAction>> parse_update(std::string_view text, ExpressionContext& context);
Result<std::vector<DocumentPath>> parse_projection(std::string_view text,
                                                   ExpressionContext& context);

// The first element of every document path the condition names (its top-level attributes),
// appended to `heads`: Query refuses a filter on the key.
void condition_path_heads(const ConditionNode& condition, std::vector<std::string>& heads);

// Evaluate.
// The value at `path` in `item`, or nullptr.
const AttributeValue* find_path(const Item& item, const DocumentPath& path);
bool evaluate_condition(const ConditionNode& condition, const Item& item);
// Applies the actions to `item` in place. Errors: ValidationException with DynamoDB's words
// ("The document path provided in the update expression is invalid for update", "An operand in
// the update expression has an incorrect data type", "The provided expression refers to an
// attribute that does not exist in the item").
Status apply_update(const std::vector<UpdateAction>& actions, Item& item);
// The values at `paths` in `item`, as an item of the same shape (ProjectionExpression,
// ReturnValues UPDATED_*): paths that are absent are left out.
Item project(const Item& item, const std::vector<DocumentPath>& paths);

// DynamoDB's reserved words (case-insensitive), which must be written as #names.
bool is_reserved_word(std::string_view word);

}  // namespace csv2ddb::model
