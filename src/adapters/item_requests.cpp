#include "adapters/item_requests.hpp"

#include <algorithm>

#include "model/dynamodb_json.hpp"
#include "model/json.hpp"

namespace csv2ddb::adapters {
namespace {

bool is_key(const std::string& name, const model::KeySchema& schema) {
  return name == schema.hash.name || (schema.range && name == schema.range->name);
}

// A placeholder prefix the condition does not use ("u", else "u_", "u__"...), for the SET
// clauses of an update.
std::string free_prefix(const ingest::WritePlan& plan) {
  std::string prefix = "u";
  auto taken = [&](const std::string& candidate) {
    for (const std::vector<std::string>* tokens : {&plan.names, &plan.values}) {
      for (const std::string& token : *tokens) {
        if (token.compare(1, candidate.size(), candidate) == 0) return true;
      }
    }
    return false;
  };
  while (taken(prefix)) prefix += '_';
  return prefix;
}

struct Members {
  std::string names;   // "\"#a\":\"a\",..."
  std::string values;  // "\":a\":{\"S\":\"x\"},..."
  void name(const std::string& token, const std::string& attribute) {
    if (!names.empty()) names += ',';
    model::append_json_string(names, token);
    names += ':';
    model::append_json_string(names, attribute);
  }
  void value(const std::string& token, const model::AttributeValue& attribute) {
    if (!values.empty()) values += ',';
    model::append_json_string(values, token);
    values += ':';
    model::append_dynamodb_value(values, attribute);
  }
};

Status bind_condition(const ingest::WritePlan& plan, const model::Item& item, Members& members) {
  for (const std::string& token : plan.names) members.name(token, token.substr(1));
  for (const std::string& token : plan.values) {
    const model::AttributeValue* value = item.find(token.substr(1));
    if (value == nullptr) {
      return make_error("MissingConditionValue", "the condition needs a value for '" +
                                                     token.substr(1) + "' and the row has none");
    }
    members.value(token, *value);
  }
  return {};
}

void append_member(std::string& body, std::string_view name, std::string_view json) {
  body += ",\"";
  body += name;
  body += "\":";
  body += json;
}

void append_text_member(std::string& body, std::string_view name, std::string_view text) {
  body += ",\"";
  body += name;
  body += "\":";
  model::append_json_string(body, text);
}

// SET #u0 = :u0, ... for the row's attributes that are not the key; "" when there are none.
std::string set_clauses(const ingest::WritePlan& plan, const model::Item& item, Members& members) {
  const std::string prefix = free_prefix(plan);
  std::string clauses;
  std::size_t n = 0;
  for (const model::Attribute& attribute : item.attributes) {
    if (is_key(attribute.name, plan.schema)) continue;
    const std::string suffix = prefix + std::to_string(n++);
    clauses += clauses.empty() ? "SET " : ", ";
    clauses += "#" + suffix + " = :" + suffix;
    members.name("#" + suffix, attribute.name);
    members.value(":" + suffix, attribute.value);
  }
  return clauses;
}

}  // namespace

Result<ItemRequest> item_request(const std::string& table, const ingest::WritePlan& plan,
                                 const model::Item& item) {
  Members members;
  if (Status bound = bind_condition(plan, item, members); !bound) return bound.error();
  ItemRequest request;
  std::string& body = request.body;
  body = "{\"TableName\":";
  model::append_json_string(body, table);
  std::string object;
  if (plan.mode == ingest::WriteMode::kPut || plan.mode == ingest::WriteMode::kPutIfAbsent) {
    request.operation = "PutItem";
    model::append_dynamodb_item(object, item);
    append_member(body, "Item", object);
  } else {
    request.operation = plan.mode == ingest::WriteMode::kUpdate ? "UpdateItem" : "DeleteItem";
    model::append_dynamodb_item(object, ingest::key_of(item, plan.schema));
    append_member(body, "Key", object);
    if (plan.mode == ingest::WriteMode::kUpdate) {
      const std::string clauses = set_clauses(plan, item, members);
      if (!clauses.empty()) append_text_member(body, "UpdateExpression", clauses);
    }
  }
  if (!plan.condition.empty()) append_text_member(body, "ConditionExpression", plan.condition);
  if (!members.names.empty())
    append_member(body, "ExpressionAttributeNames", "{" + members.names + "}");
  if (!members.values.empty()) {
    append_member(body, "ExpressionAttributeValues", "{" + members.values + "}");
  }
  body += ",\"ReturnConsumedCapacity\":\"TOTAL\"}";
  return request;
}

}  // namespace csv2ddb::adapters
