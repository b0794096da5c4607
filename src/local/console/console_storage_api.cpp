// The console API's tables and buckets: DynamoDB through its own operations (in-process, the
// same validation a client meets), S3 through its API with the account's key. Every list is one
// page with a cursor.
#include "aws/error_codes.hpp"
#include "aws/xml.hpp"
#include "local/console/console_api.hpp"
#include "local/console/console_storage.hpp"
#include "local/deploy/resource_handlers.hpp"

namespace csv2ddb::local::console {
namespace {

using model::JsonValue;

constexpr int kItemsPage = 25;
constexpr int kObjectsPage = 100;
constexpr int kTablesPage = 100;

HttpResponse failed(const Error& error) {
  const bool missing = aws::has_code(error, aws::code::kResourceNotFoundException) ||
                       aws::has_code(error, aws::code::kNoSuchBucket) ||
                       aws::is_missing_object(error);
  const bool refused = aws::has_code(error, aws::code::kValidationException);
  return api_error(missing ? 404 : refused ? 400 : 502, error.code, error.message);
}

// One DynamoDB operation in-process, its answer parsed.
Result<JsonValue> dynamodb(const ControlPlane& control, std::string_view operation,
                           const JsonValue& request) {
  auto answer = control.dynamodb_call(operation, model::to_json(request));
  if (!answer) return answer.take_error();
  return model::parse_json(*answer);
}

// {"S": "text"} for a key attribute of type S (N, B likewise) from the text a person typed.
JsonValue typed(const std::string& type, const std::string& text) {
  JsonValue out = JsonValue::object();
  out.set(type, JsonValue::string(text));
  return out;
}

std::string key_type(const JsonValue& table, const std::string& name) {
  if (const JsonValue* definitions = table.find("AttributeDefinitions")) {
    for (const JsonValue& definition : definitions->as_array()) {
      const JsonValue* attribute = definition.find("AttributeName");
      if (attribute && attribute->as_string() == name) {
        return definition.find("AttributeType")->as_string();
      }
    }
  }
  return "S";
}

// KeyConditionExpression for a partition key value and an optional sort key condition.
Result<JsonValue> query_request(const JsonValue& table, const ApiCall& call) {
  JsonValue request = JsonValue::object();
  JsonValue names = JsonValue::object();
  JsonValue values = JsonValue::object();
  std::string condition = "#p = :p";
  const JsonValue& schema = *table.find("KeySchema");
  const std::string hash = schema.as_array()[0].find("AttributeName")->as_string();
  names.set("#p", JsonValue::string(hash));
  values.set(":p", typed(key_type(table, hash), query_value(call.query, "pk")));
  const std::string op = query_value(call.query, "sk_op");
  if (!op.empty() && schema.as_array().size() == 2) {
    const std::string range = schema.as_array()[1].find("AttributeName")->as_string();
    names.set("#s", JsonValue::string(range));
    values.set(":s", typed(key_type(table, range), query_value(call.query, "sk")));
    if (op == "begins_with") {
      condition += " AND begins_with(#s, :s)";
    } else if (op == "=" || op == "<" || op == "<=" || op == ">" || op == ">=") {
      condition += " AND #s " + op + " :s";
    } else {
      return make_error("ValidationException", "sk_op must be =, <, <=, >, >= or begins_with");
    }
  }
  request.set("KeyConditionExpression", JsonValue::string(condition));
  request.set("ExpressionAttributeNames", std::move(names));
  request.set("ExpressionAttributeValues", std::move(values));
  return request;
}

}  // namespace

HttpResponse ConsoleApi::tables(const ApiCall& call) {
  const ControlPlane control = control_();
  JsonValue list_request = JsonValue::object();
  list_request.set("Limit", JsonValue::number_text(std::to_string(kTablesPage)));
  if (const std::string start = query_value(call.query, "start"); !start.empty()) {
    list_request.set("ExclusiveStartTableName", JsonValue::string(start));
  }
  auto listed = dynamodb(control, "ListTables", list_request);
  if (!listed) return failed(listed.error());
  JsonValue tables = JsonValue::array();
  for (const JsonValue& name : listed->find("TableNames")->as_array()) {
    JsonValue describe = JsonValue::object();
    describe.set("TableName", name);
    auto described = dynamodb(control, "DescribeTable", describe);
    if (!described) continue;  // deleted in between
    JsonValue table = *described->find("Table");
    JsonValue entry = JsonValue::object();
    for (const char* field :
         {"TableName", "KeySchema", "AttributeDefinitions", "ItemCount", "TableSizeBytes",
          "BillingModeSummary", "GlobalSecondaryIndexes", "LocalSecondaryIndexes"}) {
      if (const JsonValue* value = table.find(field)) entry.set(field, *value);
    }
    tables.push(std::move(entry));
  }
  JsonValue body = JsonValue::object();
  body.set("tables", std::move(tables));
  const JsonValue* last = listed->find("LastEvaluatedTableName");
  body.set("next", last ? *last : JsonValue::null());
  return api_json(body);
}

HttpResponse ConsoleApi::items(const ApiCall& call) {
  const ControlPlane control = control_();
  const std::string table_name = query_value(call.query, "table");
  JsonValue describe = JsonValue::object();
  describe.set("TableName", JsonValue::string(table_name));
  auto described = dynamodb(control, "DescribeTable", describe);
  if (!described) return failed(described.error());
  const JsonValue& table = *described->find("Table");
  const bool query = !query_value(call.query, "pk").empty();
  JsonValue request = JsonValue::object();
  if (query) {
    auto made = query_request(table, call);
    if (!made) return failed(made.error());
    request = std::move(*made);
  }
  request.set("TableName", JsonValue::string(table_name));
  request.set("Limit", JsonValue::number_text(std::to_string(kItemsPage)));
  if (const std::string start = query_value(call.query, "start"); !start.empty()) {
    auto key = model::parse_json(start);
    if (!key || !key->is_object())
      return api_error(400, "ValidationException", "start is not a key");
    request.set("ExclusiveStartKey", *key);
  }
  auto page = dynamodb(control, query ? "Query" : "Scan", request);
  if (!page) return failed(page.error());
  JsonValue body = JsonValue::object();
  body.set("key_schema", *table.find("KeySchema"));
  body.set("items", *page->find("Items"));
  const JsonValue* last = page->find("LastEvaluatedKey");
  body.set("last_key", last ? *last : JsonValue::null());
  return api_json(body);
}

HttpResponse ConsoleApi::buckets(const ApiCall&) {
  auto clients = deploy::admin_clients(control_());
  if (!clients) return failed(clients.error());
  auto& s3 = *clients->s3();
  auto response = s3.caller().call("ListBuckets", s3.request("GET", "", ""));
  if (!response) return failed(response.error());
  auto document = aws::parse_xml(response->body);
  JsonValue names = JsonValue::array();
  if (document) {
    if (const aws::XmlElement* buckets = document->child("Buckets")) {
      for (const aws::XmlElement& bucket : buckets->children) {
        names.push(JsonValue::string(bucket.child_text("Name")));
      }
    }
  }
  JsonValue body = JsonValue::object();
  body.set("buckets", std::move(names));
  return api_json(body);
}

HttpResponse ConsoleApi::objects(const ApiCall& call) {
  auto clients = deploy::admin_clients(control_());
  if (!clients) return failed(clients.error());
  auto page = clients->s3()->list_objects_v2(query_value(call.query, "bucket"),
                                             query_value(call.query, "prefix"),
                                             query_value(call.query, "token"), kObjectsPage, "/");
  if (!page) return failed(page.error());
  JsonValue folders = JsonValue::array();
  for (const std::string& prefix : page->common_prefixes) folders.push(JsonValue::string(prefix));
  JsonValue objects = JsonValue::array();
  for (const aws::ListedObject& listed : page->objects) {
    JsonValue one = JsonValue::object();
    one.set("key", JsonValue::string(listed.key));
    one.set("size", JsonValue::number_text(std::to_string(listed.size)));
    one.set("last_modified", JsonValue::string(listed.last_modified));
    objects.push(std::move(one));
  }
  JsonValue body = JsonValue::object();
  body.set("folders", std::move(folders));
  body.set("objects", std::move(objects));
  body.set("next_token", page->next_continuation_token.empty()
                             ? JsonValue::null()
                             : JsonValue::string(page->next_continuation_token));
  return api_json(body);
}

HttpResponse ConsoleApi::object(const ApiCall& call) {
  const ControlPlane control = control_();
  auto clients = deploy::admin_clients(control);
  if (!clients) return failed(clients.error());
  const std::string bucket = query_value(call.query, "bucket");
  const std::string key = query_value(call.query, "key");
  auto head = clients->s3()->head_object(bucket, key);
  if (!head) return failed(head.error());
  JsonValue body = JsonValue::object();
  body.set("bucket", JsonValue::string(bucket));
  body.set("key", JsonValue::string(key));
  body.set("size", JsonValue::number_text(std::to_string(head->size)));
  body.set("etag", JsonValue::string(head->etag));
  body.set("last_modified", JsonValue::string(head->last_modified));
  body.set("content_type", JsonValue::string(head->content_type));
  body.set("url", JsonValue::string(presigned_path(control, call.host, "GET", bucket, key)));
  return api_json(body);
}

HttpResponse ConsoleApi::upload_url(const ApiCall& call) {
  auto request = model::parse_json(call.body);
  const JsonValue* bucket = request ? request->find("bucket") : nullptr;
  const JsonValue* key = request ? request->find("key") : nullptr;
  if (bucket == nullptr || key == nullptr || !bucket->is_string() || !key->is_string() ||
      bucket->as_string().empty() || key->as_string().empty()) {
    return api_error(400, "ValidationException", "give {\"bucket\": ..., \"key\": ...}");
  }
  imports_.note_upload(bucket->as_string(), key->as_string());
  JsonValue body = JsonValue::object();
  body.set("url", JsonValue::string(presigned_path(control_(), call.host, "PUT",
                                                   bucket->as_string(), key->as_string())));
  return api_json(body);
}

}  // namespace csv2ddb::local::console
