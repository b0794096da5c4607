#include "aws/dynamodb_client.hpp"

#include <thread>

#include "model/dynamodb_json.hpp"
#include "model/json.hpp"

namespace csv2ddb::aws {
namespace {

// {"TableName":"t"
void open_with_table(std::string& out, std::string_view table) {
  out.append("{\"TableName\":");
  model::append_json_string(out, table);
}

void append_key_element(std::string& out, const model::KeyAttribute& key, std::string_view role) {
  out.append("{\"AttributeName\":");
  model::append_json_string(out, key.name);
  out.append(",\"KeyType\":\"");
  out.append(role);
  out.append("\"}");
}

void append_attribute_definition(std::string& out, const model::KeyAttribute& key) {
  out.append("{\"AttributeName\":");
  model::append_json_string(out, key.name);
  out.append(",\"AttributeType\":\"");
  out.append(model::type_name(key.type));
  out.append("\"}");
}

}  // namespace

AwsRequest DynamoDbClient::request(std::string_view operation, std::string body,
                                   RetryMode mode) const {
  AwsRequest out;
  out.method = "POST";
  out.url = caller_->url("/");
  out.headers.push_back({"Content-Type", std::string(kDynamoDbContentType)});
  out.headers.push_back(
      {"X-Amz-Target", std::string(kDynamoDbTargetPrefix) + std::string(operation)});
  out.body = std::move(body);
  out.retry_mode = mode;
  return out;
}

Result<std::string> DynamoDbClient::call(std::string_view operation, std::string body,
                                         RetryMode mode, AwsError* failure) {
  auto response = caller_->call(operation, request(operation, std::move(body), mode), {}, failure);
  if (!response) return response.take_error();
  return std::move(response->body);
}

Result<TableDescription> DynamoDbClient::describe_table(const std::string& table) {
  std::string body;
  open_with_table(body, table);
  body.push_back('}');
  auto response = call("DescribeTable", std::move(body));
  if (!response) return response.take_error();
  return parse_table_description(*response);
}

Result<TableDescription> DynamoDbClient::create_table(const std::string& table,
                                                      const model::KeySchema& key_schema) {
  std::string body;
  open_with_table(body, table);
  body.append(",\"KeySchema\":[");
  append_key_element(body, key_schema.hash, "HASH");
  if (key_schema.range) {
    body.push_back(',');
    append_key_element(body, *key_schema.range, "RANGE");
  }
  body.append("],\"AttributeDefinitions\":[");
  append_attribute_definition(body, key_schema.hash);
  if (key_schema.range) {
    body.push_back(',');
    append_attribute_definition(body, *key_schema.range);
  }
  body.append("],\"BillingMode\":\"PAY_PER_REQUEST\"}");
  auto response = call("CreateTable", std::move(body));
  if (!response) return response.take_error();
  return parse_table_description(*response);
}

Status DynamoDbClient::delete_table(const std::string& table) {
  std::string body;
  open_with_table(body, table);
  body.push_back('}');
  auto response = call("DeleteTable", std::move(body));
  if (!response) return response.take_error();
  return {};
}

Status DynamoDbClient::wait_until_active(const std::string& table, int attempts,
                                         std::chrono::milliseconds interval) {
  std::string last_status;
  for (int i = 0; i < attempts; ++i) {
    auto description = describe_table(table);
    if (!description) return description.take_error();
    if (description->status == "ACTIVE") return {};
    last_status = description->status;
    std::this_thread::sleep_for(interval);
  }
  return make_error("TableNotActive", "table " + table + " is still " + last_status + " after " +
                                          std::to_string(attempts) + " checks");
}

Status DynamoDbClient::put_item(const std::string& table, const model::Item& item) {
  std::string body;
  open_with_table(body, table);
  body.append(",\"Item\":");
  model::append_dynamodb_item(body, item);
  body.push_back('}');
  auto response = call("PutItem", std::move(body));
  if (!response) return response.take_error();
  return {};
}

Result<std::optional<model::Item>> DynamoDbClient::get_item(const std::string& table,
                                                            const model::Item& key,
                                                            bool consistent_read) {
  std::string body;
  open_with_table(body, table);
  body.append(",\"Key\":");
  model::append_dynamodb_item(body, key);
  body.append(consistent_read ? ",\"ConsistentRead\":true}" : ",\"ConsistentRead\":false}");
  auto response = call("GetItem", std::move(body));
  if (!response) return response.take_error();
  auto document = model::parse_json(*response);
  if (!document) return document.take_error();
  const model::JsonValue* item = document->find("Item");
  if (item == nullptr) return std::optional<model::Item>();
  auto decoded = model::decode_dynamodb_item(*item);
  if (!decoded) return decoded.take_error();
  return std::optional<model::Item>(std::move(decoded).value());
}

Result<ItemPage> DynamoDbClient::scan(const std::string& table,
                                      const std::optional<model::Item>& exclusive_start_key,
                                      std::optional<int> limit) {
  std::string body;
  open_with_table(body, table);
  if (exclusive_start_key) {
    body.append(",\"ExclusiveStartKey\":");
    model::append_dynamodb_item(body, *exclusive_start_key);
  }
  if (limit) body.append(",\"Limit\":" + std::to_string(*limit));
  body.push_back('}');
  auto response = call("Scan", std::move(body));
  if (!response) return response.take_error();
  return parse_item_page(*response);
}

Result<std::vector<model::Item>> DynamoDbClient::scan_all(const std::string& table) {
  std::vector<model::Item> items;
  std::optional<model::Item> start;
  do {
    auto page = scan(table, start);
    if (!page) return page.take_error();
    for (model::Item& item : page->items) items.push_back(std::move(item));
    start = std::move(page->last_evaluated_key);
  } while (start);
  return items;
}

Result<ItemPage> DynamoDbClient::query(const QueryRequest& query) {
  std::string body;
  open_with_table(body, query.table);
  body.append(",\"KeyConditionExpression\":");
  model::append_json_string(body, query.key_condition_expression);
  if (!query.names.empty()) {
    body.append(",\"ExpressionAttributeNames\":{");
    bool first = true;
    for (const auto& [placeholder, name] : query.names) {
      if (!first) body.push_back(',');
      first = false;
      model::append_json_string(body, placeholder);
      body.push_back(':');
      model::append_json_string(body, name);
    }
    body.push_back('}');
  }
  if (!query.values.attributes.empty()) {
    body.append(",\"ExpressionAttributeValues\":");
    model::append_dynamodb_item(body, query.values);
  }
  if (query.exclusive_start_key) {
    body.append(",\"ExclusiveStartKey\":");
    model::append_dynamodb_item(body, *query.exclusive_start_key);
  }
  if (query.consistent_read) body.append(",\"ConsistentRead\":true");
  body.push_back('}');
  auto response = call("Query", std::move(body));
  if (!response) return response.take_error();
  return parse_item_page(*response);
}

std::string DynamoDbClient::batch_write_body(const std::string& table,
                                             std::span<const std::string_view> items) {
  constexpr std::string_view kOpen = "{\"RequestItems\":{";
  constexpr std::string_view kPut = ",{\"PutRequest\":{\"Item\":";
  constexpr std::string_view kClose = "]},\"ReturnConsumedCapacity\":\"TOTAL\"}";
  std::size_t size = kOpen.size() + table.size() * 6 + 4 + kClose.size();  // \u00XX at worst
  for (std::string_view item : items) size += kPut.size() + item.size() + 2;
  std::string body;
  body.reserve(size);  // one allocation: the items are side by side, nothing grows
  body.append(kOpen);
  model::append_json_string(body, table);
  body.append(":[");
  bool first = true;
  for (std::string_view item : items) {
    body.append(first ? kPut.substr(1) : kPut);
    first = false;
    body.append(item);
    body.append("}}");
  }
  body.append(kClose);
  return body;
}

std::string DynamoDbClient::batch_write_body(const std::string& table,
                                             std::span<const BatchEntry> entries) {
  constexpr std::string_view kOpen = "{\"RequestItems\":{";
  constexpr std::string_view kPut = ",{\"PutRequest\":{\"Item\":";
  constexpr std::string_view kDelete = ",{\"DeleteRequest\":{\"Key\":";
  constexpr std::string_view kClose = "]},\"ReturnConsumedCapacity\":\"TOTAL\"}";
  std::size_t size = kOpen.size() + table.size() * 6 + 4 + kClose.size();
  for (const BatchEntry& entry : entries) size += kDelete.size() + entry.json.size() + 2;
  std::string body;
  body.reserve(size);
  body.append(kOpen);
  model::append_json_string(body, table);
  body.append(":[");
  bool first = true;
  for (const BatchEntry& entry : entries) {
    const std::string_view frame = entry.is_delete ? kDelete : kPut;
    body.append(first ? frame.substr(1) : frame);
    first = false;
    body.append(entry.json);
    body.append("}}");
  }
  body.append(kClose);
  return body;
}

Result<BatchWriteResult> DynamoDbClient::batch_write_entries(const std::string& table,
                                                             std::span<const BatchEntry> entries,
                                                             RetryMode mode, AwsError* failure) {
  return send_batch_write(table, batch_write_body(table, entries), mode, failure);
}

std::string DynamoDbClient::batch_write_body(const std::string& table,
                                             const std::vector<model::Item>& items) {
  return batch_write_body(table, model::EncodedItems(items).views());
}

Result<BatchWriteResult> DynamoDbClient::batch_write_item(const std::string& table,
                                                          const std::vector<model::Item>& items,
                                                          RetryMode mode, AwsError* failure) {
  return send_batch_write(table, batch_write_body(table, items), mode, failure);
}

Result<BatchWriteResult> DynamoDbClient::batch_write_json(const std::string& table,
                                                          std::span<const std::string_view> items,
                                                          RetryMode mode, AwsError* failure) {
  return send_batch_write(table, batch_write_body(table, items), mode, failure);
}

Result<BatchWriteResult> DynamoDbClient::send_batch_write(const std::string& table,
                                                          std::string body, RetryMode mode,
                                                          AwsError* failure) {
  auto response = call("BatchWriteItem", std::move(body), mode, failure);
  if (!response) return response.take_error();
  return parse_batch_write_response(*response, table);
}

}  // namespace csv2ddb::aws
