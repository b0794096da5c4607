// UpdateTable: the billing mode, the provisioned throughput and the global secondary indexes
// (index_updates.cpp), checked and worded as DynamoDB does (dynalite's updateTable holds the
// same where it has them). The change is made at once: the answer says UPDATING, as DynamoDB's
// does, and the next DescribeTable says ACTIVE.
#include "local/dynamodb/operations.hpp"
#include "local/dynamodb/request_checks.hpp"
#include "local/dynamodb/secondary_indexes.hpp"
#include "local/dynamodb/table_description.hpp"

namespace csv2ddb::local::dynamodb {
namespace {

constexpr std::string_view kInvalid = "One or more parameter values were invalid: ";
constexpr std::int64_t kMaxCapacityUnits = 1000000000000;

bool present(const model::JsonValue& request, std::string_view field) {
  const model::JsonValue* value = request.find(field);
  return value != nullptr && !value->is_null();
}

Status check_update_request(const model::JsonValue& request) {
  if (Status s = check_kinds(request, {{"TableName", FieldKind::kString},
                                       {"BillingMode", FieldKind::kString},
                                       {"ProvisionedThroughput", FieldKind::kStruct},
                                       {"AttributeDefinitions", FieldKind::kList},
                                       {"GlobalSecondaryIndexUpdates", FieldKind::kList},
                                       {"StreamSpecification", FieldKind::kStruct},
                                       {"SSESpecification", FieldKind::kStruct},
                                       {"TableClass", FieldKind::kString},
                                       {"DeletionProtectionEnabled", FieldKind::kBoolean}});
      !s) {
    return s;
  }
  if (Status s = check_table_name_required(request); !s) return s;
  ConstraintErrors errors;
  errors.table_name_pattern(request.find("TableName"), "tableName");
  errors.enum_of(request.find("BillingMode"), "billingMode", {"PROVISIONED", "PAY_PER_REQUEST"});
  if (const model::JsonValue* throughput = request.find("ProvisionedThroughput");
      throughput != nullptr && throughput->is_object()) {
    for (const char* field : {"WriteCapacityUnits", "ReadCapacityUnits"}) {
      std::string path = std::string("provisionedThroughput.") + field;
      path[22] = static_cast<char>(path[22] - 'A' + 'a');
      errors.not_null(throughput->find(field), path);
      errors.at_least(throughput->find(field), path, 1);
    }
  }
  if (Status s = errors.result(); !s) return s;
  if (!present(request, "ProvisionedThroughput") && !present(request, "BillingMode") &&
      !present(request, "GlobalSecondaryIndexUpdates") && !present(request, "SSESpecification") &&
      !present(request, "StreamSpecification")) {
    return validation_error(
        "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
        "GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required");
  }
  const model::JsonValue* billing = request.find("BillingMode");
  if (billing != nullptr && billing->is_string() && billing->as_string() == "PROVISIONED" &&
      !present(request, "ProvisionedThroughput")) {
    return validation_error(std::string(kInvalid) +
                            "ProvisionedThroughput must be specified when BillingMode is "
                            "PROVISIONED");
  }
  if (const model::JsonValue* throughput = request.find("ProvisionedThroughput");
      throughput != nullptr && throughput->is_object()) {
    for (const char* field : {"ReadCapacityUnits", "WriteCapacityUnits"}) {
      if (json_integer(throughput->find(field)) > kMaxCapacityUnits) {
        return validation_error("Given value " + throughput->find(field)->as_string() + " for " +
                                field + " is out of bounds");
      }
    }
  }
  return {};
}

// The table as the request leaves it.
Result<TableInfo> updated(const model::JsonValue& request, TableInfo table) {
  const model::JsonValue* billing = request.find("BillingMode");
  const std::string mode =
      billing != nullptr && billing->is_string() ? billing->as_string() : table.billing_mode;
  const model::JsonValue* throughput = request.find("ProvisionedThroughput");
  if (throughput != nullptr && throughput->is_object()) {
    if (mode == "PAY_PER_REQUEST") {
      return validation_error(std::string(kInvalid) +
                              "Neither ReadCapacityUnits nor WriteCapacityUnits can be "
                              "specified when BillingMode is PAY_PER_REQUEST");
    }
    const std::int64_t read = json_integer(throughput->find("ReadCapacityUnits"));
    const std::int64_t write = json_integer(throughput->find("WriteCapacityUnits"));
    if (read == table.read_capacity && write == table.write_capacity &&
        mode == table.billing_mode) {
      return validation_error(
          "The provisioned throughput for the table will not change. The requested value "
          "equals the current value. Current ReadCapacityUnits provisioned for the table: " +
          std::to_string(table.read_capacity) + ". Requested ReadCapacityUnits: " +
          std::to_string(read) + ". Current WriteCapacityUnits provisioned for the table: " +
          std::to_string(table.write_capacity) +
          ". Requested WriteCapacityUnits: " + std::to_string(write) +
          ". Refer to the Amazon DynamoDB Developer Guide for current limits and how to request "
          "higher limits.");
    }
    table.read_capacity = read;
    table.write_capacity = write;
  }
  if (mode == "PAY_PER_REQUEST") {
    table.read_capacity = 0;
    table.write_capacity = 0;
  }
  table.billing_mode = mode;
  return table;
}

}  // namespace

Result<std::string> update_table(const model::JsonValue& request, OperationContext& context) {
  if (Status checked = check_update_request(request); !checked) return checked.error();
  auto table = require_table(context, request.find("TableName")->as_string());
  if (!table) return table.take_error();
  auto changed = updated(request, *table);
  if (!changed) return changed.take_error();
  changed = apply_index_updates(request, std::move(*changed));
  if (!changed) return changed.take_error();
  if (Status stored = context.store.update_table(*changed); !stored) return stored.error();
  return "{\"TableDescription\":" +
         table_description(*changed, "UPDATING", context.store.stats(changed->id), context) + "}";
}

}  // namespace csv2ddb::local::dynamodb
