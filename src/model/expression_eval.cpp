// Conditions evaluated against an item, with DynamoDB's semantics: a comparison with an absent
// attribute or a value of another type is false (and `<>` true); S and B order by their bytes, N
// by value; sets and maps are equal whatever the order of their members.
#include <algorithm>

#include "model/expression.hpp"
#include "model/number_arithmetic.hpp"

namespace csv2ddb::model {
namespace {

bool sets_equal(const AttributeValue& a, const AttributeValue& b) {
  if (a.set.size() != b.set.size()) return false;
  std::vector<std::string> left = a.set;
  std::vector<std::string> right = b.set;
  std::sort(left.begin(), left.end());
  std::sort(right.begin(), right.end());
  return left == right;
}

bool maps_equal(const AttributeMap& a, const AttributeMap& b);

bool values_equal(const AttributeValue& a, const AttributeValue& b) {
  if (a.type != b.type) return false;
  switch (a.type) {
    case AttributeType::kS:
    case AttributeType::kB:
    case AttributeType::kN:  // canonical text: equal text is equal value
      return a.text == b.text;
    case AttributeType::kBool:
      return a.boolean == b.boolean;
    case AttributeType::kNull:
      return true;
    case AttributeType::kSS:
    case AttributeType::kNS:
    case AttributeType::kBS:
      return sets_equal(a, b);
    case AttributeType::kL:
      return std::equal(a.list.begin(), a.list.end(), b.list.begin(), b.list.end(), values_equal);
    case AttributeType::kM:
      return maps_equal(a.map, b.map);
  }
  return false;
}

bool maps_equal(const AttributeMap& a, const AttributeMap& b) {
  if (a.size() != b.size()) return false;
  for (const auto& entry : a) {
    const auto found =
        std::find_if(b.begin(), b.end(), [&](const auto& e) { return e.first == entry.first; });
    if (found == b.end() || !values_equal(entry.second, found->second)) return false;
  }
  return true;
}

// <0, 0, >0 for two scalars of one orderable type; nullopt when they cannot be ordered.
std::optional<int> order(const AttributeValue& a, const AttributeValue& b) {
  if (a.type != b.type) return std::nullopt;
  if (a.type == AttributeType::kN) return compare_numbers(a.text, b.text);
  if (a.type == AttributeType::kS || a.type == AttributeType::kB) return a.text.compare(b.text);
  return std::nullopt;
}

std::optional<AttributeValue> operand_value(const Operand& operand, const Item& item);

std::optional<AttributeValue> size_of(const Operand& operand, const Item& item) {
  const std::optional<AttributeValue> value = operand_value(operand.args.at(0), item);
  if (!value) return std::nullopt;
  std::size_t size = 0;
  switch (value->type) {
    case AttributeType::kS:
    case AttributeType::kB:
      size = value->text.size();
      break;
    case AttributeType::kSS:
    case AttributeType::kNS:
    case AttributeType::kBS:
      size = value->set.size();
      break;
    case AttributeType::kL:
      size = value->list.size();
      break;
    case AttributeType::kM:
      size = value->map.size();
      break;
    default:
      return std::nullopt;
  }
  return AttributeValue::number(std::to_string(size));
}

std::optional<AttributeValue> operand_value(const Operand& operand, const Item& item) {
  switch (operand.kind) {
    case Operand::Kind::kPath: {
      const AttributeValue* found = find_path(item, operand.path);
      if (found == nullptr) return std::nullopt;
      return *found;
    }
    case Operand::Kind::kValue:
      return operand.value;
    case Operand::Kind::kFunction:
      if (operand.function == "size") return size_of(operand, item);
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

bool compare(Comparator comparator, const std::optional<AttributeValue>& a,
             const std::optional<AttributeValue>& b) {
  if (comparator == Comparator::kNe) return !(a && b && values_equal(*a, *b));
  if (!a || !b) return false;
  if (comparator == Comparator::kEq) return values_equal(*a, *b);
  const std::optional<int> sign = order(*a, *b);
  if (!sign) return false;
  switch (comparator) {
    case Comparator::kLt:
      return *sign < 0;
    case Comparator::kLe:
      return *sign <= 0;
    case Comparator::kGt:
      return *sign > 0;
    case Comparator::kGe:
      return *sign >= 0;
    default:
      return false;
  }
}

bool contains(const AttributeValue& haystack, const AttributeValue& needle) {
  switch (haystack.type) {
    case AttributeType::kS:
    case AttributeType::kB:
      return needle.type == haystack.type && haystack.text.find(needle.text) != std::string::npos;
    case AttributeType::kSS:
    case AttributeType::kNS:
    case AttributeType::kBS: {
      const bool member_type =
          (haystack.type == AttributeType::kSS && needle.type == AttributeType::kS) ||
          (haystack.type == AttributeType::kNS && needle.type == AttributeType::kN) ||
          (haystack.type == AttributeType::kBS && needle.type == AttributeType::kB);
      return member_type &&
             std::find(haystack.set.begin(), haystack.set.end(), needle.text) != haystack.set.end();
    }
    case AttributeType::kL:
      return std::any_of(
          haystack.list.begin(), haystack.list.end(),
          [&](const AttributeValue& element) { return values_equal(element, needle); });
    default:
      return false;
  }
}

bool function_holds(const ConditionNode& node, const Item& item) {
  const std::string& name = node.function;
  if (name == "attribute_exists" || name == "attribute_not_exists") {
    const bool exists = find_path(item, node.operands[0].path) != nullptr;
    return name == "attribute_exists" ? exists : !exists;
  }
  const std::optional<AttributeValue> first = operand_value(node.operands[0], item);
  const std::optional<AttributeValue> second = operand_value(node.operands[1], item);
  if (!first || !second) return false;
  if (name == "attribute_type") return type_name(first->type) == second->text;
  if (name == "begins_with") {
    return first->type == second->type &&
           (first->type == AttributeType::kS || first->type == AttributeType::kB) &&
           first->text.starts_with(second->text);
  }
  if (name == "contains") return contains(*first, *second);
  return false;
}

}  // namespace

std::string_view expression_parameter(ExpressionKind kind) {
  switch (kind) {
    case ExpressionKind::kCondition:
      return "ConditionExpression";
    case ExpressionKind::kKeyCondition:
      return "KeyConditionExpression";
    case ExpressionKind::kFilter:
      return "FilterExpression";
    case ExpressionKind::kUpdate:
      return "UpdateExpression";
    case ExpressionKind::kProjection:
      return "ProjectionExpression";
  }
  return "Expression";
}

std::string path_text(const DocumentPath& path) {
  std::string out = "[";
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (i > 0) out += ", ";
    out += path[i].index ? "[" + std::to_string(*path[i].index) + "]" : path[i].name;
  }
  return out + "]";
}

std::string_view comparator_text(Comparator comparator) {
  switch (comparator) {
    case Comparator::kEq:
      return "=";
    case Comparator::kNe:
      return "<>";
    case Comparator::kLt:
      return "<";
    case Comparator::kLe:
      return "<=";
    case Comparator::kGt:
      return ">";
    case Comparator::kGe:
      return ">=";
  }
  return "=";
}

const AttributeValue* find_path(const Item& item, const DocumentPath& path) {
  if (path.empty() || path.front().index) return nullptr;
  const AttributeValue* at = item.find(path.front().name);
  for (std::size_t i = 1; at != nullptr && i < path.size(); ++i) {
    const PathElement& step = path[i];
    if (step.index) {
      at = at->type == AttributeType::kL && *step.index < at->list.size() ? &at->list[*step.index]
                                                                          : nullptr;
    } else if (at->type == AttributeType::kM) {
      const auto found = std::find_if(at->map.begin(), at->map.end(),
                                      [&](const auto& entry) { return entry.first == step.name; });
      at = found == at->map.end() ? nullptr : &found->second;
    } else {
      at = nullptr;
    }
  }
  return at;
}

bool evaluate_condition(const ConditionNode& node, const Item& item) {
  switch (node.kind) {
    case ConditionNode::Kind::kAnd:
      return evaluate_condition(node.children[0], item) &&
             evaluate_condition(node.children[1], item);
    case ConditionNode::Kind::kOr:
      return evaluate_condition(node.children[0], item) ||
             evaluate_condition(node.children[1], item);
    case ConditionNode::Kind::kNot:
      return !evaluate_condition(node.children[0], item);
    case ConditionNode::Kind::kFunction:
      return function_holds(node, item);
    case ConditionNode::Kind::kCompare:
      return compare(node.comparator, operand_value(node.operands[0], item),
                     operand_value(node.operands[1], item));
    case ConditionNode::Kind::kBetween: {
      const std::optional<AttributeValue> value = operand_value(node.operands[0], item);
      return compare(Comparator::kGe, value, operand_value(node.operands[1], item)) &&
             compare(Comparator::kLe, value, operand_value(node.operands[2], item));
    }
    case ConditionNode::Kind::kIn: {
      const std::optional<AttributeValue> value = operand_value(node.operands[0], item);
      if (!value) return false;
      return std::any_of(node.operands.begin() + 1, node.operands.end(), [&](const Operand& o) {
        return compare(Comparator::kEq, value, operand_value(o, item));
      });
    }
  }
  return false;
}

Item project(const Item& item, const std::vector<DocumentPath>& paths) {
  Item out;
  for (const DocumentPath& path : paths) {
    const AttributeValue* value = find_path(item, path);
    if (value == nullptr) continue;
    // Rebuild the path's maps (and lists, compacted, as DynamoDB returns them) in `out`.
    AttributeValue* at = nullptr;
    for (std::size_t i = 0; i < path.size(); ++i) {
      const bool last = i + 1 == path.size();
      if (i == 0) {
        AttributeValue* existing = const_cast<AttributeValue*>(out.find(path[0].name));
        if (existing == nullptr) {
          out.attributes.push_back({path[0].name, last ? *value : AttributeValue{}});
          existing = &out.attributes.back().value;
          if (!last) existing->type = path[1].index ? AttributeType::kL : AttributeType::kM;
        }
        at = existing;
        continue;
      }
      if (path[i].index) {
        at->list.push_back(last ? *value : AttributeValue{});
        at = &at->list.back();
      } else {
        auto found = std::find_if(at->map.begin(), at->map.end(),
                                  [&](const auto& e) { return e.first == path[i].name; });
        if (found == at->map.end()) {
          at->map.emplace_back(path[i].name, last ? *value : AttributeValue{});
          found = at->map.end() - 1;
        }
        at = &found->second;
      }
      if (!last && at->type == AttributeType::kNull) {
        at->type = path[i + 1].index ? AttributeType::kL : AttributeType::kM;
      }
    }
  }
  return out;
}

namespace {

void operand_path_heads(const Operand& operand, std::vector<std::string>& heads) {
  if (operand.kind == Operand::Kind::kPath && !operand.path.empty()) {
    heads.push_back(operand.path.front().name);
  }
  for (const Operand& arg : operand.args) operand_path_heads(arg, heads);
}

}  // namespace

void condition_path_heads(const ConditionNode& condition, std::vector<std::string>& heads) {
  for (const Operand& operand : condition.operands) operand_path_heads(operand, heads);
  for (const ConditionNode& child : condition.children) condition_path_heads(child, heads);
}

}  // namespace csv2ddb::model
