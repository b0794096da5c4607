// The one call the engine needs from DynamoDB: BatchWriteItem of put requests. The AWS client
// implements it over HTTP (src/aws); InMemoryTable (in_memory_table.hpp) implements it for tests.
#pragma once

#include <cstdint>
#include <string>
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
  // Sends one BatchWriteItem with a PutRequest per item (at most 25 items, no key twice).
  // Thread-safe: the engine calls it from several lanes at once.
  virtual BatchWriteOutcome batch_put(const std::string& table,
                                      const std::vector<model::Item>& items) = 0;
  // The table's key schema (DescribeTable). Errors are fatal for the run.
  virtual Result<model::KeySchema> describe_key_schema(const std::string& table) = 0;
};

}  // namespace csv2ddb::ingest
