#include "adapters/dynamodb_table_writer.hpp"

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

ingest::BatchWriteOutcome DynamoDbTableWriter::batch_put_json(
    const std::string& table, std::span<const std::string_view> items) {
  ingest::BatchWriteOutcome outcome;
  AwsError failure;
  auto result = client_->batch_write_json(table, items, aws::RetryMode::kSingleAttempt, &failure);
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

Result<model::KeySchema> DynamoDbTableWriter::describe_key_schema(const std::string& table) {
  auto description = client_->describe_table(table);
  if (!description) return description.take_error();
  return description->key_schema;
}

}  // namespace csv2ddb::adapters
