#include "local/dynamodb/item_write_support.hpp"

#include "model/dynamodb_json.hpp"

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

}  // namespace csv2ddb::local::dynamodb
