#include "local/dynamodb/key_condition.hpp"

#include <algorithm>
#include <array>

#include "local/dynamodb/item_keys.hpp"
#include "local/dynamodb/legacy_parameters.hpp"
#include "local/dynamodb/request_checks.hpp"
#include "model/dynamodb_json.hpp"

namespace csv2ddb::local::dynamodb {
namespace {

constexpr std::string_view kInvalidCondition = "Invalid condition in KeyConditionExpression: ";

Error invalid_operator(std::string_view name) {
  return validation_error("Invalid operator used in KeyConditionExpression: " + std::string(name));
}

// `op` with its operands swapped (":v < k" is "k > :v").
KeyOperator turned_around(KeyOperator op) {
  switch (op) {
    case KeyOperator::kLt:
      return KeyOperator::kGt;
    case KeyOperator::kLe:
      return KeyOperator::kGe;
    case KeyOperator::kGt:
      return KeyOperator::kLt;
    case KeyOperator::kGe:
      return KeyOperator::kLe;
    default:
      return op;
  }
}

Result<KeyOperator> compare_operator(model::Comparator comparator) {
  switch (comparator) {
    case model::Comparator::kEq:
      return KeyOperator::kEq;
    case model::Comparator::kLt:
      return KeyOperator::kLt;
    case model::Comparator::kLe:
      return KeyOperator::kLe;
    case model::Comparator::kGt:
      return KeyOperator::kGt;
    case model::Comparator::kGe:
      return KeyOperator::kGe;
    case model::Comparator::kNe:
      break;
  }
  return invalid_operator("<>");
}

// One condition of the tree (not AND) into `out`.
Status add_condition(const model::ConditionNode& node, KeyConditions& out) {
  KeyCondition condition;
  std::string_view written;  // how DynamoDB names the operator in its messages
  if (node.kind == model::ConditionNode::Kind::kCompare) {
    auto op = compare_operator(node.comparator);
    if (!op) return op.error();
    condition.op = *op;
  } else if (node.kind == model::ConditionNode::Kind::kBetween) {
    condition.op = KeyOperator::kBetween;
    written = "BETWEEN";
  } else {
    condition.op = KeyOperator::kBeginsWith;
    written = "begins_with";
  }
  std::optional<std::string> attribute;
  std::size_t attribute_at = 0;
  for (std::size_t i = 0; i < node.operands.size(); ++i) {
    const model::Operand& operand = node.operands[i];
    if (operand.kind == model::Operand::Kind::kFunction) {
      return validation_error("KeyConditionExpressions cannot contain nested operations");
    }
    if (operand.kind != model::Operand::Kind::kPath) {
      condition.values.push_back(operand.value);
      continue;
    }
    if (attribute) {
      return validation_error(std::string(kInvalidCondition) +
                              "Multiple attribute names used in one condition");
    }
    if (operand.path.size() > 1 || operand.path.front().index) {
      return validation_error(
          "KeyConditionExpressions cannot have conditions on nested attributes");
    }
    attribute = operand.path.front().name;
    attribute_at = i;
  }
  if (!written.empty() && attribute && attribute_at != 0) {
    return validation_error(std::string(kInvalidCondition) + std::string(written) +
                            " operator must have the key attribute as its first operand");
  }
  if (!attribute) {
    return validation_error(std::string(kInvalidCondition) + "No key attribute specified");
  }
  if (out.count(*attribute) != 0) {
    return validation_error("KeyConditionExpressions must only contain one condition per key");
  }
  if (attribute_at != 0) condition.op = turned_around(condition.op);
  out[*attribute] = std::move(condition);
  return {};
}

Status collect(const model::ConditionNode& node, KeyConditions& out) {
  using Kind = model::ConditionNode::Kind;
  switch (node.kind) {
    case Kind::kAnd:
      for (const model::ConditionNode& child : node.children) {
        if (Status s = collect(child, out); !s) return s;
      }
      return {};
    case Kind::kOr:
      return invalid_operator("OR");
    case Kind::kNot:
      return invalid_operator("NOT");
    case Kind::kIn:
      return invalid_operator("IN");
    case Kind::kFunction:
      if (node.function != "begins_with") return invalid_operator(node.function);
      return add_condition(node, out);
    case Kind::kCompare:
    case Kind::kBetween:
      return add_condition(node, out);
  }
  return {};
}

// A legacy condition on a key attribute: only the operators an index can serve.
Result<KeyCondition> key_condition_of(const LegacyCondition& legacy) {
  static const std::array<std::pair<std::string_view, KeyOperator>, 7> kIndexable{
      {{"EQ", KeyOperator::kEq},
       {"LE", KeyOperator::kLe},
       {"LT", KeyOperator::kLt},
       {"GE", KeyOperator::kGe},
       {"GT", KeyOperator::kGt},
       {"BEGINS_WITH", KeyOperator::kBeginsWith},
       {"BETWEEN", KeyOperator::kBetween}}};
  for (const auto& [name, op] : kIndexable) {
    if (legacy.op == name) return KeyCondition{op, legacy.values};
  }
  return validation_error("Attempted conditional constraint is not an indexable operation");
}

std::string operand_text(const model::AttributeValue& value) {
  return "AttributeValue: {" + std::string(model::type_name(value.type)) + ":" +
         (value.type == model::AttributeType::kB ? model::base64_encode(value.text) : value.text) +
         "}";
}

}  // namespace

Result<KeyConditions> key_conditions_of(const model::ConditionNode& tree) {
  KeyConditions out;
  if (Status s = collect(tree, out); !s) return s.error();
  return out;
}

Result<KeyConditions> read_key_conditions(const model::JsonValue& conditions) {
  KeyConditions out;
  if (!conditions.is_object()) return out;
  for (const auto& [name, spec] : conditions.as_object()) {
    auto legacy = read_legacy_condition(spec);
    if (!legacy) return legacy.take_error();
    auto condition = key_condition_of(*legacy);
    if (!condition) return condition.take_error();
    out[name] = std::move(*condition);
  }
  return out;
}

Result<ResolvedKeyCondition> resolve_key_conditions(const KeyConditions& conditions,
                                                    const model::KeySchema& key) {
  if (conditions.size() != 1 && conditions.size() != 2) {
    return validation_error("Conditions can be of length 1 or 2 only");
  }
  if (!key.range && conditions.size() > 1) {
    return validation_error("Query key condition not supported");
  }
  const auto hash = conditions.find(key.hash.name);
  if (hash == conditions.end()) {
    return validation_error("Query condition missed key schema element: " + key.hash.name);
  }
  std::optional<RangeCondition> range;
  for (const auto& [name, condition] : conditions) {
    const bool is_hash = name == key.hash.name;
    if (!is_hash && !(key.range && name == key.range->name)) {
      return validation_error("Query condition missed key schema element: " +
                              (key.range ? key.range->name : key.hash.name));
    }
    const model::AttributeType expected = is_hash ? key.hash.type : key.range->type;
    if (condition.op == KeyOperator::kBeginsWith && expected == model::AttributeType::kN) {
      return validation_error(
          "Invalid KeyConditionExpression: Incorrect operand type for operator or function; "
          "operator or function: begins_with, operand type: N");
    }
    for (const model::AttributeValue& value : condition.values) {
      if (value.type != expected) {
        return validation_error(
            "One or more parameter values were invalid: Condition parameter type does not match "
            "schema type");
      }
    }
    if (is_hash && condition.op != KeyOperator::kEq) {
      return validation_error("Query key condition not supported");
    }
    if (is_hash) continue;
    RangeCondition resolved{condition.op, condition.values.at(0), {}};
    if (condition.op == KeyOperator::kBetween) {
      resolved.second = condition.values.at(1);
      if (range_key_bytes(resolved.first).compare(range_key_bytes(resolved.second)) > 0) {
        return validation_error(
            "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be "
            "greater than or equal to lower bound; lower bound operand: " +
            operand_text(resolved.first) +
            ", upper bound operand: " + operand_text(resolved.second));
      }
    }
    range = std::move(resolved);
  }
  return ResolvedKeyCondition{hash->second.values.at(0), std::move(range)};
}

namespace {

// The smallest byte string greater than every string starting with `prefix`, if any.
std::optional<std::string> prefix_successor(std::string prefix) {
  while (!prefix.empty()) {
    auto last = static_cast<unsigned char>(prefix.back());
    if (last != 0xFF) {
      prefix.back() = static_cast<char>(last + 1);
      return prefix;
    }
    prefix.pop_back();
  }
  return std::nullopt;
}

}  // namespace

RangeBounds range_bounds(const std::optional<RangeCondition>& condition) {
  RangeBounds bounds;
  if (!condition) return bounds;
  const std::string first = range_key_bytes(condition->first);
  switch (condition->op) {
    case KeyOperator::kEq:
      bounds.lower = first;
      bounds.upper = first;
      break;
    case KeyOperator::kLt:
      bounds.upper = first;
      bounds.upper_inclusive = false;
      break;
    case KeyOperator::kLe:
      bounds.upper = first;
      break;
    case KeyOperator::kGt:
      bounds.lower = first;
      bounds.lower_inclusive = false;
      break;
    case KeyOperator::kGe:
      bounds.lower = first;
      break;
    case KeyOperator::kBetween:
      bounds.lower = first;
      bounds.upper = range_key_bytes(condition->second);
      break;
    case KeyOperator::kBeginsWith:
      bounds.lower = first;
      bounds.upper = prefix_successor(first);
      bounds.upper_inclusive = false;
      break;
  }
  return bounds;
}

bool within(const RangeBounds& bounds, std::string_view bytes) {
  if (bounds.lower) {
    const int order = bytes.compare(*bounds.lower);
    if (order < 0 || (order == 0 && !bounds.lower_inclusive)) return false;
  }
  if (bounds.upper) {
    const int order = bytes.compare(*bounds.upper);
    if (order > 0 || (order == 0 && !bounds.upper_inclusive)) return false;
  }
  return true;
}

}  // namespace csv2ddb::local::dynamodb
