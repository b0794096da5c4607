// DynamoDB for the local AWS: the JSON 1.0 protocol (POST /, X-Amz-Target:
// DynamoDB_20120810.<Operation>), dispatched through one table of operation names, over a
// TableStore on SQLite. Injected faults (--fault) apply here: latency (a delay on the server
// timer), dropped connections, 500s for every request; throttling and partial batches for writes.
#pragma once

#include <memory>
#include <string>

#include "local/dynamodb/operations.hpp"
#include "local/dynamodb/table_store.hpp"
#include "local/fault_spec.hpp"
#include "local/service.hpp"

namespace csv2ddb::local::dynamodb {

// DynamoDB's request limit: 16 MB of body, whatever it holds (dynalite draws the same line).
inline constexpr std::uint64_t kMaxRequestBytes = 16 * 1024 * 1024;

class DynamoDbService : public Service {
 public:
  DynamoDbService(TableStore& store, FaultInjector& faults, std::string region = "us-east-1");

  std::string_view name() const override { return "dynamodb"; }
  aws::AuthDialect auth_dialect() const override { return aws::AuthDialect::kDynamoDb; }
  BodyPolicy body_policy(const HttpRequest& head) override;
  std::string payload_hash(const HttpRequest& request) override;
  HttpResponse error_response(const HttpRequest& request, const Error& error) override;
  HttpResponse handle(HttpRequest& request) override;
  std::vector<iam::Permission> permissions(const HttpRequest& request) override;
  // A pass's writes are committed together (TableStore::begin_round), before any of its
  // responses is sent; should that fail, its successful responses become that error.
  std::vector<HttpResponse> handle_inline(std::span<HttpRequest* const> requests) override;

  // Runs one operation on a JSON body, without HTTP (tests, fuzzing): the response body or
  // the error.
  Result<std::string> call(std::string_view operation, std::string_view body);

 private:
  // handle() without the injected latency.
  HttpResponse serve(HttpRequest& request);

  OperationContext context_;
  FaultInjector& faults_;
};

}  // namespace csv2ddb::local::dynamodb
