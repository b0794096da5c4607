#include "local/dynamodb/legacy_parameters.hpp"

#include <algorithm>
#include <array>

#include "local/dynamodb/request_checks.hpp"
#include "model/dynamodb_json.hpp"

namespace csv2ddb::local::dynamodb {
namespace {

constexpr std::string_view kInvalid = "One or more parameter values were invalid: ";

struct OperatorRule {
  std::string_view name;
  std::size_t min_values;
  std::size_t max_values;
  bool takes_sets;  // EQ and NE compare sets too
  bool text_only;   // BEGINS_WITH: S or B
};

constexpr std::array<OperatorRule, 13> kOperators{{
    {"EQ", 1, 1, true, false},
    {"NE", 1, 1, true, false},
    {"LE", 1, 1, false, false},
    {"LT", 1, 1, false, false},
    {"GE", 1, 1, false, false},
    {"GT", 1, 1, false, false},
    {"CONTAINS", 1, 1, false, false},
    {"NOT_CONTAINS", 1, 1, false, false},
    {"BEGINS_WITH", 1, 1, false, true},
    {"IN", 1, SIZE_MAX, false, false},
    {"BETWEEN", 2, 2, false, false},
    {"NULL", 0, 0, false, false},
    {"NOT_NULL", 0, 0, false, false},
}};

bool scalar(model::AttributeType type) {
  return type == model::AttributeType::kS || type == model::AttributeType::kN ||
         type == model::AttributeType::kB;
}

bool is_set(model::AttributeType type) {
  return type == model::AttributeType::kSS || type == model::AttributeType::kNS ||
         type == model::AttributeType::kBS;
}

const model::JsonValue* present(const model::JsonValue& object, std::string_view field) {
  const model::JsonValue* value = object.find(field);
  return value != nullptr && !value->is_null() ? value : nullptr;
}

Result<model::AttributeValue> read_value(const model::JsonValue& json) {
  return model::decode_dynamodb_value(json);
}

Status check_values(const OperatorRule& rule, const std::vector<model::AttributeValue>& values) {
  if (values.size() < rule.min_values || values.size() > rule.max_values) {
    return validation_error(std::string(kInvalid) + "Invalid number of argument(s) for the " +
                            std::string(rule.name) + " ComparisonOperator");
  }
  for (const model::AttributeValue& value : values) {
    if (value.type != values.front().type) {
      return validation_error(std::string(kInvalid) +
                              "AttributeValues inside AttributeValueList must be of same type");
    }
  }
  for (const model::AttributeValue& value : values) {
    const bool fits = scalar(value.type) || (rule.takes_sets && is_set(value.type));
    if (!fits || (rule.text_only && value.type == model::AttributeType::kN)) {
      return validation_error(std::string(kInvalid) + "ComparisonOperator " +
                              std::string(rule.name) + " is not valid for " +
                              std::string(model::type_name(value.type)) + " AttributeValue type");
    }
  }
  return {};
}

const OperatorRule* rule_of(std::string_view name) {
  const auto* rule = std::find_if(kOperators.begin(), kOperators.end(),
                                  [&](const OperatorRule& r) { return r.name == name; });
  return rule == kOperators.end() ? nullptr : rule;
}

model::Operand path_operand(const std::string& attribute) {
  model::Operand operand;
  operand.kind = model::Operand::Kind::kPath;
  operand.path = {model::PathElement{attribute, std::nullopt}};
  return operand;
}

model::Operand value_operand(const model::AttributeValue& value) {
  model::Operand operand;
  operand.kind = model::Operand::Kind::kValue;
  operand.value = value;
  return operand;
}

model::ConditionNode function_node(std::string name, std::vector<model::Operand> operands) {
  model::ConditionNode node;
  node.kind = model::ConditionNode::Kind::kFunction;
  node.function = std::move(name);
  node.operands = std::move(operands);
  return node;
}

model::ConditionNode not_node(model::ConditionNode inner) {
  model::ConditionNode node;
  node.kind = model::ConditionNode::Kind::kNot;
  node.children.push_back(std::move(inner));
  return node;
}

// The condition `attribute <op> values` as an expression would write it.
model::ConditionNode condition_node(const std::string& attribute, const LegacyCondition& c) {
  using Kind = model::ConditionNode::Kind;
  const model::Operand path = path_operand(attribute);
  static const std::array<std::pair<std::string_view, model::Comparator>, 6> kCompare{
      {{"EQ", model::Comparator::kEq},
       {"NE", model::Comparator::kNe},
       {"LE", model::Comparator::kLe},
       {"LT", model::Comparator::kLt},
       {"GE", model::Comparator::kGe},
       {"GT", model::Comparator::kGt}}};
  for (const auto& [name, comparator] : kCompare) {
    if (c.op != name) continue;
    model::ConditionNode node;
    node.kind = Kind::kCompare;
    node.comparator = comparator;
    node.operands = {path, value_operand(c.values[0])};
    return node;
  }
  if (c.op == "NULL") return function_node("attribute_not_exists", {path});
  if (c.op == "NOT_NULL") return function_node("attribute_exists", {path});
  if (c.op == "CONTAINS") return function_node("contains", {path, value_operand(c.values[0])});
  if (c.op == "NOT_CONTAINS") {
    return not_node(function_node("contains", {path, value_operand(c.values[0])}));
  }
  if (c.op == "BEGINS_WITH") {
    return function_node("begins_with", {path, value_operand(c.values[0])});
  }
  model::ConditionNode node;
  node.kind = c.op == "IN" ? Kind::kIn : Kind::kBetween;
  node.operands = {path};
  for (const model::AttributeValue& value : c.values) node.operands.push_back(value_operand(value));
  return node;
}

// Conditions joined by AND, or by OR when ConditionalOperator says so.
std::optional<model::ConditionNode> joined(std::vector<model::ConditionNode> nodes, bool any) {
  if (nodes.empty()) return std::nullopt;
  model::ConditionNode out = std::move(nodes.front());
  for (std::size_t i = 1; i < nodes.size(); ++i) {
    model::ConditionNode both;
    both.kind = any ? model::ConditionNode::Kind::kOr : model::ConditionNode::Kind::kAnd;
    both.children.push_back(std::move(out));
    both.children.push_back(std::move(nodes[i]));
    out = std::move(both);
  }
  return out;
}

bool any_of_them(const model::JsonValue& request) {
  const model::JsonValue* op = present(request, "ConditionalOperator");
  return op != nullptr && op->is_string() && op->as_string() == "OR";
}

// QueryFilter or ScanFilter.
Result<std::optional<model::ConditionNode>> filter_of(const model::JsonValue& request,
                                                      const model::JsonValue& conditions) {
  std::vector<model::ConditionNode> nodes;
  for (const auto& [attribute, spec] : conditions.as_object()) {
    auto condition = read_legacy_condition(spec);
    if (!condition) return condition.take_error();
    nodes.push_back(condition_node(attribute, *condition));
  }
  return joined(std::move(nodes), any_of_them(request));
}

// One Expected entry: {Value, Exists} or a condition.
Result<model::ConditionNode> expected_entry(const std::string& attribute,
                                            const model::JsonValue& spec) {
  const model::JsonValue* value = present(spec, "Value");
  const model::JsonValue* list = present(spec, "AttributeValueList");
  const model::JsonValue* exists = present(spec, "Exists");
  const std::string suffix = " for Attribute: " + attribute;
  if (value != nullptr && list != nullptr) {
    return validation_error(std::string(kInvalid) +
                            "Value and AttributeValueList cannot be used together" + suffix);
  }
  if (present(spec, "ComparisonOperator") != nullptr) {
    if (exists != nullptr) {
      return validation_error(std::string(kInvalid) +
                              "Exists and ComparisonOperator cannot be used together" + suffix);
    }
    // Value stands for a list of one.
    model::JsonValue condition = spec;
    if (value != nullptr) {
      model::JsonValue one = model::JsonValue::array();
      one.push(*value);
      condition.set("AttributeValueList", std::move(one));
    }
    auto read = read_legacy_condition(condition);
    if (!read) return read.take_error();
    return condition_node(attribute, *read);
  }
  if (list != nullptr) {
    return validation_error(std::string(kInvalid) +
                            "AttributeValueList can only be used with a ComparisonOperator" +
                            suffix);
  }
  const bool must_exist = exists == nullptr || json_boolean(exists);
  if (must_exist && value == nullptr) {
    return validation_error(std::string(kInvalid) + "Value must be provided when Exists is " +
                            (exists == nullptr ? "null" : "true") + suffix);
  }
  if (!must_exist && value != nullptr) {
    return validation_error(std::string(kInvalid) + "Value cannot be used when Exists is false" +
                            suffix);
  }
  if (!must_exist) return function_node("attribute_not_exists", {path_operand(attribute)});
  auto decoded = read_value(*value);
  if (!decoded) return decoded.take_error();
  return condition_node(attribute, LegacyCondition{"EQ", {std::move(*decoded)}});
}

Result<std::optional<model::ConditionNode>> expected_of(const model::JsonValue& request,
                                                        const model::JsonValue& expected) {
  std::vector<model::ConditionNode> nodes;
  for (const auto& [attribute, spec] : expected.as_object()) {
    auto node = expected_entry(attribute, spec);
    if (!node) return node.take_error();
    nodes.push_back(std::move(*node));
  }
  return joined(std::move(nodes), any_of_them(request));
}

// One AttributeUpdates entry as the update action an expression would write.
Result<model::UpdateAction> update_action(const std::string& attribute,
                                          const model::JsonValue& spec) {
  const model::JsonValue* action_field = present(spec, "Action");
  const std::string action =
      action_field != nullptr && action_field->is_string() ? action_field->as_string() : "PUT";
  const model::JsonValue* value_field = present(spec, "Value");
  model::UpdateAction out;
  out.path = {model::PathElement{attribute, std::nullopt}};
  if (value_field == nullptr) {
    if (action != "DELETE") {
      return validation_error(std::string(kInvalid) +
                              "Only DELETE action is allowed when no attribute value is "
                              "specified");
    }
    out.kind = model::UpdateAction::Kind::kRemove;
    return out;
  }
  auto value = read_value(*value_field);
  if (!value) return value.take_error();
  const std::string type(model::type_name(value->type));
  if (action == "DELETE") {
    if (!is_set(value->type)) {
      return validation_error(std::string(kInvalid) +
                              "DELETE action with value is not supported for the type " + type);
    }
    out.kind = model::UpdateAction::Kind::kDelete;
    out.value = value_operand(*value);
    return out;
  }
  if (action == "ADD") {
    if (value->type == model::AttributeType::kL) {
      // ADD of a list appends to it (or starts it): list_append(if_not_exists(a, []), :v).
      model::AttributeValue empty;
      empty.type = model::AttributeType::kL;
      model::Operand current;
      current.kind = model::Operand::Kind::kFunction;
      current.function = "if_not_exists";
      current.args = {path_operand(attribute), value_operand(empty)};
      out.kind = model::UpdateAction::Kind::kSet;
      out.value.kind = model::Operand::Kind::kFunction;
      out.value.function = "list_append";
      out.value.args = {std::move(current), value_operand(*value)};
      return out;
    }
    if (value->type != model::AttributeType::kN && !is_set(value->type)) {
      return validation_error(std::string(kInvalid) + "ADD action is not supported for the type " +
                              type);
    }
    out.kind = model::UpdateAction::Kind::kAdd;
    out.value = value_operand(*value);
    return out;
  }
  out.kind = model::UpdateAction::Kind::kSet;
  out.value = value_operand(*value);
  return out;
}

}  // namespace

Result<LegacyCondition> read_legacy_condition(const model::JsonValue& spec) {
  const model::JsonValue* op = present(spec, "ComparisonOperator");
  const std::string name = op != nullptr && op->is_string() ? op->as_string() : "";
  const OperatorRule* rule = rule_of(name);
  if (rule == nullptr) {
    return validation_error(
        "1 validation error detected: Value '" + name +
        "' at 'comparisonOperator' failed to satisfy constraint: Member must satisfy enum value "
        "set: [IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, "
        "CONTAINS]");
  }
  LegacyCondition condition{name, {}};
  if (const model::JsonValue* list = present(spec, "AttributeValueList");
      list && list->is_array()) {
    for (const model::JsonValue& value : list->as_array()) {
      auto decoded = read_value(value);
      if (!decoded) return decoded.take_error();
      condition.values.push_back(std::move(*decoded));
    }
  }
  if (Status checked = check_values(*rule, condition.values); !checked) return checked.error();
  return condition;
}

Status add_legacy_parameters(const model::JsonValue& request, RequestExpressions& expressions) {
  if (const model::JsonValue* expected = present(request, "Expected");
      expected && expected->is_object()) {
    auto condition = expected_of(request, *expected);
    if (!condition) return condition.error();
    expressions.condition = std::move(*condition);
  }
  for (std::string_view parameter : {"QueryFilter", "ScanFilter"}) {
    const model::JsonValue* conditions = present(request, parameter);
    if (conditions == nullptr || !conditions->is_object()) continue;
    auto filter = filter_of(request, *conditions);
    if (!filter) return filter.error();
    expressions.filter = std::move(*filter);
  }
  if (const model::JsonValue* updates = present(request, "AttributeUpdates");
      updates && updates->is_object()) {
    std::vector<model::UpdateAction> actions;
    for (const auto& [attribute, spec] : updates->as_object()) {
      auto action = update_action(attribute, spec);
      if (!action) return action.error();
      actions.push_back(std::move(*action));
    }
    expressions.update = std::move(actions);
  }
  return {};
}

}  // namespace csv2ddb::local::dynamodb
