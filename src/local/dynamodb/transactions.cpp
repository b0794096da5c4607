// TransactWriteItems and TransactGetItems. A write transaction's items (ConditionCheck, Put,
// Delete, Update, on any tables) are each decided against the stored item and then all written
// or none, in one SQLite transaction of the writer (TableStore::write_transaction), so no other
// write comes between them. When a decision refuses, the answer is DynamoDB's
// TransactionCanceledException with a cancellation reason per item, in order:
// {"Code":"None"}, {"Code":"ConditionalCheckFailed","Message":...[,"Item":...]},
// {"Code":"ValidationError","Message":...}. ClientRequestToken is accepted but not remembered
// (a repeated request is applied again, where DynamoDB answers it from its 10-minute memory).
#include <algorithm>
#include <array>

#include "aws/error_codes.hpp"
#include "local/dynamodb/item_keys.hpp"
#include "local/dynamodb/item_write_support.hpp"
#include "local/dynamodb/operations.hpp"
#include "local/dynamodb/projection.hpp"
#include "local/dynamodb/request_checks.hpp"
#include "local/dynamodb/request_expressions.hpp"
#include "local/dynamodb/secondary_indexes.hpp"
#include "model/dynamodb_json.hpp"
#include "model/item_size.hpp"

namespace csv2ddb::local::dynamodb {
namespace {

constexpr std::array<std::string_view, 4> kWriteKinds = {"ConditionCheck", "Put", "Delete",
                                                         "Update"};

// One item of TransactWriteItems, read and checked, ready to be decided.
struct TransactWrite {
  std::string kind;
  TableInfo table;
  model::Item key;  // Put: the whole item
  StorageKey storage_key;
  RequestExpressions expressions;
  bool return_item = false;
  std::uint32_t size = 0;  // Put: the item's
};

Status check_transact_items(const model::JsonValue& request) {
  if (Status s = check_kinds(request, {{"TransactItems", FieldKind::kList},
                                       {"ReturnConsumedCapacity", FieldKind::kString},
                                       {"ReturnItemCollectionMetrics", FieldKind::kString},
                                       {"ClientRequestToken", FieldKind::kString}});
      !s) {
    return s;
  }
  ConstraintErrors errors;
  errors.not_null(request.find("TransactItems"), "transactItems");
  errors.length_between(request.find("TransactItems"), "transactItems", 1, 100);
  errors.enum_of(request.find("ReturnConsumedCapacity"), "returnConsumedCapacity",
                 {"INDEXES", "TOTAL", "NONE"});
  return errors.result();
}

// The one member of a TransactWriteItems entry ("Put": {...}), and its kind.
Result<std::pair<std::string, const model::JsonValue*>> kind_of(const model::JsonValue& entry) {
  std::vector<std::pair<std::string, const model::JsonValue*>> given;
  for (std::string_view kind : kWriteKinds) {
    const model::JsonValue* op = entry.find(kind);
    if (op != nullptr && !op->is_null()) given.emplace_back(std::string(kind), op);
  }
  if (given.size() != 1 || !given.front().second->is_object()) {
    return validation_error("TransactItems can only contain one of Check, Put, Update or Delete");
  }
  return given.front();
}

Result<TransactWrite> read_transact_write(const model::JsonValue& entry,
                                          OperationContext& context) {
  auto kind = kind_of(entry);
  if (!kind) return kind.take_error();
  const model::JsonValue& op = *kind->second;
  TransactWrite out;
  out.kind = kind->first;
  if (Status s = check_table_name_required(op); !s) return s.take_error();
  const bool is_put = out.kind == "Put";
  const model::JsonValue* item = op.find(is_put ? "Item" : "Key");
  if (item == nullptr || !item->is_object()) {
    return validation_error(std::string("1 validation error detected: Value null at '") +
                            (is_put ? "item" : "key") +
                            "' failed to satisfy constraint: Member must not be null");
  }
  auto decoded = decode_item(*item);
  if (!decoded) return decoded.take_error();
  out.key = std::move(*decoded);
  const Status params =
      out.kind == "Update"
          ? check_expression_params(op, {"UpdateExpression", "ConditionExpression"}, {})
          : check_expression_params(op, {"ConditionExpression"}, {});
  if (!params) return params.error();
  auto parsed = read_request_expressions(op);
  if (!parsed) return parsed.take_error();
  out.expressions = std::move(*parsed);
  if (out.kind == "ConditionCheck" && !out.expressions.condition) {
    return validation_error(
        "1 validation error detected: Value null at 'conditionExpression' failed to satisfy "
        "constraint: Member must not be null");
  }
  if (out.kind == "Update" && !out.expressions.update) {
    return validation_error(
        "1 validation error detected: Value null at 'updateExpression' failed to satisfy "
        "constraint: Member must not be null");
  }
  auto table = require_table(context, op.find("TableName")->as_string());
  if (!table) return table.take_error();
  out.table = std::move(*table);
  auto key = is_put ? item_storage_key(out.key, out.table) : key_storage_key(out.key, out.table);
  if (!key) return key.take_error();
  out.storage_key = std::move(*key);
  if (out.expressions.update) {
    if (Status s = check_key_untouched(*out.expressions.update, out.table); !s) return s.error();
  }
  if (is_put) {
    const std::size_t size = model::item_size(out.key);
    if (size > model::kMaxItemBytes) {
      return validation_error("Item size has exceeded the maximum allowed size");
    }
    out.size = static_cast<std::uint32_t>(size);
    if (Status indexed = check_index_keys(out.key, out.table); !indexed) return indexed.error();
  }
  out.return_item = returns_item_on_failure(op);
  return out;
}

// What the item's decision writes, under its condition.
KeyedDecision decision_of(const TransactWrite& write, UpdateOutcome& outcome) {
  return KeyedDecision{
      write.storage_key.hash, write.storage_key.range,
      [&write,
       &outcome](const std::optional<StoredItem>& current) -> Result<std::optional<ItemWrite>> {
        if (write.kind == "Update") {
          return updated_write(write.table, write.key, write.storage_key, write.expressions,
                               write.return_item, current, outcome);
        }
        const model::ConditionNode* condition =
            write.expressions.condition ? &*write.expressions.condition : nullptr;
        if (Status ok = check_condition(condition, current, write.return_item); !ok) {
          return ok.error();
        }
        if (write.kind == "ConditionCheck") return std::optional<ItemWrite>();
        ItemWrite out{
            write.kind == "Put", write.storage_key.hash, write.storage_key.range, {}, write.size};
        if (out.is_put) model::append_dynamodb_item(out.json, write.key);
        return std::optional<ItemWrite>(std::move(out));
      }};
}

// {"Code":...,"Message":...} for one item's outcome, and its code for the message.
std::string cancellation_reason(const Status& outcome, std::string& code) {
  if (outcome) {
    code = "None";
    return "{\"Code\":\"None\"}";
  }
  const Error& error = outcome.error();
  code = aws::has_code(error, aws::code::kConditionalCheckFailedException)
             ? "ConditionalCheckFailed"
             : "ValidationError";
  std::string out = "{\"Code\":\"" + code + "\",\"Message\":";
  model::append_json_string(out, error.message);
  if (!error.wire_members.empty()) out += "," + error.wire_members;  // the old item
  out += '}';
  return out;
}

Error cancelled(const std::vector<Status>& outcomes) {
  std::string reasons = "\"CancellationReasons\":[";
  std::string codes;
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    std::string code;
    if (i != 0) {
      reasons += ',';
      codes += ", ";
    }
    reasons += cancellation_reason(outcomes[i], code);
    codes += code;
  }
  reasons += ']';
  Error error = make_error("TransactionCanceledException",
                           "Transaction cancelled, please refer cancellation reasons for specific "
                           "reasons [" +
                               codes + "]");
  error.wire_members = std::move(reasons);
  return error;
}

// ConsumedCapacity per table: a transactional write costs twice a plain one.
std::string write_capacities(const std::string& mode, const std::vector<TransactWrite>& writes) {
  std::vector<std::pair<std::string, double>> per_table;
  for (const TransactWrite& write : writes) {
    const double units = 2.0 * std::max<std::uint32_t>(1, (write.size + 1023) / 1024);
    auto found = std::find_if(per_table.begin(), per_table.end(),
                              [&](const auto& entry) { return entry.first == write.table.name; });
    if (found == per_table.end()) {
      per_table.emplace_back(write.table.name, units);
    } else {
      found->second += units;
    }
  }
  std::string out;
  for (const auto& [table, units] : per_table) {
    if (!out.empty()) out += ',';
    out += consumed_capacity_json(mode, table, units);
  }
  return out;
}

}  // namespace

Result<std::string> transact_write_items(const model::JsonValue& request,
                                         OperationContext& context) {
  if (Status s = check_transact_items(request); !s) return s.take_error();
  std::vector<TransactWrite> writes;
  for (const model::JsonValue& entry : request.find("TransactItems")->as_array()) {
    auto write = read_transact_write(entry, context);
    if (!write) return write.take_error();
    for (const TransactWrite& earlier : writes) {
      if (earlier.table.id == write->table.id &&
          earlier.storage_key.hash == write->storage_key.hash &&
          earlier.storage_key.range == write->storage_key.range) {
        return validation_error(
            "Transaction request cannot include multiple operations on one item");
      }
    }
    writes.push_back(std::move(*write));
  }
  if (Status s = maybe_throttle(context); !s) return s.take_error();
  std::vector<UpdateOutcome> outcomes(writes.size());
  std::vector<TableDecision> decisions;
  decisions.reserve(writes.size());
  for (std::size_t i = 0; i < writes.size(); ++i) {
    decisions.push_back(TableDecision{writes[i].table.id, decision_of(writes[i], outcomes[i])});
  }
  std::vector<Status> decided;
  if (Status s = context.store.write_transaction(decisions, decided); !s) return s.take_error();
  if (std::any_of(decided.begin(), decided.end(), [](const Status& s) { return !s; })) {
    return cancelled(decided);
  }
  const std::string mode = capacity_mode(request);
  if (mode == "NONE") return std::string("{}");
  return "{\"ConsumedCapacity\":[" + write_capacities(mode, writes) + "]}";
}

Result<std::string> transact_get_items(const model::JsonValue& request, OperationContext& context) {
  if (Status s = check_transact_items(request); !s) return s.take_error();
  std::string out = "{\"Responses\":[";
  bool first = true;
  for (const model::JsonValue& entry : request.find("TransactItems")->as_array()) {
    const model::JsonValue* get = entry.find("Get");
    if (get == nullptr || !get->is_object()) {
      return validation_error("TransactItems can only contain Get");
    }
    if (Status s = check_table_name_required(*get); !s) return s.take_error();
    const model::JsonValue* key_json = get->find("Key");
    if (key_json == nullptr || !key_json->is_object()) {
      return validation_error(
          "1 validation error detected: Value null at 'key' failed to satisfy constraint: "
          "Member must not be null");
    }
    auto key = decode_item(*key_json);
    if (!key) return key.take_error();
    if (Status s = check_expression_params(*get, {"ProjectionExpression"}, {}); !s) {
      return s.take_error();
    }
    auto expressions = read_request_expressions(*get);
    if (!expressions) return expressions.take_error();
    auto projection = item_projection(*get, *expressions);
    if (!projection) return projection.take_error();
    auto table = require_table(context, get->find("TableName")->as_string());
    if (!table) return table.take_error();
    auto storage_key = key_storage_key(*key, *table);
    if (!storage_key) return storage_key.take_error();
    auto found = context.store.get(table->id, storage_key->hash, storage_key->range);
    if (!found) return found.take_error();
    if (!first) out += ',';
    first = false;
    out += '{';
    if (*found) {
      out += "\"Item\":";
      if (Status s = append_projected(out, (*found)->json, *projection); !s) return s.error();
    }
    out += '}';
  }
  out += "]}";
  return out;
}

}  // namespace csv2ddb::local::dynamodb
