// What PutItem, DeleteItem, UpdateItem and TransactWriteItems share: ReturnConsumedCapacity, the
// injected throttle, and conditions checked against the stored item inside the write's transaction.
#pragma once

#include <optional>
#include <string>

#include "common/result.hpp"
#include "local/dynamodb/item_keys.hpp"
#include "local/dynamodb/operations.hpp"
#include "local/dynamodb/request_expressions.hpp"
#include "model/expression.hpp"

namespace csv2ddb::local::dynamodb {

// ReturnConsumedCapacity ("NONE" when absent).
std::string capacity_mode(const model::JsonValue& request);
// Appends ,"ConsumedCapacity":{...} (or the first member) unless the mode is NONE.
void append_capacity(std::string& out, const std::string& mode, const std::string& table,
                     double units);
// --fault throttle for one write.
Status maybe_throttle(OperationContext& context);

// The stored item as an item (an absent one as an empty item, which is what conditions see).
model::Item stored_item(const std::optional<StoredItem>& stored);

// ConditionalCheckFailedException; with ReturnValuesOnConditionCheckFailure ALL_OLD the error
// document carries the item as it was ("Item"), when there was one.
Status check_condition(const model::ConditionNode* condition,
                       const std::optional<StoredItem>& current, bool return_item);

// One put or delete, under `condition` when there is one (checked in the write's transaction;
// ConditionalCheckFailedException when it does not hold).
Status write_one(OperationContext& context, std::int64_t table, const ItemWrite& write,
                 const model::ConditionNode* condition, bool return_item_on_failure,
                 WriteResults& results);

// An update may not touch the key, nor reach inside a key attribute.
Status check_key_untouched(const std::vector<model::UpdateAction>& actions, const TableInfo& table);

// What an update made, for UpdateItem's answer.
struct UpdateOutcome {
  std::optional<model::Item> before;
  model::Item after;
  std::uint32_t old_size = 0;
  std::uint32_t new_size = 0;
};

// UpdateItem's decision on the stored item (nullopt: none yet, so the key alone): the condition
// checked, the update applied, the size checked; the write of the whole new item.
// The new item is checked against the table's secondary indexes.
Result<std::optional<ItemWrite>> updated_write(const TableInfo& table, const model::Item& key,
                                               const StorageKey& storage_key,
                                               const RequestExpressions& expressions,
                                               bool return_item_on_failure,
                                               const std::optional<StoredItem>& current,
                                               UpdateOutcome& outcome);

// ReturnValuesOnConditionCheckFailure == ALL_OLD.
bool returns_item_on_failure(const model::JsonValue& request);

}  // namespace csv2ddb::local::dynamodb
