// The one call the engine needs from DynamoDB: BatchWriteItem of put requests. The AWS client
// implements it over HTTP (src/aws); InMemoryTable (in_memory_table.hpp) implements it for tests.
//
// The engine hands over items already in DynamoDB JSON ({"name":{"S":"..."},...}): a row is
// encoded once, by the reader, when it is planned (batch_planner.hpp), and a request body is
// then those encodings put side by side, with no per-request encoding or item copies.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "model/attribute_value.hpp"

namespace csv2ddb::ingest {

// What one BatchWriteItem attempt came back with.
struct BatchWriteOutcome {
  enum class Status {
    kOk,         // accepted; `unprocessed` may still hold items DynamoDB did not write
    kThrottled,  // ProvisionedThroughputExceededException, ThrottlingException,
                 // RequestLimitExceeded...
    kTransient,  // 5xx, connection reset, timeout: worth retrying
    kInvalid,    // ValidationException and other 4xx caused by the request's content
    kFatal,      // ResourceNotFoundException, AccessDenied, bad credentials: stop the run
  };
  Status status = Status::kOk;
  std::vector<model::Item> unprocessed;  // for kOk: items to send again
  double consumed_wcu = 0;               // from ReturnConsumedCapacity, when the server says
  std::string error_code;                // e.g. "ValidationException" (non-kOk)
  std::string error_message;             // the server's message, verbatim
};

class TableWriter {
 public:
  virtual ~TableWriter() = default;
  // Sends one BatchWriteItem with a PutRequest per item (at most 25 items, no key twice), each
  // item given as its DynamoDB JSON (model::append_dynamodb_item). Thread-safe: the engine calls
  // it from several lanes at once.
  virtual BatchWriteOutcome batch_put_json(const std::string& table,
                                           std::span<const std::string_view> items) = 0;
  // The same for items not yet encoded.
  BatchWriteOutcome batch_put(const std::string& table, const std::vector<model::Item>& items);
  // The table's key schema (DescribeTable). Errors are fatal for the run.
  virtual Result<model::KeySchema> describe_key_schema(const std::string& table) = 0;
};

}  // namespace csv2ddb::ingest
