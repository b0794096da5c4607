// The DynamoDB operations of the local AWS, one function each, grouped in files by family
// (table_operations, item_operations, batch_operations, read_operations). Each takes the
// parsed request body and returns the response body, or an Error whose code is DynamoDB's
// (ValidationException, ResourceNotFoundException, ...) and whose message is DynamoDB's.
#pragma once

#include <string>

#include "common/result.hpp"
#include "local/dynamodb/table_store.hpp"
#include "local/fault_spec.hpp"
#include "model/json.hpp"

namespace csv2ddb::local::dynamodb {

// Each DynamoDB page holds at most 1 MB of items; a larger page ends with LastEvaluatedKey.
inline constexpr std::size_t kMaxPageBytes = 1024 * 1024;

struct OperationContext {
  TableStore& store;
  FaultInjector& faults;
  std::string region = "us-east-1";
  std::string account = "000000000000";
};

using Operation = Result<std::string> (*)(const model::JsonValue& request,
                                          OperationContext& context);

Result<std::string> create_table(const model::JsonValue& request, OperationContext& context);
Result<std::string> describe_table(const model::JsonValue& request, OperationContext& context);
Result<std::string> list_tables(const model::JsonValue& request, OperationContext& context);
Result<std::string> delete_table(const model::JsonValue& request, OperationContext& context);
Result<std::string> update_table(const model::JsonValue& request, OperationContext& context);

Result<std::string> put_item(const model::JsonValue& request, OperationContext& context);
Result<std::string> get_item(const model::JsonValue& request, OperationContext& context);
Result<std::string> delete_item(const model::JsonValue& request, OperationContext& context);
Result<std::string> update_item(const model::JsonValue& request, OperationContext& context);

Result<std::string> batch_write_item(const model::JsonValue& request, OperationContext& context);
Result<std::string> batch_get_item(const model::JsonValue& request, OperationContext& context);

Result<std::string> transact_write_items(const model::JsonValue& request,
                                         OperationContext& context);
Result<std::string> transact_get_items(const model::JsonValue& request, OperationContext& context);

Result<std::string> scan(const model::JsonValue& request, OperationContext& context);
Result<std::string> query(const model::JsonValue& request, OperationContext& context);

// Shared by the families.
Result<TableInfo> require_table(OperationContext& context, std::string_view name);
// ReturnConsumedCapacity TOTAL / INDEXES as one ConsumedCapacity object; "" for NONE.
std::string consumed_capacity_json(std::string_view mode, std::string_view table, double units);

}  // namespace csv2ddb::local::dynamodb
