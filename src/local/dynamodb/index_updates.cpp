// UpdateTable's GlobalSecondaryIndexUpdates. No index is materialized (secondary_indexes.hpp),
// so creating one is a change of the table's description: the index is readable at once, where
// DynamoDB backfills it first (CREATING, then ACTIVE), and items written before it that hold its
// key attributes with another type are in it (DynamoDB leaves such items out of the backfill).
#include <algorithm>
#include <set>

#include "local/dynamodb/operations.hpp"
#include "local/dynamodb/request_checks.hpp"
#include "local/dynamodb/secondary_indexes.hpp"

namespace csv2ddb::local::dynamodb {
namespace {

constexpr std::string_view kInvalid = "One or more parameter values were invalid: ";
constexpr std::size_t kMaxGlobalIndexes = 20;

using model::JsonValue;

std::string index_name_of(const JsonValue& action) {
  const JsonValue* name = action.find("IndexName");
  return name != nullptr && name->is_string() ? name->as_string() : "";
}

// Each update names one action, each index at most once, at most one index created or deleted.
Status check_updates(const JsonValue& updates) {
  std::set<std::string> names;
  int creates_and_deletes = 0;
  for (const JsonValue& update : updates.as_array()) {
    const JsonValue* action = nullptr;
    for (const char* kind : {"Update", "Create", "Delete"}) {
      const JsonValue* found = update.find(kind);
      if (found == nullptr || found->is_null()) continue;
      action = found;
      if (std::string_view(kind) != "Update") ++creates_and_deletes;
    }
    if (action == nullptr) {
      return validation_error(
          std::string(kInvalid) +
          "One of GlobalSecondaryIndexUpdate.Update, "
          "GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Delete "
          "must not be null");
    }
    if (!names.insert(index_name_of(*action)).second) {
      return validation_error(std::string(kInvalid) +
                              "Only one global secondary index update per index is allowed "
                              "simultaneously. Index: " +
                              index_name_of(*action));
    }
  }
  if (creates_and_deletes > 1) {
    return make_error("LimitExceededException",
                      "Subscriber limit exceeded: Only 1 online index can be created or deleted "
                      "simultaneously per table");
  }
  return {};
}

// The request's AttributeDefinitions added to the table's (a new index's keys).
Status add_definitions(const JsonValue& request, TableInfo& table) {
  const JsonValue* definitions = request.find("AttributeDefinitions");
  if (definitions == nullptr || !definitions->is_array()) return {};
  for (const JsonValue& member : definitions->as_array()) {
    const JsonValue* name = member.find("AttributeName");
    const JsonValue* type = member.find("AttributeType");
    std::optional<model::AttributeType> parsed = std::nullopt;
    if (type != nullptr && type->is_string()) parsed = model::parse_type_name(type->as_string());
    if (name == nullptr || !name->is_string() || !parsed.has_value()) {
      return validation_error(std::string(kInvalid) +
                              "Invalid AttributeDefinitions: every member needs an AttributeName "
                              "and an AttributeType of S, N or B");
    }
    auto same =
        std::find_if(table.attribute_definitions.begin(), table.attribute_definitions.end(),
                     [&](const AttributeDefinition& d) { return d.name == name->as_string(); });
    if (same == table.attribute_definitions.end()) {
      table.attribute_definitions.push_back({name->as_string(), *parsed});
    } else if (same->type != *parsed) {
      return validation_error(std::string(kInvalid) + "Cannot change the type of attribute " +
                              name->as_string() + ", a key of the table or of an index");
    }
  }
  return {};
}

std::vector<IndexInfo>::iterator find_global(TableInfo& table, const std::string& name) {
  return std::find_if(table.indexes.begin(), table.indexes.end(),
                      [&](const IndexInfo& i) { return i.global && i.name == name; });
}

Error no_such_index(const JsonValue& action, const TableInfo& table) {
  return make_error("ResourceNotFoundException",
                    "Requested resource not found: Index: " + index_name_of(action) +
                        " not found in table " + table.name);
}

Status apply_one(const JsonValue& update, TableInfo& table) {
  if (const JsonValue* remove = update.find("Delete"); remove && !remove->is_null()) {
    auto found = find_global(table, index_name_of(*remove));
    if (found == table.indexes.end()) {
      return no_such_index(*remove, table);
    }
    table.indexes.erase(found);
    return {};
  }
  if (const JsonValue* change = update.find("Update"); change && !change->is_null()) {
    auto found = find_global(table, index_name_of(*change));
    if (found == table.indexes.end()) {
      return no_such_index(*change, table);
    }
    const JsonValue* throughput = change->find("ProvisionedThroughput");
    if (table.billing_mode == "PAY_PER_REQUEST" || throughput == nullptr) {
      return validation_error(std::string(kInvalid) +
                              "ProvisionedThroughput cannot be updated for index: " + found->name +
                              " when BillingMode is PAY_PER_REQUEST");
    }
    found->read_capacity = json_integer(throughput->find("ReadCapacityUnits"));
    found->write_capacity = json_integer(throughput->find("WriteCapacityUnits"));
    return {};
  }
  const JsonValue& create = *update.find("Create");
  if (find_global(table, index_name_of(create)) != table.indexes.end()) {
    return validation_error(std::string(kInvalid) + "Index with name " + index_name_of(create) +
                            " already exists on table " + table.name);
  }
  if (table.billing_mode == "PROVISIONED" && create.find("ProvisionedThroughput") == nullptr) {
    return validation_error(
        std::string(kInvalid) +
        "ProvisionedThroughput is not specified for index: " + index_name_of(create));
  }
  auto index = read_global_index(create, table);
  if (!index) return index.error();
  const auto globals = std::count_if(table.indexes.begin(), table.indexes.end(),
                                     [](const IndexInfo& i) { return i.global; });
  if (static_cast<std::size_t>(globals) >= kMaxGlobalIndexes) {
    return validation_error(std::string(kInvalid) +
                            "GlobalSecondaryIndex count exceeds the per-table limit of 20");
  }
  table.indexes.push_back(std::move(*index));
  return {};
}

// DynamoDB keeps only the definitions some key uses.
void drop_unused_definitions(TableInfo& table) {
  std::set<std::string> used{table.key.hash.name};
  if (table.key.range) used.insert(table.key.range->name);
  for (const IndexInfo& index : table.indexes) {
    used.insert(index.key.hash.name);
    if (index.key.range) used.insert(index.key.range->name);
  }
  std::erase_if(table.attribute_definitions,
                [&used](const AttributeDefinition& d) { return used.count(d.name) == 0; });
}

}  // namespace

Result<TableInfo> apply_index_updates(const JsonValue& request, TableInfo table) {
  const JsonValue* updates = request.find("GlobalSecondaryIndexUpdates");
  if (updates == nullptr || !updates->is_array() || updates->as_array().empty()) return table;
  if (Status checked = check_updates(*updates); !checked) return checked.error();
  if (Status added = add_definitions(request, table); !added) return added.error();
  for (const JsonValue& update : updates->as_array()) {
    if (Status applied = apply_one(update, table); !applied) return applied.error();
  }
  drop_unused_definitions(table);
  return table;
}

}  // namespace csv2ddb::local::dynamodb
