// CreateTable, DescribeTable, ListTables, DeleteTable (UpdateTable: update_table.cpp). Tables are
// ACTIVE as soon as they exist (CreateTable answers CREATING as DynamoDB does; the next
// DescribeTable says ACTIVE).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <random>

#include "local/dynamodb/operations.hpp"
#include "local/dynamodb/request_checks.hpp"
#include "local/dynamodb/secondary_indexes.hpp"
#include "local/dynamodb/table_description.hpp"
#include "local/request_id.hpp"

namespace csv2ddb::local::dynamodb {
namespace {

constexpr std::int64_t kMaxCapacityUnits = 1000000000000;

Status check_create_table(const model::JsonValue& request) {
  if (Status s = check_kinds(request, {{"AttributeDefinitions", FieldKind::kList},
                                       {"TableName", FieldKind::kString},
                                       {"BillingMode", FieldKind::kString},
                                       {"ProvisionedThroughput", FieldKind::kStruct},
                                       {"KeySchema", FieldKind::kList},
                                       {"LocalSecondaryIndexes", FieldKind::kList},
                                       {"GlobalSecondaryIndexes", FieldKind::kList}});
      !s) {
    return s;
  }
  const model::JsonValue* definitions = request.find("AttributeDefinitions");
  const model::JsonValue* throughput = request.find("ProvisionedThroughput");
  const model::JsonValue* key_schema = request.find("KeySchema");
  auto each = [](const model::JsonValue* list, auto&& visit) {
    if (list == nullptr || !list->is_array()) return Status();
    for (const model::JsonValue& member : list->as_array()) {
      if (Status s = visit(member); !s) return s;
    }
    return Status();
  };
  if (Status s = each(definitions,
                      [](const model::JsonValue& m) {
                        if (Status k = check_kind(&m, FieldKind::kStruct); !k) return k;
                        return check_kinds(m, {{"AttributeName", FieldKind::kString},
                                               {"AttributeType", FieldKind::kString}});
                      });
      !s) {
    return s;
  }
  if (throughput != nullptr && throughput->is_object()) {
    if (Status s = check_kinds(*throughput, {{"WriteCapacityUnits", FieldKind::kLong},
                                             {"ReadCapacityUnits", FieldKind::kLong}});
        !s) {
      return s;
    }
  }
  if (Status s = each(key_schema,
                      [](const model::JsonValue& m) {
                        if (Status k = check_kind(&m, FieldKind::kStruct); !k) return k;
                        return check_kinds(m, {{"AttributeName", FieldKind::kString},
                                               {"KeyType", FieldKind::kString}});
                      });
      !s) {
    return s;
  }
  if (Status s = check_table_name_required(request); !s) return s;

  ConstraintErrors errors;
  errors.not_null(definitions, "attributeDefinitions");
  if (definitions != nullptr && definitions->is_array()) {
    std::size_t i = 0;
    for (const model::JsonValue& member : definitions->as_array()) {
      const std::string path = "attributeDefinitions." + std::to_string(++i) + ".member.";
      errors.not_null(member.find("AttributeName"), path + "attributeName");
      errors.length_between(member.find("AttributeName"), path + "attributeName", 1, 255);
      errors.not_null(member.find("AttributeType"), path + "attributeType");
      errors.enum_of(member.find("AttributeType"), path + "attributeType", {"B", "N", "S"});
    }
  }
  errors.table_name_pattern(request.find("TableName"), "tableName");
  errors.enum_of(request.find("BillingMode"), "billingMode", {"PROVISIONED", "PAY_PER_REQUEST"});
  if (throughput != nullptr && throughput->is_object()) {
    for (const char* field : {"WriteCapacityUnits", "ReadCapacityUnits"}) {
      std::string path = std::string("provisionedThroughput.") + field;
      path[22] = static_cast<char>(std::tolower(static_cast<unsigned char>(path[22])));
      errors.not_null(throughput->find(field), path);
      errors.at_least(throughput->find(field), path, 1);
    }
  }
  errors.not_null(key_schema, "keySchema");
  errors.length_between(key_schema, "keySchema", 1, 2);
  if (key_schema != nullptr && key_schema->is_array()) {
    std::size_t i = 0;
    for (const model::JsonValue& member : key_schema->as_array()) {
      const std::string path = "keySchema." + std::to_string(++i) + ".member.";
      errors.not_null(member.find("AttributeName"), path + "attributeName");
      errors.length_between(member.find("AttributeName"), path + "attributeName", 1, 255);
      errors.not_null(member.find("KeyType"), path + "keyType");
      errors.enum_of(member.find("KeyType"), path + "keyType", {"HASH", "RANGE"});
    }
  }
  return errors.result();
}

// CreateTable's cross-field rules, in DynamoDB's order.
Result<TableInfo> table_from_request(const model::JsonValue& request) {
  const std::string invalid = "One or more parameter values were invalid: ";
  const model::JsonValue* billing = request.find("BillingMode");
  const model::JsonValue* throughput = request.find("ProvisionedThroughput");
  TableInfo table;
  table.name = request.find("TableName")->as_string();
  table.billing_mode =
      billing != nullptr && !billing->is_null() ? billing->as_string() : "PROVISIONED";
  if (table.billing_mode == "PAY_PER_REQUEST") {
    if (throughput != nullptr && !throughput->is_null()) {
      return validation_error(invalid +
                              "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified "
                              "when BillingMode is PAY_PER_REQUEST");
    }
  } else {
    const model::JsonValue* read = throughput ? throughput->find("ReadCapacityUnits") : nullptr;
    const model::JsonValue* write = throughput ? throughput->find("WriteCapacityUnits") : nullptr;
    if (read == nullptr || write == nullptr || json_integer(read) == 0 ||
        json_integer(write) == 0) {
      return validation_error(invalid +
                              "ReadCapacityUnits and WriteCapacityUnits must both be specified "
                              "when BillingMode is PROVISIONED");
    }
    table.read_capacity = json_integer(read);
    table.write_capacity = json_integer(write);
    if (table.read_capacity > kMaxCapacityUnits) {
      return validation_error("Given value " + read->as_string() +
                              " for ReadCapacityUnits is out of bounds");
    }
    if (table.write_capacity > kMaxCapacityUnits) {
      return validation_error("Given value " + write->as_string() +
                              " for WriteCapacityUnits is out of bounds");
    }
  }
  std::vector<std::string> defined;
  for (const model::JsonValue& member : request.find("AttributeDefinitions")->as_array()) {
    const std::string& name = member.find("AttributeName")->as_string();
    if (std::find(defined.begin(), defined.end(), name) != defined.end()) {
      return validation_error("Attribute Name is duplicated: " + name);
    }
    defined.push_back(name);
    table.attribute_definitions.push_back(
        {defined.back(), *model::parse_type_name(member.find("AttributeType")->as_string())});
  }
  std::vector<std::string> keys;
  std::vector<std::string> key_types;
  for (const model::JsonValue& member : request.find("KeySchema")->as_array()) {
    keys.push_back(member.find("AttributeName")->as_string());
    key_types.push_back(member.find("KeyType")->as_string());
  }
  if (keys.size() > defined.size()) {
    return validation_error("Invalid KeySchema: Some index key attribute have no definition");
  }
  if (Status s = check_key_schema(keys, key_types, defined); !s) return s.error();
  const bool has_indexes = request.find("LocalSecondaryIndexes") != nullptr ||
                           request.find("GlobalSecondaryIndexes") != nullptr;
  if (!has_indexes && keys.size() != defined.size()) {
    return validation_error(invalid +
                            "Number of attributes in KeySchema does not exactly match number of "
                            "attributes defined in AttributeDefinitions");
  }
  auto type_of = [&](const std::string& name) {
    for (const AttributeDefinition& d : table.attribute_definitions) {
      if (d.name == name) return d.type;
    }
    return model::AttributeType::kS;
  };
  table.key.hash = {keys[0], type_of(keys[0])};
  if (keys.size() == 2) table.key.range = model::KeyAttribute{keys[1], type_of(keys[1])};
  if (has_indexes) {
    auto indexes = read_secondary_indexes(request, table);
    if (!indexes) return indexes.take_error();
    table.indexes = std::move(*indexes);
  }
  return table;
}

}  // namespace

Result<TableInfo> require_table(OperationContext& context, std::string_view name) {
  auto table = context.store.find_table(name);
  if (!table) {
    return make_error("ResourceNotFoundException", "Requested resource not found");
  }
  return *table;
}

Result<std::string> create_table(const model::JsonValue& request, OperationContext& context) {
  if (Status s = check_create_table(request); !s) return s.take_error();
  auto table = table_from_request(request);
  if (!table) return table.take_error();
  table->created = static_cast<double>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                           .count()) /
                   1000.0;
  table->table_id = new_uuid();
  auto created = context.store.create_table(std::move(*table));
  if (!created) return created.take_error();
  return "{\"TableDescription\":" + table_description(*created, "CREATING", {}, context) + "}";
}

Result<std::string> describe_table(const model::JsonValue& request, OperationContext& context) {
  if (Status s = check_kinds(request, {{"TableName", FieldKind::kString}}); !s)
    return s.take_error();
  if (Status s = check_table_name_required(request); !s) return s.take_error();
  ConstraintErrors errors;
  errors.table_name_pattern(request.find("TableName"), "tableName");
  if (Status s = errors.result(); !s) return s.take_error();
  auto table = context.store.find_table(request.find("TableName")->as_string());
  if (!table) {
    return make_error("ResourceNotFoundException", "Requested resource not found: Table: " +
                                                       request.find("TableName")->as_string() +
                                                       " not found");
  }
  return "{\"Table\":" +
         table_description(*table, "ACTIVE", context.store.stats(table->id), context) + "}";
}

Result<std::string> list_tables(const model::JsonValue& request, OperationContext& context) {
  if (Status s = check_kinds(request, {{"Limit", FieldKind::kInteger},
                                       {"ExclusiveStartTableName", FieldKind::kString}});
      !s) {
    return s.take_error();
  }
  const model::JsonValue* limit_field = request.find("Limit");
  const model::JsonValue* start = request.find("ExclusiveStartTableName");
  ConstraintErrors errors;
  errors.at_least(limit_field, "limit", 1);
  errors.at_most(limit_field, "limit", 100);
  if (start != nullptr && !start->is_null()) {
    errors.table_name_pattern(start, "exclusiveStartTableName");
    errors.length_between(start, "exclusiveStartTableName", 3, 255);
  }
  if (Status s = errors.result(); !s) return s.take_error();
  const std::size_t limit = limit_field != nullptr && !limit_field->is_null()
                                ? static_cast<std::size_t>(json_integer(limit_field))
                                : 100;
  const std::vector<std::string> names = context.store.table_names();
  std::string out = "{\"TableNames\":[";
  std::size_t taken = 0;
  std::string last;
  bool more = false;
  for (const std::string& name : names) {
    if (start != nullptr && !start->is_null() && name <= start->as_string()) continue;
    if (taken == limit) {
      more = true;
      break;
    }
    if (taken != 0) out += ',';
    model::append_json_string(out, name);
    last = name;
    ++taken;
  }
  out += ']';
  if (more) {
    out += ",\"LastEvaluatedTableName\":";
    model::append_json_string(out, last);
  }
  out += '}';
  return out;
}

Result<std::string> delete_table(const model::JsonValue& request, OperationContext& context) {
  if (Status s = check_kinds(request, {{"TableName", FieldKind::kString}}); !s)
    return s.take_error();
  if (Status s = check_table_name_required(request); !s) return s.take_error();
  ConstraintErrors errors;
  errors.table_name_pattern(request.find("TableName"), "tableName");
  if (Status s = errors.result(); !s) return s.take_error();
  const std::string& name = request.find("TableName")->as_string();
  auto table = context.store.find_table(name);
  if (!table) {
    return make_error("ResourceNotFoundException",
                      "Requested resource not found: Table: " + name + " not found");
  }
  auto deleted = context.store.delete_table(name);
  if (!deleted) return deleted.take_error();
  return "{\"TableDescription\":" +
         table_description(deleted->first, "DELETING", deleted->second, context, false) + "}";
}

std::string consumed_capacity_json(std::string_view mode, std::string_view table, double units) {
  if (mode != "TOTAL" && mode != "INDEXES") return "";
  char number[32];
  std::snprintf(number, sizeof number, "%.15g", units);
  std::string out = "{\"TableName\":";
  model::append_json_string(out, table);
  out += ",\"CapacityUnits\":";
  out += number;
  if (mode == "INDEXES") {
    out += ",\"Table\":{\"CapacityUnits\":";
    out += number;
    out += '}';
  }
  out += '}';
  return out;
}

}  // namespace csv2ddb::local::dynamodb
