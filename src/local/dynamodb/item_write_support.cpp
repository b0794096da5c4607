#include "local/dynamodb/item_write_support.hpp"

#include "local/dynamodb/request_checks.hpp"
#include "local/dynamodb/secondary_indexes.hpp"
#include "model/dynamodb_json.hpp"
#include "model/item_size.hpp"

namespace csv2ddb::local::dynamodb {

std::string capacity_mode(const model::JsonValue& request) {
  const model::JsonValue* mode = request.find("ReturnConsumedCapacity");
  return mode != nullptr && mode->is_string() ? mode->as_string() : "NONE";
}

void append_capacity(std::string& out, const std::string& mode, const std::string& table,
                     double units) {
  const std::string capacity = consumed_capacity_json(mode, table, units);
  if (capacity.empty()) return;
  if (out.size() > 1) out += ',';
  out += "\"ConsumedCapacity\":" + capacity;
}

Status maybe_throttle(OperationContext& context) {
  if (!context.faults.roll(context.faults.spec().throttle)) return {};
  return make_error("ProvisionedThroughputExceededException",
                    "The level of configured provisioned throughput for the table was exceeded. "
                    "Consider increasing your provisioning level with the UpdateTable API.");
}

model::Item stored_item(const std::optional<StoredItem>& stored) {
  if (!stored) return {};
  Result<model::Item> item = model::decode_encoded_item(stored->json);
  return item ? std::move(*item) : model::Item{};
}

Status check_condition(const model::ConditionNode* condition,
                       const std::optional<StoredItem>& current, bool return_item) {
  if (condition == nullptr || model::evaluate_condition(*condition, stored_item(current))) {
    return {};
  }
  Error failed = make_error("ConditionalCheckFailedException", "The conditional request failed");
  if (return_item && current) failed.wire_members = "\"Item\":" + current->json;
  return failed;
}

Status write_one(OperationContext& context, std::int64_t table, const ItemWrite& write,
                 const model::ConditionNode* condition, bool return_item_on_failure,
                 WriteResults& results) {
  if (condition == nullptr) {
    return context.store.write(table, std::span<const ItemWrite>(&write, 1), &results);
  }
  KeyedDecision decided{
      write.hash, write.range,
      [&](const std::optional<StoredItem>& current) -> Result<std::optional<ItemWrite>> {
        if (Status ok = check_condition(condition, current, return_item_on_failure); !ok) {
          return ok.error();
        }
        return std::optional<ItemWrite>(write);
      }};
  return context.store.write_decided(table, decided, &results);
}

bool returns_item_on_failure(const model::JsonValue& request) {
  const model::JsonValue* mode = request.find("ReturnValuesOnConditionCheckFailure");
  return mode != nullptr && mode->is_string() && mode->as_string() == "ALL_OLD";
}

// An update may not touch the key, nor reach inside a key attribute.
Status check_key_untouched(const std::vector<model::UpdateAction>& actions,
                           const TableInfo& table) {
  std::vector<std::string> keys{table.key.hash.name};
  if (table.key.range) keys.push_back(table.key.range->name);
  for (const std::string& key : keys) {
    for (const model::UpdateAction& action : actions) {
      if (action.path.front().name != key) continue;
      if (action.path.size() > 1) {
        return validation_error(
            "Key attributes must be scalars; list random access '[]' and map lookup '.' are not "
            "allowed: Key: " +
            key);
      }
      return validation_error(
          "One or more parameter values were invalid: Cannot update attribute " + key +
          ". This attribute is part of the key");
    }
  }
  return {};
}

Result<std::optional<ItemWrite>> updated_write(const TableInfo& table, const model::Item& key,
                                               const StorageKey& storage_key,
                                               const RequestExpressions& expressions,
                                               bool return_item_on_failure,
                                               const std::optional<StoredItem>& current,
                                               UpdateOutcome& outcome) {
  const model::ConditionNode* condition = expressions.condition ? &*expressions.condition : nullptr;
  if (Status ok = check_condition(condition, current, return_item_on_failure); !ok) {
    return ok.error();
  }
  model::Item item = current ? stored_item(current) : key;
  if (current) {
    outcome.before = item;
    outcome.old_size = current->size;
  }
  if (expressions.update) {
    if (Status applied = model::apply_update(*expressions.update, item); !applied) {
      return applied.error();
    }
  }
  if (Status indexed = check_index_keys(item, table); !indexed) return indexed.error();
  const std::size_t size = model::item_size(item);
  if (size > model::kMaxItemBytes) {
    return validation_error("Item size to update has exceeded the maximum allowed size");
  }
  ItemWrite write{true, storage_key.hash, storage_key.range, {}, static_cast<std::uint32_t>(size)};
  model::append_dynamodb_item(write.json, item);
  outcome.after = std::move(item);
  outcome.new_size = write.size;
  return std::optional<ItemWrite>(std::move(write));
}

}  // namespace csv2ddb::local::dynamodb
