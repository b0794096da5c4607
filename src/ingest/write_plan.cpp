#include "ingest/write_plan.hpp"

#include <algorithm>

#include "model/expression.hpp"

namespace csv2ddb::ingest {
namespace {

Error invalid(std::string message) {
  return make_error(std::string(kInvalidCondition), std::move(message));
}

}  // namespace

std::string_view write_mode_name(WriteMode mode) {
  switch (mode) {
    case WriteMode::kPut:
      return "put";
    case WriteMode::kDelete:
      return "delete";
    case WriteMode::kUpdate:
      return "update";
    case WriteMode::kPutIfAbsent:
      return "put-if-absent";
  }
  return "put";
}

std::optional<WriteMode> parse_write_mode(std::string_view name) {
  for (WriteMode mode :
       {WriteMode::kPut, WriteMode::kDelete, WriteMode::kUpdate, WriteMode::kPutIfAbsent}) {
    if (write_mode_name(mode) == name) return mode;
  }
  return std::nullopt;
}

std::optional<std::string> WritePlan::missing_value(const model::Item& item) const {
  for (const std::string& token : values) {
    const std::string column = token.substr(1);
    if (item.find(column) == nullptr) return column;
  }
  return std::nullopt;
}

Result<WritePlan> make_write_plan(WriteMode mode, std::string_view condition,
                                  const model::KeySchema& schema,
                                  const std::vector<std::string>* columns) {
  WritePlan plan;
  plan.mode = mode;
  plan.schema = schema;
  if (mode == WriteMode::kPutIfAbsent) {
    if (!condition.empty()) {
      return invalid("--mode put-if-absent is itself a condition; it cannot take --condition");
    }
    plan.condition = "attribute_not_exists(#" + schema.hash.name + ")";
    plan.names = {"#" + schema.hash.name};
    return plan;
  }
  if (condition.empty()) return plan;
  model::ExpressionContext collecting;
  Result<model::ConditionNode> parsed =
      model::parse_condition(condition, model::ExpressionKind::kCondition, collecting);
  if (!parsed) {
    return invalid("--condition '" + std::string(condition) + "': " + parsed.error().message);
  }
  plan.condition = std::string(condition);
  plan.names.assign(collecting.used_names().begin(), collecting.used_names().end());
  plan.values.assign(collecting.used_values().begin(), collecting.used_values().end());
  // A #name is just the attribute's name (it may well be absent from the input, as in
  // attribute_not_exists(#deleted_at)); a :value must come from a column of each row.
  if (columns == nullptr) return plan;
  for (const std::string& token : plan.values) {
    const std::string column = token.substr(1);
    if (std::find(columns->begin(), columns->end(), column) != columns->end()) continue;
    std::string message = "--condition '";
    message.append(condition).append("' uses ").append(token);
    message.append(", but the input has no column '").append(column).append("'");
    return invalid(std::move(message));
  }
  return plan;
}

model::Item key_of(const model::Item& item, const model::KeySchema& schema) {
  model::Item key;
  for (const model::KeyAttribute* attribute :
       {&schema.hash, schema.range ? &*schema.range : nullptr}) {
    if (attribute == nullptr) continue;
    if (const model::AttributeValue* value = item.find(attribute->name)) {
      key.attributes.push_back({attribute->name, *value});
    }
  }
  return key;
}

}  // namespace csv2ddb::ingest
