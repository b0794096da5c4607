// UpdateItem with update and condition expressions: the stored item (or, when there is none, its
// key) is read in the write's transaction, the condition checked against it, the update applied
// to a copy, and the result written whole. ReturnValues NONE, ALL_OLD, UPDATED_OLD, ALL_NEW and
// UPDATED_NEW, as DynamoDB answers them. The legacy AttributeUpdates and Expected are served as
// the expressions they stand for (legacy_parameters.hpp).
#include <algorithm>

#include "local/dynamodb/item_keys.hpp"
#include "local/dynamodb/item_write_support.hpp"
#include "local/dynamodb/legacy_parameters.hpp"
#include "local/dynamodb/operations.hpp"
#include "local/dynamodb/request_checks.hpp"
#include "local/dynamodb/request_expressions.hpp"
#include "model/dynamodb_json.hpp"
#include "model/item_size.hpp"

namespace csv2ddb::local::dynamodb {
namespace {

Status check_shape(const model::JsonValue& request) {
  if (Status s =
          check_kinds(request, {{"ReturnConsumedCapacity", FieldKind::kString},
                                {"TableName", FieldKind::kString},
                                {"ReturnItemCollectionMetrics", FieldKind::kString},
                                {"ReturnValues", FieldKind::kString},
                                {"Key", FieldKind::kMap},
                                {"ConditionalOperator", FieldKind::kString},
                                {"Expected", FieldKind::kMap},
                                {"AttributeUpdates", FieldKind::kMap},
                                {"ConditionExpression", FieldKind::kString},
                                {"UpdateExpression", FieldKind::kString},
                                {"ExpressionAttributeValues", FieldKind::kMap},
                                {"ExpressionAttributeNames", FieldKind::kMap},
                                {"ReturnValuesOnConditionCheckFailure", FieldKind::kString}});
      !s) {
    return s;
  }
  if (Status s = check_table_name_required(request); !s) return s;
  ConstraintErrors errors;
  errors.enum_of(request.find("ReturnConsumedCapacity"), "returnConsumedCapacity",
                 {"INDEXES", "TOTAL", "NONE"});
  errors.table_name_pattern(request.find("TableName"), "tableName");
  errors.enum_of(request.find("ReturnItemCollectionMetrics"), "returnItemCollectionMetrics",
                 {"SIZE", "NONE"});
  errors.enum_of(request.find("ReturnValues"), "returnValues",
                 {"ALL_NEW", "UPDATED_OLD", "ALL_OLD", "NONE", "UPDATED_NEW"});
  errors.not_null(request.find("Key"), "key");
  errors.enum_of(request.find("ConditionalOperator"), "conditionalOperator", {"OR", "AND"});
  errors.enum_of(request.find("ReturnValuesOnConditionCheckFailure"),
                 "returnValuesOnConditionCheckFailure", {"ALL_OLD", "NONE"});
  if (Status s = errors.result(); !s) return s;
  if (Status s = check_expression_params(request, {"UpdateExpression", "ConditionExpression"},
                                         {"AttributeUpdates", "Expected"});
      !s) {
    return s;
  }
  return {};
}

std::string return_values(const model::JsonValue& request) {
  const model::JsonValue* returns = request.find("ReturnValues");
  return returns != nullptr && returns->is_string() ? returns->as_string() : "NONE";
}

// The top-level attributes an update touches, as paths (UPDATED_OLD, UPDATED_NEW).
std::vector<model::DocumentPath> updated_paths(const std::vector<model::UpdateAction>& actions) {
  std::vector<model::DocumentPath> paths;
  for (const model::UpdateAction& action : actions) paths.push_back(action.path);
  return paths;
}

void append_attributes(std::string& out, const model::Item& item) {
  if (item.attributes.empty()) return;
  out += "\"Attributes\":";
  model::append_dynamodb_item(out, item);
}

std::string response_body(const model::JsonValue& request, const RequestExpressions& expressions,
                          const UpdateOutcome& outcome, const TableInfo& table) {
  const std::string returns = return_values(request);
  const std::vector<model::DocumentPath> paths =
      expressions.update ? updated_paths(*expressions.update) : std::vector<model::DocumentPath>{};
  std::string out = "{";
  if (returns == "ALL_OLD" && outcome.before) append_attributes(out, *outcome.before);
  if (returns == "UPDATED_OLD" && outcome.before) {
    append_attributes(out, model::project(*outcome.before, paths));
  }
  if (returns == "ALL_NEW") append_attributes(out, outcome.after);
  if (returns == "UPDATED_NEW") append_attributes(out, model::project(outcome.after, paths));
  const std::string mode = capacity_mode(request);
  if (mode != "NONE") {
    append_capacity(out, mode, table.name,
                    static_cast<double>(write_units(outcome.new_size, outcome.old_size)));
  }
  out += '}';
  return out;
}

}  // namespace

Result<std::string> update_item(const model::JsonValue& request, OperationContext& context) {
  if (Status shape = check_shape(request); !shape) return shape.error();
  auto key = decode_item(*request.find("Key"));
  if (!key) return key.take_error();
  auto expressions = read_request_expressions(request);
  if (!expressions) return expressions.take_error();
  if (Status legacy = add_legacy_parameters(request, *expressions); !legacy) return legacy.error();
  auto table = require_table(context, request.find("TableName")->as_string());
  if (!table) return table.take_error();
  auto storage_key = key_storage_key(*key, *table);
  if (!storage_key) return storage_key.take_error();
  if (expressions->update) {
    if (Status untouched = check_key_untouched(*expressions->update, *table); !untouched) {
      return untouched.error();
    }
  }
  if (Status s = maybe_throttle(context); !s) return s.take_error();
  if (!context.faults.capacity().take(table->id, storage_key->hash, 1)) {
    return throughput_exceeded();  // --fault capacity/partition
  }
  UpdateOutcome outcome;
  const bool return_item = returns_item_on_failure(request);
  KeyedDecision decided{storage_key->hash, storage_key->range,
                        [&](const std::optional<StoredItem>& current) {
                          return updated_write(*table, *key, *storage_key, *expressions,
                                               return_item, current, outcome);
                        }};
  WriteResults results;
  if (Status written = context.store.write_decided(table->id, decided, &results); !written) {
    return written.take_error();
  }
  return response_body(request, *expressions, outcome, *table);
}

}  // namespace csv2ddb::local::dynamodb
