// The local S3: the Service the router hands every non-DynamoDB, non-Lambda request to.
// Storage is ObjectStore (files + SQLite in <data-dir>/s3); routing is the declarative table
// in s3_routes.cpp; each operation family lives in its own *_operations.cpp; errors are S3's
// XML with S3's status codes (s3_errors.hpp). Event records for the bucket's notification
// configurations go to a delivery hook (event_records.hpp).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "local/fault_spec.hpp"
#include "local/s3/event_records.hpp"
#include "local/s3/object_store.hpp"
#include "local/s3/s3_request.hpp"
#include "local/service.hpp"

namespace csv2ddb::local::s3 {

class S3Service : public Service {
 public:
  // Opens the store in <data_dir>/s3. Until set_delivery_hook() connects a consumer, event
  // records are appended to <data_dir>/s3/events.jsonl as {"target":ARN,"event":{...}}.
  static Result<std::unique_ptr<S3Service>> open(const std::string& data_dir, S3Options options);

  // Every event record goes to `hook` instead of events.jsonl (from any thread).
  void set_delivery_hook(EventDeliveryHook hook) { events_.set_hook(std::move(hook)); }
  // The local Lambda connects here before serving: records for Lambda ARNs go to `deliver`
  // (queues and topics stay in events.jsonl: there is no SQS or SNS here), and notification
  // configurations are checked against `check` (function exists, S3 may invoke it).
  void connect_lambda(EventDeliveryHook deliver,
                      std::function<bool(std::string_view, std::string_view)> check);
  // --fault for S3 (before serving): latency, drop and error as for DynamoDB (error is S3's
  // 500 InternalError), and slowdown as S3 throttles, 503 SlowDown on writes (PUT, POST,
  // DELETE).
  // The draws come from the same seeded injector as DynamoDB's.
  void set_faults(FaultInjector* faults) { faults_ = faults; }
  // The secrets of every key the server knows, now and later (the functions' session keys),
  // to check signed streaming bodies with.
  void set_secrets(aws::SecretLookup secrets) { options_.secrets = std::move(secrets); }

  std::string_view name() const override { return "s3"; }
  aws::AuthDialect auth_dialect() const override { return aws::AuthDialect::kS3; }
  BodyPolicy body_policy(const HttpRequest& head) override;
  std::string payload_hash(const HttpRequest&) override { return ""; }
  HttpResponse error_response(const HttpRequest& request, const Error& error) override;
  HttpResponse handle(HttpRequest& request) override;
  std::vector<iam::Permission> permissions(const HttpRequest& request) override;

 private:
  S3Service(std::unique_ptr<ObjectStore> store, S3Options options, std::string events_log);
  std::optional<HttpResponse> injected_fault(const HttpRequest& request);
  // handle() without the injected latency.
  HttpResponse serve(HttpRequest& request);

  std::string events_log_;
  std::unique_ptr<ObjectStore> store_;
  S3Options options_;
  EventPublisher events_;
  FaultInjector* faults_ = nullptr;
};

}  // namespace csv2ddb::local::s3
