#include "local/dynamodb/table_description.hpp"

#include <cstdio>

#include "local/dynamodb/secondary_indexes.hpp"
#include "model/dynamodb_json.hpp"

namespace csv2ddb::local::dynamodb {
namespace {

std::string number_text(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", value);
  return text;
}

}  // namespace

void append_key_schema(std::string& out, const model::KeySchema& key) {
  out += "\"KeySchema\":[{\"AttributeName\":";
  model::append_json_string(out, key.hash.name);
  out += ",\"KeyType\":\"HASH\"}";
  if (key.range) {
    out += ",{\"AttributeName\":";
    model::append_json_string(out, key.range->name);
    out += ",\"KeyType\":\"RANGE\"}";
  }
  out += ']';
}

std::string table_description(const TableInfo& table, std::string_view status,
                              const TableStats& stats, const OperationContext& context,
                              bool with_schema) {
  std::string out = "{";
  if (with_schema) {
    out += "\"AttributeDefinitions\":[";
    for (std::size_t i = 0; i < table.attribute_definitions.size(); ++i) {
      if (i != 0) out += ',';
      out += "{\"AttributeName\":";
      model::append_json_string(out, table.attribute_definitions[i].name);
      out += ",\"AttributeType\":\"";
      out += model::type_name(table.attribute_definitions[i].type);
      out += "\"}";
    }
    out += "],";
  }
  out += "\"TableName\":";
  model::append_json_string(out, table.name);
  if (with_schema) {
    out += ',';
    append_key_schema(out, table.key);
  }
  out += ",\"TableStatus\":\"";
  out += status;
  out += "\"";
  if (with_schema) out += ",\"CreationDateTime\":" + number_text(table.created);
  out += ",\"ProvisionedThroughput\":{\"NumberOfDecreasesToday\":0,\"ReadCapacityUnits\":" +
         std::to_string(table.read_capacity) +
         ",\"WriteCapacityUnits\":" + std::to_string(table.write_capacity) + "}";
  out += ",\"TableSizeBytes\":" + std::to_string(stats.size_bytes);
  out += ",\"ItemCount\":" + std::to_string(stats.item_count);
  out += ",\"TableArn\":";
  model::append_json_string(
      out, "arn:aws:dynamodb:" + context.region + ":" + context.account + ":table/" + table.name);
  out += ",\"TableId\":";
  model::append_json_string(out, table.table_id);
  if (with_schema) append_index_descriptions(out, table, stats, context);
  out += ",\"BillingModeSummary\":{\"BillingMode\":";
  model::append_json_string(out, table.billing_mode);
  if (table.billing_mode == "PAY_PER_REQUEST") {
    out += ",\"LastUpdateToPayPerRequestDateTime\":" + number_text(table.created);
  }
  out += "}}";
  return out;
}

}  // namespace csv2ddb::local::dynamodb
