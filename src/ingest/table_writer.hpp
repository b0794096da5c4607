// The calls the engine needs from DynamoDB: BatchWriteItem of puts (and deletes), and the
// per-item writes of the write modes that need them (PutItem, UpdateItem, DeleteItem with a
// condition). The adapter implements them over the AWS client (src/adapters); InMemoryTable
// (tests/support) implements them for tests.
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
#include "ingest/write_plan.hpp"
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

// What one per-item write (write_item_json) came back with.
struct ItemWriteOutcome {
  enum class Status {
    kOk,
    kConflict,  // ConditionalCheckFailedException: the row's condition does not hold
    kThrottled,
    kTransient,
    kInvalid,  // the request's content was refused: the row is rejected
    kFatal,
  };
  Status status = Status::kOk;
  double consumed_wcu = 0;
  std::string error_code;
  std::string error_message;
};

// One write of a batch: a put of an item, or a delete of a key, as DynamoDB JSON.
struct BatchEntry {
  bool is_delete = false;
  std::string_view json;
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
  // A batch that deletes some keys (in `unprocessed`, deletes come back as their keys).
  virtual BatchWriteOutcome batch_write_json(const std::string& table,
                                             std::span<const BatchEntry> entries) = 0;
  // One row written as `plan` says (write_plan.hpp), `item_json` its item as DynamoDB JSON (in
  // delete mode, its key).
  virtual ItemWriteOutcome write_item_json(const std::string& table, const WritePlan& plan,
                                           std::string_view item_json) = 0;
  // The table's key schema (DescribeTable). Errors are fatal for the run.
  virtual Result<model::KeySchema> describe_key_schema(const std::string& table) = 0;
};

}  // namespace csv2ddb::ingest
