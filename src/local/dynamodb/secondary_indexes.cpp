#include "local/dynamodb/secondary_indexes.hpp"

#include <algorithm>

#include "local/dynamodb/request_checks.hpp"
#include "local/dynamodb/table_description.hpp"
#include "model/dynamodb_json.hpp"

namespace csv2ddb::local::dynamodb {
namespace {

constexpr std::string_view kInvalid = "One or more parameter values were invalid: ";
constexpr std::size_t kMaxGlobalIndexes = 20;
constexpr std::size_t kMaxLocalIndexes = 5;

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
  return out;
}

std::string text_of(const model::JsonValue* value) {
  return value != nullptr && value->is_string() ? value->as_string() : std::string();
}

// One index declaration, checked (dynalite's createTable validation holds the same words).
Result<IndexInfo> read_index(const model::JsonValue& spec, bool global, const TableInfo& table,
                             const std::vector<std::string>& defined, bool on_demand) {
  IndexInfo index;
  index.global = global;
  index.name = text_of(spec.find("IndexName"));
  std::vector<std::string> keys;
  std::vector<std::string> types;
  if (const model::JsonValue* schema = spec.find("KeySchema"); schema && schema->is_array()) {
    for (const model::JsonValue& member : schema->as_array()) {
      keys.push_back(text_of(member.find("AttributeName")));
      types.push_back(text_of(member.find("KeyType")));
    }
  }
  if (keys.empty()) return validation_error(std::string(kInvalid) + "Index KeySchema is empty");
  if (Status s = check_key_schema(keys, types, defined); !s) return s.error();
  if (!global) {
    if (keys.size() != 2) {
      return validation_error(std::string(kInvalid) +
                              "Index KeySchema does not have a range key for index: " + index.name);
    }
    if (keys[0] != table.key.hash.name) {
      return validation_error(std::string(kInvalid) +
                              "Index KeySchema does not have the same leading hash key as table "
                              "KeySchema for index: " +
                              index.name + ". index hash key: " + keys[0] +
                              ", table hash key: " + table.key.hash.name);
    }
  }
  const model::JsonValue* projection = spec.find("Projection");
  index.projection = projection != nullptr ? text_of(projection->find("ProjectionType")) : "";
  if (index.projection.empty()) {
    return validation_error(std::string(kInvalid) + "Unknown ProjectionType: null");
  }
  if (const model::JsonValue* include =
          projection != nullptr ? projection->find("NonKeyAttributes") : nullptr;
      include != nullptr && include->is_array()) {
    if (index.projection != "INCLUDE") {
      return validation_error(std::string(kInvalid) + "ProjectionType is " + index.projection +
                              ", but NonKeyAttributes is specified");
    }
    for (const model::JsonValue& name : include->as_array()) {
      index.non_key_attributes.push_back(text_of(&name));
    }
  }
  if (const model::JsonValue* throughput = spec.find("ProvisionedThroughput");
      global && throughput != nullptr && throughput->is_object()) {
    if (on_demand) {
      return validation_error(std::string(kInvalid) +
                              "ProvisionedThroughput should not be specified for index: " +
                              index.name + " when BillingMode is PAY_PER_REQUEST");
    }
    index.read_capacity = json_integer(throughput->find("ReadCapacityUnits"));
    index.write_capacity = json_integer(throughput->find("WriteCapacityUnits"));
  }
  auto type_of = [&](const std::string& name) {
    for (const AttributeDefinition& d : table.attribute_definitions) {
      if (d.name == name) return d.type;
    }
    return model::AttributeType::kS;
  };
  index.key.hash = {keys[0], type_of(keys[0])};
  if (keys.size() == 2) index.key.range = model::KeyAttribute{keys[1], type_of(keys[1])};
  return index;
}

Status read_list(const model::JsonValue& request, bool global, const TableInfo& table,
                 const std::vector<std::string>& defined, std::vector<IndexInfo>& out) {
  const char* field = global ? "GlobalSecondaryIndexes" : "LocalSecondaryIndexes";
  const model::JsonValue* list = request.find(field);
  if (list == nullptr || list->is_null()) return {};
  if (!list->is_array() || list->as_array().empty()) {
    return validation_error(std::string(kInvalid) + "List of " + field + " is empty");
  }
  if (!global && !table.key.range) {
    return validation_error(std::string(kInvalid) +
                            "Table KeySchema does not have a range key, which is required when "
                            "specifying a LocalSecondaryIndex");
  }
  const bool on_demand = table.billing_mode == "PAY_PER_REQUEST";
  for (const model::JsonValue& spec : list->as_array()) {
    auto index = read_index(spec, global, table, defined, on_demand);
    if (!index) return index.error();
    for (const IndexInfo& earlier : out) {
      if (earlier.name == index->name) {
        return validation_error(std::string(kInvalid) + "Duplicate index name: " + index->name);
      }
    }
    out.push_back(std::move(*index));
  }
  if (!global && list->as_array().size() > kMaxLocalIndexes) {
    return validation_error(std::string(kInvalid) +
                            "Number of LocalSecondaryIndexes exceeds per-table limit of 5");
  }
  if (global && list->as_array().size() > kMaxGlobalIndexes) {
    return validation_error(std::string(kInvalid) +
                            "GlobalSecondaryIndex count exceeds the per-table limit of 20");
  }
  return {};
}

void append_description(std::string& out, const IndexInfo& index, const TableInfo& table,
                        const TableStats& stats, const OperationContext& context) {
  out += "{\"IndexName\":";
  model::append_json_string(out, index.name);
  out += ',';
  append_key_schema(out, index.key);
  out += ",\"Projection\":{\"ProjectionType\":";
  model::append_json_string(out, index.projection);
  if (!index.non_key_attributes.empty()) {
    out += ",\"NonKeyAttributes\":[";
    for (std::size_t i = 0; i < index.non_key_attributes.size(); ++i) {
      if (i != 0) out += ',';
      model::append_json_string(out, index.non_key_attributes[i]);
    }
    out += ']';
  }
  out += '}';
  if (index.global) {
    out +=
        ",\"IndexStatus\":\"ACTIVE\",\"ProvisionedThroughput\":{\"NumberOfDecreasesToday\":0,"
        "\"ReadCapacityUnits\":" +
        std::to_string(index.read_capacity) +
        ",\"WriteCapacityUnits\":" + std::to_string(index.write_capacity) + "}";
  }
  // Not kept per index: the table's own figures, an upper bound (DynamoDB updates its figures
  // about every six hours anyway).
  out += ",\"IndexSizeBytes\":" + std::to_string(stats.size_bytes);
  out += ",\"ItemCount\":" + std::to_string(stats.item_count);
  out += ",\"IndexArn\":";
  model::append_json_string(out, "arn:aws:dynamodb:" + context.region + ":" + context.account +
                                     ":table/" + table.name + "/index/" + index.name);
  out += '}';
}

const model::KeyAttribute* index_keys(const IndexInfo& index, int which) {
  if (which == 0) return &index.key.hash;
  return index.key.range ? &*index.key.range : nullptr;
}

}  // namespace

Status check_key_schema(const std::vector<std::string>& keys, const std::vector<std::string>& types,
                        const std::vector<std::string>& defined) {
  for (const std::string& key : keys) {
    if (std::find(defined.begin(), defined.end(), key) == defined.end()) {
      return validation_error(std::string(kInvalid) +
                              "Some index key attributes are not defined in AttributeDefinitions. "
                              "Keys: [" +
                              joined(keys) + "], AttributeDefinitions: [" + joined(defined) + "]");
    }
  }
  if (keys.size() == 2 && keys[0] == keys[1]) {
    return validation_error(
        "Both the Hash Key and the Range Key element in the KeySchema have the same name");
  }
  if (types[0] != "HASH") {
    return validation_error("Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
  }
  if (types.size() == 2 && types[1] != "RANGE") {
    return validation_error(
        "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type");
  }
  return {};
}

Result<IndexInfo> read_global_index(const model::JsonValue& spec, const TableInfo& table) {
  std::vector<std::string> defined;
  for (const AttributeDefinition& definition : table.attribute_definitions) {
    defined.push_back(definition.name);
  }
  return read_index(spec, true, table, defined, table.billing_mode == "PAY_PER_REQUEST");
}

Result<std::vector<IndexInfo>> read_secondary_indexes(const model::JsonValue& request,
                                                      const TableInfo& table) {
  std::vector<std::string> defined;
  for (const AttributeDefinition& definition : table.attribute_definitions) {
    defined.push_back(definition.name);
  }
  std::vector<IndexInfo> indexes;
  if (Status s = read_list(request, false, table, defined, indexes); !s) return s.error();
  if (Status s = read_list(request, true, table, defined, indexes); !s) return s.error();
  // Every definition is a key of the table or of an index.
  std::vector<std::string> used{table.key.hash.name};
  if (table.key.range) used.push_back(table.key.range->name);
  for (const IndexInfo& index : indexes) {
    used.push_back(index.key.hash.name);
    if (index.key.range) used.push_back(index.key.range->name);
  }
  for (const std::string& name : defined) {
    if (std::find(used.begin(), used.end(), name) == used.end()) {
      std::sort(used.begin(), used.end());
      used.erase(std::unique(used.begin(), used.end()), used.end());
      return validation_error(std::string(kInvalid) +
                              "Some AttributeDefinitions are not used. AttributeDefinitions: [" +
                              joined(defined) + "], keys used: [" + joined(used) + "]");
    }
  }
  return indexes;
}

void append_index_descriptions(std::string& out, const TableInfo& table, const TableStats& stats,
                               const OperationContext& context) {
  for (const bool global : {false, true}) {
    bool first = true;
    for (const IndexInfo& index : table.indexes) {
      if (index.global != global) continue;
      out +=
          first ? (global ? ",\"GlobalSecondaryIndexes\":[" : ",\"LocalSecondaryIndexes\":[") : ",";
      first = false;
      append_description(out, index, table, stats, context);
    }
    if (!first) out += ']';
  }
}

Status check_index_keys(const model::Item& item, const TableInfo& table) {
  for (const IndexInfo& index : table.indexes) {
    for (int which = 0; which < 2; ++which) {
      const model::KeyAttribute* key = index_keys(index, which);
      if (key == nullptr) continue;
      const model::AttributeValue* value = item.find(key->name);
      if (value == nullptr) continue;
      if (value->type != key->type) {
        return validation_error(std::string(kInvalid) + "Type mismatch for Index Key " + key->name +
                                " Expected: " + std::string(model::type_name(key->type)) +
                                " Actual: " + std::string(model::type_name(value->type)) +
                                " IndexName: " + index.name);
      }
      const bool text =
          value->type == model::AttributeType::kS || value->type == model::AttributeType::kB;
      if (text && value->text.empty()) {
        return validation_error(
            std::string("One or more parameter values are not valid. A value specified for a "
                        "secondary index key is not supported. The AttributeValue for a key "
                        "attribute cannot contain an empty ") +
            (value->type == model::AttributeType::kS ? "string" : "binary") +
            " value. IndexName: " + index.name + ", IndexKey: " + key->name);
      }
    }
  }
  return {};
}

Result<IndexInfo> find_index(const TableInfo& table, std::string_view name) {
  for (const IndexInfo& index : table.indexes) {
    if (index.name == name) return index;
  }
  return validation_error("The table does not have the specified index: " + std::string(name));
}

bool index_holds(const IndexInfo& index, const model::Item& item) {
  return item.find(index.key.hash.name) != nullptr &&
         (!index.key.range || item.find(index.key.range->name) != nullptr);
}

model::Item index_projection(const IndexInfo& index, const TableInfo& table,
                             const model::Item& item) {
  if (index.projection == "ALL") return item;
  std::vector<std::string> kept{table.key.hash.name, index.key.hash.name};
  if (table.key.range) kept.push_back(table.key.range->name);
  if (index.key.range) kept.push_back(index.key.range->name);
  kept.insert(kept.end(), index.non_key_attributes.begin(), index.non_key_attributes.end());
  model::Item out;
  for (const model::Attribute& attribute : item.attributes) {
    if (std::find(kept.begin(), kept.end(), attribute.name) != kept.end()) {
      out.attributes.push_back(attribute);
    }
  }
  return out;
}

}  // namespace csv2ddb::local::dynamodb
