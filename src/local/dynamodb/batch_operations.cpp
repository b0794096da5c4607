// BatchWriteItem and BatchGetItem with DynamoDB's request rules: 1 to 25 write requests per
// table and at most 25 in all, 1 to 100 keys per table and at most 100 in all, table names 3 to 255
// characters, no key twice, items up to 400 KB, every attribute value valid. A batch is validated
// whole before anything is written, and each table's writes are one SQLite transaction.
#include <algorithm>
#include <unordered_set>

#include "local/capacity_limiter.hpp"
#include "local/dynamodb/batch_write.hpp"
#include "local/dynamodb/item_keys.hpp"
#include "local/dynamodb/operations.hpp"
#include "local/dynamodb/projection.hpp"
#include "local/dynamodb/request_checks.hpp"
#include "local/dynamodb/request_expressions.hpp"
#include "local/dynamodb/secondary_indexes.hpp"
#include "model/dynamodb_json.hpp"
#include "model/item_size.hpp"

namespace csv2ddb::local::dynamodb {
namespace {

constexpr std::size_t kMaxWriteRequestsPerTable = 25;
constexpr std::size_t kMaxWriteRequests = 25;  // across all tables of one call
constexpr std::size_t kMaxBatchGetKeys = 100;

std::string capacity_mode(const model::JsonValue& request) {
  const model::JsonValue* mode = request.find("ReturnConsumedCapacity");
  return mode != nullptr && mode->is_string() ? mode->as_string() : "NONE";
}

// The map-wide constraints on RequestItems, worded as DynamoDB words them.
void check_request_items_map(ConstraintErrors& errors, const model::JsonValue* items,
                             std::size_t max_per_table, bool values_are_lists) {
  errors.not_null(items, "requestItems");
  if (items == nullptr || !items->is_object()) return;
  errors.require(!items->as_object().empty(), items, "requestItems",
                 "Member must have length greater than or equal to 1");
  for (const auto& [table, requests] : items->as_object()) {
    const std::size_t length = table.size();
    if (length < 3 || length > 255 || !is_table_name(table)) {
      errors.require(false, items, "requestItems",
                     "Map keys must satisfy constraint: [Member must have length less than or "
                     "equal to 255, Member must have length greater than or equal to 3, Member "
                     "must satisfy regular expression pattern: [a-zA-Z0-9_.-]+]");
    }
  }
  if (!values_are_lists) return;
  for (const auto& [table, requests] : items->as_object()) {
    // A table's null list is a list of none: below the length of one.
    if (!requests.is_array() && !requests.is_null()) continue;
    const std::size_t count = requests.is_null() ? 0 : requests.as_array().size();
    if (count < 1 || count > max_per_table) {
      errors.require(false, items, "requestItems",
                     "Map value must satisfy constraint: [Member must have length less than or "
                     "equal to 25, Member must have length greater than or equal to 1]");
    }
  }
}

}  // namespace

void WriteRequestOrigin::append_to(std::string& out) const {
  if (node_ != nullptr) {
    model::JsonWriter(out).value(*node_);
    return;
  }
  // The fast path's element text: valid JSON, or the fast path would have declined it.
  auto parsed = model::parse_json(text_);
  if (parsed) model::JsonWriter(out).value(*parsed);
}

Result<BatchWritePlan> plan_batch_write(const model::JsonValue& request,
                                        OperationContext& context) {
  if (Status s = check_kinds(request, {{"ReturnConsumedCapacity", FieldKind::kString},
                                       {"ReturnItemCollectionMetrics", FieldKind::kString},
                                       {"RequestItems", FieldKind::kMap}});
      !s) {
    return s.take_error();
  }
  const model::JsonValue* items = request.find("RequestItems");
  if (items != nullptr && items->is_object()) {
    for (const auto& [table, requests] : items->as_object()) {
      if (requests.is_null()) continue;
      if (!requests.is_array()) {
        return serialization_error(
            "class sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl cannot be cast "
            "to class java.lang.Class (sun.reflect.generics.reflectiveObjects."
            "ParameterizedTypeImpl and java.lang.Class are in module java.base of loader "
            "'bootstrap')");
      }
      for (const model::JsonValue& element : requests.as_array()) {
        if (Status s = check_kind(&element, FieldKind::kStruct); !s) return s.take_error();
        for (const char* kind : {"DeleteRequest", "PutRequest"}) {
          const model::JsonValue* inner = element.find(kind);
          if (Status s = check_kind(inner, FieldKind::kStruct); !s) return s.take_error();
          if (inner == nullptr || !inner->is_object()) continue;
          if (Status s = check_kind(inner->find(kind[0] == 'D' ? "Key" : "Item"), FieldKind::kMap);
              !s) {
            return s.take_error();
          }
        }
      }
    }
  }
  ConstraintErrors errors;
  errors.enum_of(request.find("ReturnConsumedCapacity"), "returnConsumedCapacity",
                 {"INDEXES", "TOTAL", "NONE"});
  errors.enum_of(request.find("ReturnItemCollectionMetrics"), "returnItemCollectionMetrics",
                 {"SIZE", "NONE"});
  check_request_items_map(errors, items, kMaxWriteRequestsPerTable, true);
  if (Status s = errors.result(); !s) return s.take_error();
  // The per-table limit above is the request shape's; the limit of the call is on the total.
  std::size_t total = 0;
  for (const auto& [table, requests] : items->as_object()) total += requests.as_array().size();
  if (total > kMaxWriteRequests) {
    return validation_error("Too many items requested for the BatchWriteItem call");
  }

  // Attribute values and item sizes, before any table is looked at.
  struct Decoded {
    bool is_put;
    model::Item item;
    std::size_t size;
  };
  std::vector<std::vector<Decoded>> decoded;
  for (const auto& [table, requests] : items->as_object()) {
    decoded.emplace_back();
    for (const model::JsonValue& element : requests.as_array()) {
      if (element.as_object().empty()) {
        return validation_error(
            "Supplied AttributeValue has more than one datatypes set, must contain exactly one "
            "of the supported datatypes");
      }
    }
    for (const model::JsonValue& element : requests.as_array()) {
      const model::JsonValue* put = element.find("PutRequest");
      const model::JsonValue* del = element.find("DeleteRequest");
      const bool is_put = put != nullptr && put->is_object();
      const model::JsonValue* body = is_put                               ? put->find("Item")
                                     : del != nullptr && del->is_object() ? del->find("Key")
                                                                          : nullptr;
      if (body == nullptr || !body->is_object()) {
        return validation_error("1 validation error detected: Value null at 'requestItems." +
                                table + ".member." +
                                (is_put ? "putRequest.item" : "deleteRequest.key") +
                                "' failed to satisfy constraint: Member must not be null");
      }
      auto item = decode_item(*body);
      if (!item) return item.take_error();
      const std::size_t size = is_put ? model::item_size(*item) : 0;
      if (is_put && size > model::kMaxItemBytes) {
        return validation_error("Item size has exceeded the maximum allowed size");
      }
      decoded.back().push_back({is_put, std::move(*item), size});
    }
  }

  // Tables, keys and duplicates.
  std::vector<TableWrites> plan;
  std::size_t table_index = 0;
  for (const auto& [table_name, requests] : items->as_object()) {
    auto table = require_table(context, table_name);
    if (!table) return table.take_error();
    TableWrites writes{std::move(*table), {}, {}};
    std::unordered_set<std::string> seen;
    std::size_t i = 0;
    for (Decoded& d : decoded[table_index]) {
      auto key =
          d.is_put ? item_storage_key(d.item, writes.table) : key_storage_key(d.item, writes.table);
      if (key && d.is_put) {
        // One item with a bad index key refuses the whole batch, as DynamoDB does.
        if (Status indexed = check_index_keys(d.item, writes.table); !indexed) {
          return indexed.error();
        }
      }
      if (!key) {
        Error error = key.take_error();
        if (error.message.find("Missing the key") != std::string::npos ||
            error.message.find("Type mismatch for key") != std::string::npos) {
          error.message = "The provided key element does not match the schema";
        }
        return error;
      }
      std::string identity = key->hash;
      identity.push_back('\0');
      identity += std::to_string(key->hash.size());
      identity.push_back('\0');
      identity += key->range;
      if (!seen.insert(std::move(identity)).second) {
        return validation_error("Provided list of item keys contains duplicates");
      }
      ItemWrite write{d.is_put,
                      std::move(key->hash),
                      std::move(key->range),
                      {},
                      static_cast<std::uint32_t>(d.size)};
      if (d.is_put) model::append_dynamodb_item(write.json, d.item);
      writes.writes.push_back(std::move(write));
      writes.originals.emplace_back(&requests.as_array()[i++]);
    }
    plan.push_back(std::move(writes));
    ++table_index;
  }
  return BatchWritePlan{capacity_mode(request), std::move(plan)};
}

Result<std::string> run_batch_write(BatchWritePlan& batch, OperationContext& context) {
  if (context.faults.roll(context.faults.spec().throttle)) {
    return make_error("ProvisionedThroughputExceededException",
                      "The level of configured provisioned throughput for the table was exceeded. "
                      "Consider increasing your provisioning level with the UpdateTable API.");
  }

  const std::string mode = batch.capacity_mode;
  std::string unprocessed;
  std::string capacities;
  std::size_t taken = 0;  // --fault capacity/partition: none taken is a throttled call
  for (TableWrites& writes : batch.tables) {
    // Injected partial failure: these requests are returned, not written.
    std::vector<ItemWrite> to_write;
    std::string table_unprocessed;
    for (std::size_t i = 0; i < writes.writes.size(); ++i) {
      if (context.faults.roll(context.faults.spec().unprocessed) ||
          !context.faults.capacity().take(writes.table.id, writes.writes[i].hash,
                                          write_units(writes.writes[i].size, 0))) {
        if (!table_unprocessed.empty()) table_unprocessed += ',';
        writes.originals[i].append_to(table_unprocessed);
      } else {
        to_write.push_back(std::move(writes.writes[i]));
      }
    }
    WriteResults results;
    taken += to_write.size();
    if (!to_write.empty()) {
      if (Status s =
              context.store.write(writes.table.id, to_write, mode == "NONE" ? nullptr : &results);
          !s) {
        return s.take_error();
      }
    }
    if (!table_unprocessed.empty()) {
      if (!unprocessed.empty()) unprocessed += ',';
      model::append_json_string(unprocessed, writes.table.name);
      unprocessed += ":[" + table_unprocessed + "]";
    }
    if (mode != "NONE") {
      std::uint64_t units = 0;
      for (std::size_t i = 0; i < to_write.size(); ++i) {
        units += write_units(to_write[i].size, results.old_sizes[i]);
      }
      if (!capacities.empty()) capacities += ',';
      capacities += consumed_capacity_json(mode, writes.table.name, static_cast<double>(units));
    }
  }
  if (taken == 0 && context.faults.capacity().enabled()) return throughput_exceeded();
  std::string out = "{\"UnprocessedItems\":{" + unprocessed + "}";
  if (mode != "NONE") out += ",\"ConsumedCapacity\":[" + capacities + "]";
  out += '}';
  return out;
}

Result<std::string> batch_write_item(const model::JsonValue& request, OperationContext& context) {
  auto plan = plan_batch_write(request, context);
  if (!plan) return plan.take_error();
  return run_batch_write(*plan, context);
}

Result<std::string> batch_get_item(const model::JsonValue& request, OperationContext& context) {
  if (Status s = check_kinds(request, {{"ReturnConsumedCapacity", FieldKind::kString},
                                       {"RequestItems", FieldKind::kMap}});
      !s) {
    return s.take_error();
  }
  const model::JsonValue* items = request.find("RequestItems");
  if (items != nullptr && items->is_object()) {
    for (const auto& [table, spec] : items->as_object()) {
      if (Status s = check_kind(&spec, FieldKind::kStruct); !s) return s.take_error();
      if (!spec.is_object()) continue;
      if (Status s = check_kinds(spec, {{"Keys", FieldKind::kList},
                                        {"ConsistentRead", FieldKind::kBoolean},
                                        {"ProjectionExpression", FieldKind::kString},
                                        {"ExpressionAttributeNames", FieldKind::kMap},
                                        {"AttributesToGet", FieldKind::kList}});
          !s) {
        return s.take_error();
      }
    }
  }
  ConstraintErrors errors;
  errors.enum_of(request.find("ReturnConsumedCapacity"), "returnConsumedCapacity",
                 {"INDEXES", "TOTAL", "NONE"});
  check_request_items_map(errors, items, kMaxBatchGetKeys, false);
  if (items != nullptr && items->is_object()) {
    for (const auto& [table, spec] : items->as_object()) {
      const std::string path = "requestItems." + table + ".member.keys";
      errors.not_null(spec.find("Keys"), path);
      errors.length_between(spec.find("Keys"), path, 1, 100);
    }
  }
  if (Status s = errors.result(); !s) return s.take_error();

  struct TableKeys {
    TableInfo table;
    std::vector<StorageKey> keys;
    ItemProjection projection;
    bool consistent;
  };
  std::vector<std::vector<model::Item>> decoded;
  std::size_t total = 0;
  for (const auto& [table, spec] : items->as_object()) {
    decoded.emplace_back();
    for (const model::JsonValue& key : spec.find("Keys")->as_array()) {
      if (!key.is_object()) return serialization_error("Unexpected field type");
      auto item = decode_item(key);
      if (!item) return item.take_error();
      decoded.back().push_back(std::move(*item));
      ++total;
    }
  }
  if (total > kMaxBatchGetKeys) {
    return validation_error("Too many items requested for the BatchGetItem call");
  }
  std::vector<TableKeys> plan;
  std::size_t index = 0;
  for (const auto& [table_name, spec] : items->as_object()) {
    if (Status s = check_expression_params(spec, {"ProjectionExpression"}, {"AttributesToGet"});
        !s) {
      return s.take_error();
    }
    auto expressions = read_request_expressions(spec);
    if (!expressions) return expressions.take_error();
    auto projection = item_projection(spec, *expressions);
    if (!projection) return projection.take_error();
    auto table = require_table(context, table_name);
    if (!table) return table.take_error();
    TableKeys keys{
        std::move(*table), {}, std::move(*projection), json_boolean(spec.find("ConsistentRead"))};
    std::unordered_set<std::string> seen;
    for (const model::Item& key_item : decoded[index]) {
      auto key = key_storage_key(key_item, keys.table);
      if (!key) return key.take_error();
      if (!seen.insert(key->hash + '\0' + std::to_string(key->hash.size()) + '\0' + key->range)
               .second) {
        return validation_error("Provided list of item keys contains duplicates");
      }
      keys.keys.push_back(std::move(*key));
    }
    plan.push_back(std::move(keys));
    ++index;
  }
  const std::string mode = capacity_mode(request);
  std::string responses;
  std::string capacities;
  for (const TableKeys& keys : plan) {
    if (!responses.empty()) responses += ',';
    model::append_json_string(responses, keys.table.name);
    responses += ":[";
    bool first = true;
    double units = 0;
    for (const StorageKey& key : keys.keys) {
      auto found = context.store.get(keys.table.id, key.hash, key.range);
      if (!found) return found.take_error();
      const std::uint32_t size = *found ? (*found)->size : 0;
      units += static_cast<double>(std::max<std::uint32_t>(1, (size + 4095) / 4096)) *
               (keys.consistent ? 1.0 : 0.5);
      if (!*found) continue;
      if (!first) responses += ',';
      first = false;
      if (Status s = append_projected(responses, (*found)->json, keys.projection); !s) {
        return s.take_error();
      }
    }
    responses += ']';
    if (mode != "NONE") {
      if (!capacities.empty()) capacities += ',';
      capacities += consumed_capacity_json(mode, keys.table.name, units);
    }
  }
  std::string out = "{\"Responses\":{" + responses + "},\"UnprocessedKeys\":{}";
  if (mode != "NONE") out += ",\"ConsumedCapacity\":[" + capacities + "]";
  out += '}';
  return out;
}

}  // namespace csv2ddb::local::dynamodb
