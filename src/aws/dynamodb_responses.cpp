// Decoders for the DynamoDB responses the client reads. A response that does not have the
// shape DynamoDB documents is an error ("InvalidResponse") rather than a silent empty result.
#include <cstdlib>

#include "aws/dynamodb_client.hpp"
#include "model/dynamodb_json.hpp"
#include "model/json.hpp"

namespace csv2ddb::aws {
namespace {

Error invalid_response(std::string_view what) {
  return make_error("InvalidResponse", "DynamoDB response " + std::string(what));
}

const std::string* string_member(const model::JsonValue& object, std::string_view name) {
  const model::JsonValue* value = object.find(name);
  return value != nullptr && value->is_string() ? &value->as_string() : nullptr;
}

Result<std::vector<model::Item>> decode_items(const model::JsonValue* array) {
  std::vector<model::Item> items;
  if (array == nullptr) return items;
  if (!array->is_array()) return invalid_response("has Items that is not an array");
  items.reserve(array->as_array().size());
  for (const model::JsonValue& element : array->as_array()) {
    auto item = model::decode_dynamodb_item(element);
    if (!item) return item.take_error();
    items.push_back(std::move(item).value());
  }
  return items;
}

}  // namespace

Result<TableDescription> parse_table_description(std::string_view response_body) {
  auto document = model::parse_json(response_body);
  if (!document) return document.take_error();
  const model::JsonValue* table = document->find("Table");
  if (table == nullptr) table = document->find("TableDescription");
  if (table == nullptr || !table->is_object()) return invalid_response("has no Table");

  TableDescription out;
  if (const std::string* name = string_member(*table, "TableName")) out.name = *name;
  if (const std::string* status = string_member(*table, "TableStatus")) out.status = *status;
  if (const model::JsonValue* count = table->find("ItemCount"); count && count->is_number()) {
    out.item_count = std::strtoull(count->as_string().c_str(), nullptr, 10);
  }

  // Key names and roles come from KeySchema; their types only from AttributeDefinitions.
  const model::JsonValue* definitions = table->find("AttributeDefinitions");
  auto type_of = [&](const std::string& name) -> Result<model::AttributeType> {
    if (definitions != nullptr && definitions->is_array()) {
      for (const model::JsonValue& definition : definitions->as_array()) {
        const std::string* def_name = string_member(definition, "AttributeName");
        const std::string* def_type = string_member(definition, "AttributeType");
        if (def_name == nullptr || def_type == nullptr || *def_name != name) continue;
        auto type = model::parse_type_name(*def_type);
        if (!type) return invalid_response("has attribute type " + *def_type + " for " + name);
        return *type;
      }
    }
    return invalid_response("has no AttributeDefinitions entry for key " + name);
  };

  const model::JsonValue* key_schema = table->find("KeySchema");
  if (key_schema == nullptr || !key_schema->is_array()) return invalid_response("has no KeySchema");
  bool has_hash = false;
  for (const model::JsonValue& element : key_schema->as_array()) {
    const std::string* name = string_member(element, "AttributeName");
    const std::string* role = string_member(element, "KeyType");
    if (name == nullptr || role == nullptr) return invalid_response("has a malformed KeySchema");
    auto type = type_of(*name);
    if (!type) return type.take_error();
    model::KeyAttribute key{*name, *type};
    if (*role == "HASH") {
      out.key_schema.hash = std::move(key);
      has_hash = true;
    } else if (*role == "RANGE") {
      out.key_schema.range = std::move(key);
    } else {
      return invalid_response("has KeyType " + *role);
    }
  }
  if (!has_hash) return invalid_response("has no HASH key");
  return out;
}

Result<BatchWriteResult> parse_batch_write_response(std::string_view response_body,
                                                    const std::string& table) {
  auto document = model::parse_json(response_body);
  if (!document) return document.take_error();
  BatchWriteResult out;

  if (const model::JsonValue* unprocessed = document->find("UnprocessedItems")) {
    const model::JsonValue* requests = unprocessed->find(table);
    if (requests != nullptr) {
      if (!requests->is_array()) return invalid_response("has malformed UnprocessedItems");
      for (const model::JsonValue& request : requests->as_array()) {
        const model::JsonValue* put = request.find("PutRequest");
        const model::JsonValue* remove = request.find("DeleteRequest");
        const model::JsonValue* item = put != nullptr      ? put->find("Item")
                                       : remove != nullptr ? remove->find("Key")
                                                           : nullptr;
        if (item == nullptr) {
          return invalid_response("has an UnprocessedItems entry without Item or Key");
        }
        auto decoded = model::decode_dynamodb_item(*item);
        if (!decoded) return decoded.take_error();
        out.unprocessed.push_back(std::move(decoded).value());
      }
    }
  }
  if (const model::JsonValue* consumed = document->find("ConsumedCapacity");
      consumed != nullptr && consumed->is_array()) {
    for (const model::JsonValue& entry : consumed->as_array()) {
      const std::string* name = string_member(entry, "TableName");
      const model::JsonValue* units = entry.find("CapacityUnits");
      if (name != nullptr && *name == table && units != nullptr && units->is_number()) {
        out.consumed_wcu += std::strtod(units->as_string().c_str(), nullptr);
      }
    }
  }
  return out;
}

double consumed_capacity_units(std::string_view response_body, const std::string& table) {
  auto document = model::parse_json(response_body);
  if (!document) return 0;
  const model::JsonValue* consumed = document->find("ConsumedCapacity");
  if (consumed == nullptr || !consumed->is_object()) return 0;
  const std::string* name = string_member(*consumed, "TableName");
  const model::JsonValue* units = consumed->find("CapacityUnits");
  if (name == nullptr || *name != table || units == nullptr || !units->is_number()) return 0;
  return std::strtod(units->as_string().c_str(), nullptr);
}

Result<ItemPage> parse_item_page(std::string_view response_body) {
  auto document = model::parse_json(response_body);
  if (!document) return document.take_error();
  ItemPage out;
  auto items = decode_items(document->find("Items"));
  if (!items) return items.take_error();
  out.items = std::move(items).value();
  if (const model::JsonValue* last = document->find("LastEvaluatedKey")) {
    auto key = model::decode_dynamodb_item(*last);
    if (!key) return key.take_error();
    out.last_evaluated_key = std::move(key).value();
  }
  return out;
}

}  // namespace csv2ddb::aws
