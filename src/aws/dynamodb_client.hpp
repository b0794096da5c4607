// DynamoDB over its JSON 1.0 protocol: POST / with X-Amz-Target: DynamoDB_20120810.<Op> and
// Content-Type: application/x-amz-json-1.0. Only the operations csv2ddb and its tests use.
// Items travel as model::Item, encoded and decoded with the model's DynamoDB JSON codecs.
// Errors carry DynamoDB's code ("ResourceNotFoundException") and its message verbatim; pass an
// AwsError* to see the HTTP status and retry class as well.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aws/aws_caller.hpp"
#include "aws/dynamodb_wire.hpp"
#include "common/result.hpp"
#include "model/attribute_value.hpp"

namespace csv2ddb::aws {

struct TableDescription {
  std::string name;
  std::string status;  // "CREATING", "ACTIVE", "DELETING", "UPDATING"
  model::KeySchema key_schema;
  std::uint64_t item_count = 0;
};

struct BatchWriteResult {
  // Requests DynamoDB did not write: the items of puts, the keys of deletes.
  std::vector<model::Item> unprocessed;
  double consumed_wcu = 0;  // ConsumedCapacity (TOTAL) for the table
};

struct ItemPage {
  std::vector<model::Item> items;
  std::optional<model::Item> last_evaluated_key;  // set when more pages follow
};

struct QueryRequest {
  std::string table;
  std::string key_condition_expression;                    // "#a = :a AND begins_with(#o, :p)"
  std::vector<std::pair<std::string, std::string>> names;  // "#a" -> "account"
  model::Item values;                                      // ":a" -> {"S":"A1"}
  std::optional<model::Item> exclusive_start_key;
  bool consistent_read = false;
};

class DynamoDbClient {
 public:
  explicit DynamoDbClient(std::shared_ptr<AwsCaller> caller) : caller_(std::move(caller)) {}

  Result<TableDescription> describe_table(const std::string& table);
  // A table keyed by `key_schema`, billed PAY_PER_REQUEST.
  Result<TableDescription> create_table(const std::string& table,
                                        const model::KeySchema& key_schema);
  Status delete_table(const std::string& table);
  // Polls DescribeTable until the status is ACTIVE, at most `attempts` times, `interval` apart.
  Status wait_until_active(const std::string& table, int attempts = 100,
                           std::chrono::milliseconds interval = std::chrono::milliseconds(100));

  Status put_item(const std::string& table, const model::Item& item);
  // Nothing when there is no item with that key.
  Result<std::optional<model::Item>> get_item(const std::string& table, const model::Item& key,
                                              bool consistent_read = true);
  Result<ItemPage> scan(const std::string& table,
                        const std::optional<model::Item>& exclusive_start_key = std::nullopt,
                        std::optional<int> limit = std::nullopt);
  // Every item, page after page.
  Result<std::vector<model::Item>> scan_all(const std::string& table);
  Result<ItemPage> query(const QueryRequest& request);

  // BatchWriteItem of PutRequests with ReturnConsumedCapacity=TOTAL. `mode` kSingleAttempt
  // leaves retries to the caller.
  Result<BatchWriteResult> batch_write_item(const std::string& table,
                                            const std::vector<model::Item>& items,
                                            RetryMode mode = RetryMode::kStandard,
                                            AwsError* failure = nullptr);
  // The same for items already in DynamoDB JSON (model::append_dynamodb_item), as the ingest
  // engine has them.
  Result<BatchWriteResult> batch_write_json(const std::string& table,
                                            std::span<const std::string_view> items,
                                            RetryMode mode = RetryMode::kStandard,
                                            AwsError* failure = nullptr);

  // One write of a batch that may mix puts and deletes: the item's DynamoDB JSON, or the key's.
  struct BatchEntry {
    bool is_delete = false;
    std::string_view json;
  };
  Result<BatchWriteResult> batch_write_entries(const std::string& table,
                                               std::span<const BatchEntry> entries,
                                               RetryMode mode = RetryMode::kStandard,
                                               AwsError* failure = nullptr);
  // Any operation with a body already built (PutItem, UpdateItem, DeleteItem with their
  // expressions): the response body, or the error (`failure` gets it decoded).
  Result<std::string> send(std::string_view operation, std::string body,
                           RetryMode mode = RetryMode::kStandard, AwsError* failure = nullptr) {
    return call(operation, std::move(body), mode, failure);
  }

  // The request body of BatchWriteItem: the items' DynamoDB JSON side by side (no DOM).
  static std::string batch_write_body(const std::string& table,
                                      std::span<const std::string_view> items);
  static std::string batch_write_body(const std::string& table,
                                      std::span<const BatchEntry> entries);
  static std::string batch_write_body(const std::string& table,
                                      const std::vector<model::Item>& items);
  // The AwsRequest for an operation and body (public for golden files).
  AwsRequest request(std::string_view operation, std::string body,
                     RetryMode mode = RetryMode::kStandard) const;

  AwsCaller& caller() { return *caller_; }

 private:
  Result<std::string> call(std::string_view operation, std::string body,
                           RetryMode mode = RetryMode::kStandard, AwsError* failure = nullptr);
  Result<BatchWriteResult> send_batch_write(const std::string& table, std::string body,
                                            RetryMode mode, AwsError* failure);

  std::shared_ptr<AwsCaller> caller_;
};

// Decoders for DynamoDB's responses (public for tests).
Result<TableDescription> parse_table_description(std::string_view response_body);
Result<BatchWriteResult> parse_batch_write_response(std::string_view response_body,
                                                    const std::string& table);
Result<ItemPage> parse_item_page(std::string_view response_body);
// The write units a single-item write's answer reports for `table` (ReturnConsumedCapacity
// TOTAL: one ConsumedCapacity object); 0 when it reports none.
double consumed_capacity_units(std::string_view response_body, const std::string& table);

}  // namespace csv2ddb::aws
