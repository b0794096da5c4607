// The ingest engine's TableWriter over DynamoDB.
//
// batch_put_json makes ONE logical BatchWriteItem attempt: the engine's writer lanes retry
// throttling, transient failures and UnprocessedItems themselves with the shared RetryPolicy,
// and a second retry loop here would multiply attempts (4 x 4) and hide throttles from the
// report. The only resends below the lane are ones that cannot change the outcome's meaning:
// HttpClient resending a request whose kept-alive connection the server had just closed (it
// never reached DynamoDB), and AwsCaller's one clock-skew correction.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "aws/dynamodb_client.hpp"
#include "ingest/table_writer.hpp"

namespace csv2ddb::adapters {

// The outcome status an AwsError maps to (table_writer.hpp explains the statuses). An error with
// no code is one that never reached DynamoDB for a local reason (no credentials): fatal.
ingest::BatchWriteOutcome::Status classify_batch_error(const aws::AwsError& error);

class DynamoDbTableWriter final : public ingest::TableWriter {
 public:
  explicit DynamoDbTableWriter(std::shared_ptr<aws::DynamoDbClient> client)
      : client_(std::move(client)) {}

  ingest::BatchWriteOutcome batch_put_json(const std::string& table,
                                           std::span<const std::string_view> items) override;
  ingest::BatchWriteOutcome batch_write_json(const std::string& table,
                                             std::span<const ingest::BatchEntry> entries) override;
  ingest::ItemWriteOutcome write_item_json(const std::string& table, const ingest::WritePlan& plan,
                                           std::string_view item_json) override;
  Result<model::KeySchema> describe_key_schema(const std::string& table) override;

 private:
  std::shared_ptr<aws::DynamoDbClient> client_;
};

}  // namespace csv2ddb::adapters
