// What DynamoDB checks in an expression that parsed, in the order it reports them, and the
// resolution of #names and :values. Each kind of problem keeps its first occurrence; the one
// reported is the first kind in DynamoDB's order (as dynalite, whose messages these are, orders
// them).
#include <algorithm>
#include <array>
#include <optional>

#include "model/expression.hpp"
#include "model/expression_parser.hpp"
#include "model/number_arithmetic.hpp"

namespace csv2ddb::model {
namespace {

using expression_detail::ParseNotes;

enum Problem : std::size_t {
  kRedundantParens,
  kUnknownFunction,
  kMisusedFunction,
  kReserved,
  kSection,
  kUndefined,
  kPathOverlap,
  kPathConflict,
  kOperandCount,
  kDistinct,
  kOperandType,
  kProblemCount,
};

// The order DynamoDB reports problems in, per kind of expression.
constexpr std::array kConditionOrder{kRedundantParens, kUnknownFunction, kMisusedFunction,
                                     kReserved,        kUndefined,       kOperandCount,
                                     kDistinct,        kOperandType};
constexpr std::array kUpdateOrder{kReserved,    kUnknownFunction, kSection,     kUndefined,
                                  kPathOverlap, kPathConflict,    kOperandType, kOperandCount};
constexpr std::array kProjectionOrder{kReserved, kUndefined, kPathOverlap, kPathConflict};

std::string_view type_word(AttributeType type) {
  switch (type) {
    case AttributeType::kS:
      return "STRING";
    case AttributeType::kN:
      return "NUMBER";
    case AttributeType::kB:
      return "BINARY";
    case AttributeType::kNull:
      return "NULL";
    case AttributeType::kBool:
      return "BOOLEAN";
    case AttributeType::kL:
      return "LIST";
    case AttributeType::kM:
      return "MAP";
    default:
      return type_name(type);
  }
}

class Checker {
 public:
  explicit Checker(ExpressionContext& context) : context_(context) {}

  void note(Problem problem, std::string message) {
    if (!problems_[problem]) problems_[problem] = std::move(message);
  }

  template <std::size_t N>
  Status verdict(ExpressionKind kind, const std::array<Problem, N>& order) const {
    for (Problem problem : order) {
      if (problems_[problem]) {
        return make_error(
            "ValidationException",
            "Invalid " + std::string(expression_parameter(kind)) + ": " + *problems_[problem]);
      }
    }
    return {};
  }

  // ---- names, values, paths ----

  void resolve_path(DocumentPath& path) {
    for (PathElement& element : path) {
      if (element.index) continue;
      if (element.name.starts_with('#')) {
        const std::string* name = context_.name(element.name);
        if (name == nullptr) {
          note(kUndefined,
               "An expression attribute name used in the document path is not defined; "
               "attribute name: " +
                   element.name);
          continue;
        }
        if (!context_.collecting()) element.name = *name;
      } else if (is_reserved_word(element.name)) {
        note(kReserved, "Attribute name is a reserved keyword; reserved keyword: " + element.name);
      }
    }
  }

  void resolve_value(Operand& operand) {
    const AttributeValue* value = context_.value(operand.placeholder);
    if (value == nullptr) {
      note(kUndefined,
           "An expression attribute value used in expression is not defined; attribute value: " +
               operand.placeholder);
      return;
    }
    if (!context_.collecting()) operand.value = *value;
    resolved_.push_back(&operand);
  }

  // The type of an operand when it is known before evaluation (a :value, size()).
  std::optional<AttributeType> known_type(const Operand& operand) const {
    if (operand.kind == Operand::Kind::kValue && !context_.collecting() &&
        std::find(resolved_.begin(), resolved_.end(), &operand) != resolved_.end()) {
      return operand.value.type;
    }
    if (operand.kind == Operand::Kind::kFunction && operand.function == "size") {
      return AttributeType::kN;
    }
    return std::nullopt;
  }

  // ---- conditions ----

  void condition(ConditionNode& node) {
    switch (node.kind) {
      case ConditionNode::Kind::kAnd:
      case ConditionNode::Kind::kOr:
      case ConditionNode::Kind::kNot:
        for (ConditionNode& child : node.children) condition(child);
        return;
      case ConditionNode::Kind::kFunction:
        condition_function(node);
        return;
      case ConditionNode::Kind::kCompare:
      case ConditionNode::Kind::kBetween:
      case ConditionNode::Kind::kIn:
        for (Operand& operand : node.operands) condition_operand(operand);
        if (node.kind == ConditionNode::Kind::kCompare) {
          distinct(comparator_text(node.comparator), node.operands);
        }
        if (node.kind == ConditionNode::Kind::kBetween) between(node);
        return;
    }
  }

  void condition_operand(Operand& operand) {
    switch (operand.kind) {
      case Operand::Kind::kPath:
        resolve_path(operand.path);
        return;
      case Operand::Kind::kValue:
        resolve_value(operand);
        return;
      case Operand::Kind::kFunction:
        if (operand.function != "size") {
          if (is_condition_function(operand.function)) {
            note(kMisusedFunction,
                 "The function is not allowed to be used this way in an expression; function: " +
                     operand.function);
          } else {
            note(kUnknownFunction, "Invalid function name; function: " + operand.function);
          }
        }
        for (Operand& argument : operand.args) condition_operand(argument);
        if (operand.function == "size") size_function(operand);
        return;
      case Operand::Kind::kPlus:
      case Operand::Kind::kMinus:
        return;  // not in conditions: the parser never makes these there
    }
  }

  static bool is_condition_function(const std::string& name) {
    return name == "attribute_exists" || name == "attribute_not_exists" ||
           name == "attribute_type" || name == "begins_with" || name == "contains";
  }

  void condition_function(ConditionNode& node) {
    if (node.function == "size") {
      note(kMisusedFunction,
           "The function is not allowed to be used this way in an expression; function: size");
    } else if (!is_condition_function(node.function)) {
      note(kUnknownFunction, "Invalid function name; function: " + node.function);
    }
    for (Operand& operand : node.operands) condition_operand(operand);
    const std::size_t wanted = node.function == "attribute_exists" ||
                                       node.function == "attribute_not_exists" ||
                                       node.function == "size"
                                   ? 1
                                   : 2;
    if (node.operands.size() != wanted) {
      note(kOperandCount,
           "Incorrect number of operands for operator or function; operator or function: " +
               node.function + ", number of operands: " + std::to_string(node.operands.size()));
      return;
    }
    distinct(node.function, node.operands);
    function_types(node);
  }

  void function_types(const ConditionNode& node) {
    const std::string& name = node.function;
    if (name == "attribute_exists" || name == "attribute_not_exists") {
      if (node.operands[0].kind != Operand::Kind::kPath) {
        note(kOperandType,
             "Operator or function requires a document path; operator or function: " + name);
      }
    } else if (name == "begins_with") {
      for (const Operand& operand : node.operands) {
        const std::optional<AttributeType> type = known_type(operand);
        if (type && *type != AttributeType::kS && *type != AttributeType::kB) {
          wrong_type(name, *type);
          return;
        }
      }
    } else if (name == "attribute_type") {
      attribute_type_argument(node.operands[1]);
    }
  }

  void attribute_type_argument(const Operand& operand) {
    const std::optional<AttributeType> type = known_type(operand);
    if (!type || *type != AttributeType::kS) {
      note(kOperandType,
           "Incorrect operand type for operator or function; operator or function: "
           "attribute_type, operand type: " +
               std::string(type ? type_name(*type) : "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}"));
      return;
    }
    if (!parse_type_name(operand.value.text)) {
      note(kOperandType, "Invalid attribute type name found; type: " + operand.value.text +
                             ", valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}");
    }
  }

  void size_function(const Operand& operand) {
    if (operand.args.size() != 1) {
      note(kOperandCount,
           "Incorrect number of operands for operator or function; operator or function: size, "
           "number of operands: " +
               std::to_string(operand.args.size()));
      return;
    }
    const std::optional<AttributeType> type = known_type(operand.args[0]);
    if (type && (*type == AttributeType::kN || *type == AttributeType::kBool ||
                 *type == AttributeType::kNull)) {
      wrong_type("size", *type);
    }
  }

  void wrong_type(const std::string& function, AttributeType type) {
    note(kOperandType, "Incorrect operand type for operator or function; operator or function: " +
                           function + ", operand type: " + std::string(type_name(type)));
  }

  void distinct(std::string_view name, const std::vector<Operand>& operands) {
    if (operands.size() != 2 || operands[0].kind != Operand::Kind::kPath ||
        operands[1].kind != Operand::Kind::kPath || operands[0].path != operands[1].path) {
      return;
    }
    note(kDistinct,
         "The first operand must be distinct from the remaining operands for this operator or "
         "function; operator: " +
             std::string(name) + ", first operand: " + path_text(operands[0].path));
  }

  void between(const ConditionNode& node) {
    const std::optional<AttributeType> low = known_type(node.operands[1]);
    const std::optional<AttributeType> high = known_type(node.operands[2]);
    if (!low || !high) return;
    const AttributeValue& a = node.operands[1].value;
    const AttributeValue& b = node.operands[2].value;
    const std::string bounds = "lower bound operand: AttributeValue: {" +
                               std::string(type_name(a.type)) + ":" + a.text +
                               "}, upper bound operand: AttributeValue: {" +
                               std::string(type_name(b.type)) + ":" + b.text + "}";
    if (*low != *high) {
      note(kOperandType,
           "The BETWEEN operator requires same data type for lower and upper bounds; " + bounds);
    } else if ((a.type == AttributeType::kN && compare_numbers(a.text, b.text) > 0) ||
               (a.type != AttributeType::kN && a.text > b.text)) {
      note(kOperandType,
           "The BETWEEN operator requires upper bound to be greater than or equal to lower "
           "bound; " +
               bounds);
    }
  }

  // ---- updates ----

  void update(std::vector<UpdateAction>& actions) {
    std::vector<const DocumentPath*> paths;
    for (UpdateAction& action : actions) {
      resolve_path(action.path);
      for (const DocumentPath* earlier : paths) overlap(*earlier, action.path);
      paths.push_back(&action.path);
      switch (action.kind) {
        case UpdateAction::Kind::kSet:
          update_value(action.value);
          break;
        case UpdateAction::Kind::kRemove:
          break;
        case UpdateAction::Kind::kAdd:
        case UpdateAction::Kind::kDelete:
          resolve_value(action.value);
          add_or_delete_operand(action);
          break;
      }
    }
  }

  void update_value(Operand& operand) {
    switch (operand.kind) {
      case Operand::Kind::kPath:
        resolve_path(operand.path);
        return;
      case Operand::Kind::kValue:
        resolve_value(operand);
        return;
      case Operand::Kind::kPlus:
      case Operand::Kind::kMinus:
        for (Operand& argument : operand.args) update_value(argument);
        arithmetic_types(operand);
        return;
      case Operand::Kind::kFunction:
        update_function(operand);
        return;
    }
  }

  void update_function(Operand& operand) {
    const std::string& name = operand.function;
    if (name != "if_not_exists" && name != "list_append") {
      note(kUnknownFunction, "Invalid function name; function: " + name);
    }
    for (Operand& argument : operand.args) update_value(argument);
    if (name != "if_not_exists" && name != "list_append") return;
    if (operand.args.size() != 2) {
      note(kOperandCount,
           "Incorrect number of operands for operator or function; operator or function: " + name +
               ", number of operands: " + std::to_string(operand.args.size()));
      return;
    }
    if (name == "if_not_exists" && operand.args[0].kind != Operand::Kind::kPath) {
      note(kOperandCount,
           "Operator or function requires a document path; operator or function: " + name);
    }
    if (name == "list_append") {
      for (const Operand& argument : operand.args) {
        const std::optional<AttributeType> type = known_type(argument);
        if (type && *type != AttributeType::kL) {
          note(kOperandCount,
               "Incorrect operand type for operator or function; operator or function: " + name +
                   ", operand type: " + std::string(type_name(*type)));
        }
      }
    }
  }

  void arithmetic_types(const Operand& operand) {
    for (const Operand& argument : operand.args) {
      const std::optional<AttributeType> type = known_type(argument);
      if (type && *type != AttributeType::kN) {
        note(kOperandCount,
             "Incorrect operand type for operator or function; operator or function: " +
                 std::string(operand.kind == Operand::Kind::kPlus ? "+" : "-") +
                 ", operand type: " + std::string(type_name(*type)));
        return;
      }
    }
  }

  void add_or_delete_operand(const UpdateAction& action) {
    const std::optional<AttributeType> type = known_type(action.value);
    if (!type) return;
    const bool is_set =
        *type == AttributeType::kSS || *type == AttributeType::kNS || *type == AttributeType::kBS;
    const bool add = action.kind == UpdateAction::Kind::kAdd;
    if (is_set || (add && *type == AttributeType::kN)) return;
    note(kOperandType, "Incorrect operand type for operator or function; operator: " +
                           std::string(add ? "ADD" : "DELETE") +
                           ", operand type: " + std::string(type_word(*type)));
  }

  // Two paths of one expression may not be one the prefix of the other.
  void overlap(const DocumentPath& one, const DocumentPath& two) {
    const std::size_t common = std::min(one.size(), two.size());
    for (std::size_t i = 0; i < common; ++i) {
      if (one[i].index.has_value() != two[i].index.has_value()) {
        note(kPathConflict,
             "Two document paths conflict with each other; must remove or rewrite one of these "
             "paths; path one: " +
                 path_text(one) + ", path two: " + path_text(two));
        return;
      }
      if (one[i] != two[i]) return;
    }
    note(kPathOverlap,
         "Two document paths overlap with each other; must remove or rewrite one of these "
         "paths; path one: " +
             path_text(one) + ", path two: " + path_text(two));
  }

  void projection(std::vector<DocumentPath>& paths) {
    for (std::size_t i = 0; i < paths.size(); ++i) {
      resolve_path(paths[i]);
      for (std::size_t j = 0; j < i; ++j) overlap(paths[j], paths[i]);
    }
  }

 private:
  ExpressionContext& context_;
  std::array<std::optional<std::string>, kProblemCount> problems_;
  std::vector<const Operand*> resolved_;
};

Error empty_expression(ExpressionKind kind) {
  return make_error("ValidationException", "Invalid " + std::string(expression_parameter(kind)) +
                                               ": The expression can not be empty;");
}

// DynamoDB's limit on each expression parameter, in bytes as sent (names not substituted).
constexpr std::size_t kMaxExpressionBytes = 4096;

// Empty, or past the size limit: refused before parsing.
Status check_text(ExpressionKind kind, std::string_view text) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return empty_expression(kind);
  if (text.size() > kMaxExpressionBytes) {
    return make_error("ValidationException",
                      "Invalid " + std::string(expression_parameter(kind)) +
                          ": Expression size has exceeded the maximum allowed size; "
                          "expression size: " +
                          std::to_string(text.size()));
  }
  return {};
}

Error prefixed(ExpressionKind kind, const Error& error) {
  return make_error("ValidationException",
                    "Invalid " + std::string(expression_parameter(kind)) + ": " + error.message);
}

}  // namespace

Result<ConditionNode> parse_condition(std::string_view text, ExpressionKind kind,
                                      ExpressionContext& context) {
  if (Status checked = check_text(kind, text); !checked) return checked.error();
  ParseNotes notes;
  Result<ConditionNode> node = expression_detail::parse_condition_text(text, notes);
  if (!node) return prefixed(kind, node.error());
  Checker checker(context);
  if (notes.redundant_parentheses) {
    checker.note(kRedundantParens, "The expression has redundant parentheses;");
  }
  checker.condition(*node);
  if (Status verdict = checker.verdict(kind, kConditionOrder); !verdict) return verdict.error();
  return node;
}

Result<std::vector<UpdateAction>> parse_update(std::string_view text, ExpressionContext& context) {
  constexpr ExpressionKind kind = ExpressionKind::kUpdate;
  if (Status checked = check_text(kind, text); !checked) return checked.error();
  ParseNotes notes;
  std::vector<std::string> repeated;
  Result<std::vector<UpdateAction>> actions =
      expression_detail::parse_update_text(text, notes, repeated);
  if (!actions) return prefixed(kind, actions.error());
  Checker checker(context);
  if (!repeated.empty()) {
    checker.note(kSection, "The \"" + repeated.front() +
                               "\" section can only be used once in an update expression;");
  }
  checker.update(*actions);
  if (Status verdict = checker.verdict(kind, kUpdateOrder); !verdict) return verdict.error();
  return actions;
}

Result<std::vector<DocumentPath>> parse_projection(std::string_view text,
                                                   ExpressionContext& context) {
  constexpr ExpressionKind kind = ExpressionKind::kProjection;
  if (Status checked = check_text(kind, text); !checked) return checked.error();
  Result<std::vector<DocumentPath>> paths = expression_detail::parse_projection_text(text);
  if (!paths) return prefixed(kind, paths.error());
  Checker checker(context);
  checker.projection(*paths);
  if (Status verdict = checker.verdict(kind, kProjectionOrder); !verdict) return verdict.error();
  return paths;
}

const std::string* ExpressionContext::name(const std::string& placeholder) {
  if (collecting_) {
    used_names_.insert(placeholder);
    return &*used_names_.find(placeholder);
  }
  if (names_ == nullptr) return nullptr;
  const auto found = names_->find(placeholder);
  if (found == names_->end()) return nullptr;
  used_names_.insert(placeholder);
  return &found->second;
}

const AttributeValue* ExpressionContext::value(const std::string& placeholder) {
  static const AttributeValue kCollected;
  if (collecting_) {
    used_values_.insert(placeholder);
    return &kCollected;
  }
  if (values_ == nullptr) return nullptr;
  const auto found = values_->find(placeholder);
  if (found == values_->end()) return nullptr;
  used_values_.insert(placeholder);
  return &found->second;
}

Status ExpressionContext::check_all_used() const {
  auto unused = [](const auto& given, const std::set<std::string>& used) {
    std::string keys;
    if (given == nullptr) return keys;
    for (const auto& [key, value] : *given) {
      if (used.contains(key)) continue;
      keys += keys.empty() ? key : ", " + key;
    }
    return keys;
  };
  if (std::string keys = unused(names_, used_names_); !keys.empty()) {
    return make_error(
        "ValidationException",
        "Value provided in ExpressionAttributeNames unused in expressions: keys: {" + keys + "}");
  }
  if (std::string keys = unused(values_, used_values_); !keys.empty()) {
    return make_error("ValidationException",
                      "Value provided in ExpressionAttributeValues unused in expressions: keys: "
                      "{" +
                          keys + "}");
  }
  return {};
}

}  // namespace csv2ddb::model
