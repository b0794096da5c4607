#include "adapters/dynamodb_table_writer.hpp"

#include <vector>

#include "adapters/item_requests.hpp"
#include "model/dynamodb_json.hpp"

namespace csv2ddb::adapters {

using Status = ingest::BatchWriteOutcome::Status;
using aws::AwsError;

Status classify_batch_error(const AwsError& error) {
  if (error.code.empty() || aws::ends_batch_writes(error.code)) return Status::kFatal;
  switch (error.retry) {
    case RetryClass::kThrottling:
      return Status::kThrottled;
    case RetryClass::kTransient:
    case RetryClass::kClockSkew:  // one correction already failed; a later attempt may pass
      return Status::kTransient;
    case RetryClass::kNone:
      break;
  }
  // Whatever else a 4xx says is about the request's content (ValidationException,
  // SerializationException, ItemCollectionSizeLimitExceededException...): split and reject.
  if (error.http_status >= 400 && error.http_status < 500) return Status::kInvalid;
  if (error.http_status >= 500) return Status::kTransient;
  return Status::kFatal;
}

namespace {

// A batch call's result or failure as the engine's outcome.
ingest::BatchWriteOutcome batch_outcome(Result<aws::BatchWriteResult> result,
                                        const AwsError& failure) {
  ingest::BatchWriteOutcome outcome;
  if (result) {
    outcome.unprocessed = std::move(result->unprocessed);
    outcome.consumed_wcu = result->consumed_wcu;
    return outcome;
  }
  const Error& error = result.error();
  outcome.status = classify_batch_error(failure);
  outcome.error_code = error.code;
  // The service's words verbatim when it answered; otherwise (transport, credentials) the
  // whole description, which names the endpoint or the missing credentials.
  outcome.error_message = failure.http_status != 0 ? failure.message : error.message;
  return outcome;
}

ingest::ItemWriteOutcome::Status item_status(const AwsError& failure) {
  using Item = ingest::ItemWriteOutcome::Status;
  if (aws::has_code(Error{failure.code, ""}, aws::code::kConditionalCheckFailedException)) {
    return Item::kConflict;
  }
  switch (classify_batch_error(failure)) {
    case Status::kThrottled:
      return Item::kThrottled;
    case Status::kTransient:
      return Item::kTransient;
    case Status::kInvalid:
      return Item::kInvalid;
    case Status::kOk:
    case Status::kFatal:
      break;
  }
  return Item::kFatal;
}

}  // namespace

ingest::BatchWriteOutcome DynamoDbTableWriter::batch_put_json(
    const std::string& table, std::span<const std::string_view> items) {
  AwsError failure;
  return batch_outcome(
      client_->batch_write_json(table, items, aws::RetryMode::kSingleAttempt, &failure), failure);
}

ingest::BatchWriteOutcome DynamoDbTableWriter::batch_write_json(
    const std::string& table, std::span<const ingest::BatchEntry> entries) {
  std::vector<aws::DynamoDbClient::BatchEntry> wire;
  wire.reserve(entries.size());
  for (const ingest::BatchEntry& entry : entries) wire.push_back({entry.is_delete, entry.json});
  AwsError failure;
  return batch_outcome(
      client_->batch_write_entries(table, wire, aws::RetryMode::kSingleAttempt, &failure), failure);
}

ingest::ItemWriteOutcome DynamoDbTableWriter::write_item_json(const std::string& table,
                                                              const ingest::WritePlan& plan,
                                                              std::string_view item_json) {
  ingest::ItemWriteOutcome outcome;
  Result<model::Item> item = model::decode_encoded_item(item_json);
  Result<ItemRequest> request = item ? item_request(table, plan, *item) : item.take_error();
  if (!request) {
    outcome.status = ingest::ItemWriteOutcome::Status::kInvalid;
    outcome.error_code = request.error().code;
    outcome.error_message = request.error().message;
    return outcome;
  }
  AwsError failure;
  Result<std::string> response = client_->send(request->operation, std::move(request->body),
                                               aws::RetryMode::kSingleAttempt, &failure);
  if (response) {
    outcome.consumed_wcu = aws::consumed_capacity_units(*response, table);
    return outcome;
  }
  outcome.status = item_status(failure);
  outcome.error_code = response.error().code;
  outcome.error_message = failure.http_status != 0 ? failure.message : response.error().message;
  return outcome;
}

Result<model::KeySchema> DynamoDbTableWriter::describe_key_schema(const std::string& table) {
  auto description = client_->describe_table(table);
  if (!description) return description.take_error();
  return description->key_schema;
}

}  // namespace csv2ddb::adapters
