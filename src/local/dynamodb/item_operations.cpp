// PutItem, GetItem, DeleteItem, with condition expressions or the legacy Expected (checked
// against the stored item in the write's own transaction) and ReturnValues. UpdateItem is
// update_item.cpp.
#include <algorithm>

#include "local/dynamodb/item_keys.hpp"
#include "local/dynamodb/item_write_support.hpp"
#include "local/dynamodb/legacy_parameters.hpp"
#include "local/dynamodb/operations.hpp"
#include "local/dynamodb/projection.hpp"
#include "local/dynamodb/request_checks.hpp"
#include "local/dynamodb/request_expressions.hpp"
#include "local/dynamodb/secondary_indexes.hpp"
#include "model/dynamodb_json.hpp"
#include "model/item_size.hpp"

namespace csv2ddb::local::dynamodb {
namespace {

// Checks shared by GetItem and DeleteItem up to the table lookup; returns the decoded key.
Result<model::Item> check_key_request(const model::JsonValue& request, bool is_delete) {
  if (Status s =
          check_kinds(request, {{"ReturnConsumedCapacity", FieldKind::kString},
                                {"AttributesToGet", FieldKind::kList},
                                {"TableName", FieldKind::kString},
                                {"Key", FieldKind::kMap},
                                {"ConsistentRead", FieldKind::kBoolean},
                                {"ReturnValues", FieldKind::kString},
                                {"ProjectionExpression", FieldKind::kString},
                                {"ConditionExpression", FieldKind::kString},
                                {"Expected", FieldKind::kMap},
                                {"ConditionalOperator", FieldKind::kString},
                                {"ExpressionAttributeNames", FieldKind::kMap},
                                {"ExpressionAttributeValues", FieldKind::kMap},
                                {"ReturnValuesOnConditionCheckFailure", FieldKind::kString}});
      !s) {
    return s.take_error();
  }
  if (Status s = check_table_name_required(request); !s) return s.take_error();
  ConstraintErrors errors;
  errors.enum_of(request.find("ReturnConsumedCapacity"), "returnConsumedCapacity",
                 {"INDEXES", "TOTAL", "NONE"});
  errors.table_name_pattern(request.find("TableName"), "tableName");
  errors.not_null(request.find("Key"), "key");
  if (is_delete) {
    errors.enum_of(request.find("ConditionalOperator"), "conditionalOperator", {"OR", "AND"});
    errors.enum_of(request.find("ReturnValues"), "returnValues",
                   {"ALL_NEW", "UPDATED_OLD", "ALL_OLD", "NONE", "UPDATED_NEW"});
    errors.enum_of(request.find("ReturnValuesOnConditionCheckFailure"),
                   "returnValuesOnConditionCheckFailure", {"ALL_OLD", "NONE"});
  }
  if (Status s = errors.result(); !s) return s.take_error();
  if (is_delete) {
    if (Status s = check_expression_params(request, {"ConditionExpression"}, {"Expected"}); !s) {
      return s.take_error();
    }
  } else if (Status s =
                 check_expression_params(request, {"ProjectionExpression"}, {"AttributesToGet"});
             !s) {
    return s.take_error();
  }
  auto key = decode_item(*request.find("Key"));
  if (!key) return key.take_error();
  if (is_delete) {
    const model::JsonValue* returns = request.find("ReturnValues");
    if (returns != nullptr && returns->is_string() && returns->as_string() != "ALL_OLD" &&
        returns->as_string() != "NONE") {
      return validation_error("ReturnValues can only be ALL_OLD or NONE");
    }
  }
  return key;
}

bool wants_old(const model::JsonValue& request) {
  const model::JsonValue* returns = request.find("ReturnValues");
  return returns != nullptr && returns->is_string() && returns->as_string() == "ALL_OLD";
}

}  // namespace

Result<std::string> put_item(const model::JsonValue& request, OperationContext& context) {
  if (Status s =
          check_kinds(request, {{"ReturnConsumedCapacity", FieldKind::kString},
                                {"TableName", FieldKind::kString},
                                {"Item", FieldKind::kMap},
                                {"ReturnValues", FieldKind::kString},
                                {"ConditionExpression", FieldKind::kString},
                                {"Expected", FieldKind::kMap},
                                {"ConditionalOperator", FieldKind::kString},
                                {"ExpressionAttributeValues", FieldKind::kMap},
                                {"ExpressionAttributeNames", FieldKind::kMap},
                                {"ReturnValuesOnConditionCheckFailure", FieldKind::kString}});
      !s) {
    return s.take_error();
  }
  if (Status s = check_table_name_required(request); !s) return s.take_error();
  ConstraintErrors errors;
  errors.enum_of(request.find("ReturnConsumedCapacity"), "returnConsumedCapacity",
                 {"INDEXES", "TOTAL", "NONE"});
  errors.table_name_pattern(request.find("TableName"), "tableName");
  errors.not_null(request.find("Item"), "item");
  errors.enum_of(request.find("ConditionalOperator"), "conditionalOperator", {"OR", "AND"});
  errors.enum_of(request.find("ReturnValues"), "returnValues",
                 {"ALL_NEW", "UPDATED_OLD", "ALL_OLD", "NONE", "UPDATED_NEW"});
  errors.enum_of(request.find("ReturnValuesOnConditionCheckFailure"),
                 "returnValuesOnConditionCheckFailure", {"ALL_OLD", "NONE"});
  if (Status s = errors.result(); !s) return s.take_error();
  if (Status s = check_expression_params(request, {"ConditionExpression"}, {"Expected"}); !s) {
    return s.take_error();
  }
  auto item = decode_item(*request.find("Item"));
  if (!item) return item.take_error();
  const model::JsonValue* returns = request.find("ReturnValues");
  if (returns != nullptr && returns->is_string() && returns->as_string() != "ALL_OLD" &&
      returns->as_string() != "NONE") {
    return validation_error("ReturnValues can only be ALL_OLD or NONE");
  }
  const std::size_t size = model::item_size(*item);
  if (size > model::kMaxItemBytes) {
    return validation_error("Item size has exceeded the maximum allowed size");
  }
  auto expressions = read_request_expressions(request);
  if (!expressions) return expressions.take_error();
  if (Status legacy = add_legacy_parameters(request, *expressions); !legacy) {
    return legacy.take_error();
  }
  auto table = require_table(context, request.find("TableName")->as_string());
  if (!table) return table.take_error();
  auto key = item_storage_key(*item, *table);
  if (!key) return key.take_error();
  if (Status indexed = check_index_keys(*item, *table); !indexed) return indexed.error();
  if (Status s = maybe_throttle(context); !s) return s.take_error();
  if (!context.faults.capacity().take(table->id, key->hash, (size + 1023) / 1024)) {
    return throughput_exceeded();  // --fault capacity/partition
  }

  ItemWrite write{
      true, std::move(key->hash), std::move(key->range), {}, static_cast<std::uint32_t>(size)};
  model::append_dynamodb_item(write.json, *item);
  // The old item is read inside the write's transaction: it is the one this put replaced.
  WriteResults results;
  results.want_old_items = wants_old(request);
  const std::string mode = capacity_mode(request);
  const model::ConditionNode* condition =
      expressions->condition ? &*expressions->condition : nullptr;
  if (Status written = write_one(context, table->id, write, condition,
                                 returns_item_on_failure(request), results);
      !written) {
    return written.take_error();
  }
  std::string out = "{";
  if (results.want_old_items && !results.old_items.empty() && results.old_items[0]) {
    out += "\"Attributes\":" + *results.old_items[0];
  }
  if (mode != "NONE") {
    const std::uint32_t old_size = results.old_sizes.empty() ? 0 : results.old_sizes[0];
    append_capacity(out, mode, table->name, static_cast<double>(write_units(write.size, old_size)));
  }
  out += '}';
  return out;
}

Result<std::string> get_item(const model::JsonValue& request, OperationContext& context) {
  auto key_item = check_key_request(request, false);
  if (!key_item) return key_item.take_error();
  auto expressions = read_request_expressions(request);
  if (!expressions) return expressions.take_error();
  auto projection = item_projection(request, *expressions);
  if (!projection) return projection.take_error();
  auto table = require_table(context, request.find("TableName")->as_string());
  if (!table) return table.take_error();
  auto key = key_storage_key(*key_item, *table);
  if (!key) return key.take_error();
  auto found = context.store.get(table->id, key->hash, key->range);
  if (!found) return found.take_error();
  std::string out = "{";
  std::uint32_t size = 0;
  if (*found) {
    size = (*found)->size;
    out += "\"Item\":";
    if (Status s = append_projected(out, (*found)->json, *projection); !s) return s.take_error();
  }
  const bool consistent = json_boolean(request.find("ConsistentRead"));
  const double units = static_cast<double>(std::max<std::uint32_t>(1, (size + 4095) / 4096)) *
                       (consistent ? 1.0 : 0.5);
  append_capacity(out, capacity_mode(request), table->name, units);
  out += '}';
  return out;
}

Result<std::string> delete_item(const model::JsonValue& request, OperationContext& context) {
  auto key_item = check_key_request(request, true);
  if (!key_item) return key_item.take_error();
  auto expressions = read_request_expressions(request);
  if (!expressions) return expressions.take_error();
  if (Status legacy = add_legacy_parameters(request, *expressions); !legacy) {
    return legacy.take_error();
  }
  auto table = require_table(context, request.find("TableName")->as_string());
  if (!table) return table.take_error();
  auto key = key_storage_key(*key_item, *table);
  if (!key) return key.take_error();
  if (Status s = maybe_throttle(context); !s) return s.take_error();
  ItemWrite write{false, std::move(key->hash), std::move(key->range), {}, 0};
  WriteResults results;
  results.want_old_items = wants_old(request);
  const std::string mode = capacity_mode(request);
  const model::ConditionNode* condition =
      expressions->condition ? &*expressions->condition : nullptr;
  if (Status written = write_one(context, table->id, write, condition,
                                 returns_item_on_failure(request), results);
      !written) {
    return written.take_error();
  }
  std::string out = "{";
  if (results.want_old_items && !results.old_items.empty() && results.old_items[0]) {
    out += "\"Attributes\":" + *results.old_items[0];
  }
  if (mode != "NONE") {
    const std::uint32_t old_size = results.old_sizes.empty() ? 0 : results.old_sizes[0];
    append_capacity(out, mode, table->name, static_cast<double>(write_units(0, old_size)));
  }
  out += '}';
  return out;
}

}  // namespace csv2ddb::local::dynamodb
