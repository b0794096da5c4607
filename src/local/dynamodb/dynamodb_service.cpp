#include "local/dynamodb/dynamodb_service.hpp"

#include <exception>
#include <unordered_map>

#include "aws/aws_error.hpp"
#include "aws/crypto.hpp"
#include "aws/dynamodb_wire.hpp"
#include "aws/error_codes.hpp"
#include "local/dynamodb/batch_write.hpp"
#include "local/dynamodb/request_checks.hpp"
#include "local/request_id.hpp"

namespace csv2ddb::local::dynamodb {
namespace {

using aws::kDynamoDbContentType;
using aws::kDynamoDbTargetPrefix;

// Dispatch is data: the operation name from X-Amz-Target, looked up here.
const std::unordered_map<std::string_view, Operation>& operations() {
  static const std::unordered_map<std::string_view, Operation> table = {
      {"CreateTable", create_table},
      {"DescribeTable", describe_table},
      {"ListTables", list_tables},
      {"DeleteTable", delete_table},
      {"UpdateTable", update_table},
      {"TransactWriteItems", transact_write_items},
      {"TransactGetItems", transact_get_items},
      {"PutItem", put_item},
      {"GetItem", get_item},
      {"DeleteItem", delete_item},
      {"UpdateItem", update_item},
      {"BatchWriteItem", batch_write_item},
      {"BatchGetItem", batch_get_item},
      {"Scan", scan},
      {"Query", query},
  };
  return table;
}

bool runs_inline(const HttpRequest& head) {
  // Every operation but one is bounded: one item, a batch of 25 or 100, a page of at most
  // 1 MB, a catalog change, counters read from memory. DeleteTable removes every item of a
  // table, however many; it runs on a worker, and in chunks (table_store.cpp) so that a write
  // waiting for the writer on the reactor waits one chunk at most.
  return head.header("x-amz-target") != std::string(kDynamoDbTargetPrefix) + "DeleteTable";
}

}  // namespace

DynamoDbService::DynamoDbService(TableStore& store, FaultInjector& faults, std::string region)
    : context_{store, faults, std::move(region)}, faults_(faults) {}

BodyPolicy DynamoDbService::body_policy(const HttpRequest& head) {
  // Inline on the reactor where that is safe (runs_inline): measured, the hand-off to a
  // worker and back cost more CPU than a 25-item BatchWriteItem itself.
  return BodyPolicy{
      .max_bytes = kMaxRequestBytes, .spool_to_file = false, .run_inline = runs_inline(head)};
}

std::string DynamoDbService::payload_hash(const HttpRequest& request) {
  return aws::sha256_hex(request.body.memory);
}

HttpResponse DynamoDbService::error_response(const HttpRequest&, const Error& error) {
  // IAM's refusal, in DynamoDB's words.
  const std::string code(aws::has_code(error, aws::code::kAccessDenied)
                             ? aws::code::kAccessDeniedException
                             : std::string_view(error.code));
  HttpResponse response;
  response.status = aws::dynamodb_error_status(code);
  response.body = aws::encode_dynamodb_error(code, error.message, error.wire_members);
  response.add_header("Content-Type", std::string(kDynamoDbContentType));
  response.add_header("x-amzn-RequestId", new_request_id());
  return response;
}

std::vector<iam::Permission> DynamoDbService::permissions(const HttpRequest& request) {
  const std::string_view target = request.header("x-amz-target");
  const std::string_view operation = target.starts_with(kDynamoDbTargetPrefix)
                                         ? target.substr(kDynamoDbTargetPrefix.size())
                                         : target;
  const std::string action = "dynamodb:" + std::string(operation);
  const std::string table_arn_prefix =
      "arn:aws:dynamodb:" + context_.region + ":" + std::string(iam::kAccountId) + ":table/";
  auto body = model::parse_json(request.body.memory);
  std::vector<iam::Permission> needed;
  if (body && body->is_object()) {
    if (const auto* table = body->find("TableName"); table && table->is_string()) {
      needed.push_back({action, table_arn_prefix + table->as_string()});
    }
    // BatchWriteItem and BatchGetItem name their tables as the keys of RequestItems.
    if (const auto* items = body->find("RequestItems"); items && items->is_object()) {
      for (const auto& [table, requests] : items->as_object()) {
        needed.push_back({action, table_arn_prefix + table});
      }
    }
  }
  // ListTables, or a body that names no table (it fails validation later): any table.
  if (needed.empty()) needed.push_back({action, "*"});
  return needed;
}

namespace {

// Deep enough for an item at DynamoDB's 32 levels of nesting (two JSON levels each, inside the
// request and the item), so that it meets DynamoDB's own message for items too deep; deeper
// bodies are refused while parsing, as DynamoDB refuses an item 50 levels deep.
model::JsonParseOptions request_body_limits() {
  model::JsonParseOptions options;
  options.max_depth = 100;
  return options;
}

}  // namespace

Result<std::string> DynamoDbService::call(std::string_view operation, std::string_view body) {
  const auto found = operations().find(operation);
  if (found == operations().end()) {
    return make_error("UnknownOperationException", "");
  }
  try {
    // An ingest's BatchWriteItem, read without a JSON tree; whatever it declines, the general
    // path below decides (batch_write.hpp).
    if (found->second == batch_write_item) {
      if (auto plan = plan_batch_write_from_text(body, context_)) {
        return run_batch_write(*plan, context_);
      }
    }
    auto parsed = body.empty() ? Result<model::JsonValue>(model::JsonValue::object())
                               : model::parse_json(body, request_body_limits());
    if (!parsed || !parsed->is_object()) {
      // DynamoDB says nothing more of a body it cannot read; of one too deep, we do.
      const bool too_deep = !parsed && parsed.error().message.starts_with("nesting deeper");
      return make_error("SerializationException",
                        too_deep ? "The request body nests deeper than 100 levels" : "");
    }
    return found->second(*parsed, context_);
  } catch (const std::exception& e) {
    return make_error("InternalServerError", std::string("Internal server error: ") + e.what());
  }
}

HttpResponse DynamoDbService::handle(HttpRequest& request) {
  HttpResponse response = serve(request);
  response.delay = faults_.spec().latency;  // on the server's timer: no thread waits
  return response;
}

HttpResponse DynamoDbService::serve(HttpRequest& request) {
  const FaultSpec& faults = faults_.spec();
  if (faults_.roll(faults.drop)) {
    HttpResponse dropped;
    dropped.drop_without_response = true;
    return dropped;
  }
  if (faults_.roll(faults.error)) {
    return error_response(request, make_error("InternalServerError", "Internal server error"));
  }
  if (request.method != "POST") {
    return error_response(request, make_error("UnknownOperationException", ""));
  }
  const std::string_view target = request.header("x-amz-target");
  auto result = call(target.substr(kDynamoDbTargetPrefix.size()), request.body.memory);
  if (!result) return error_response(request, result.error());
  HttpResponse response;
  response.body = std::move(*result);
  response.add_header("Content-Type", std::string(kDynamoDbContentType));
  response.add_header("x-amzn-RequestId", new_request_id());
  return response;
}

std::vector<HttpResponse> DynamoDbService::handle_inline(std::span<HttpRequest* const> requests) {
  context_.store.begin_round();
  std::vector<HttpResponse> responses = Service::handle_inline(requests);
  const Status committed = context_.store.end_round();
  if (committed) return responses;
  // Whatever the pass acknowledged was in the transaction that failed: none of it happened.
  for (HttpResponse& response : responses) {
    if (response.status == 200 && !response.drop_without_response) {
      const std::chrono::milliseconds delay = response.delay;
      response = error_response(HttpRequest{}, committed.error());
      response.delay = delay;
    }
  }
  return responses;
}

}  // namespace csv2ddb::local::dynamodb
