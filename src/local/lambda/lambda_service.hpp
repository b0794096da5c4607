// The local Lambda: the functions the template deployed, each run by a FunctionExecutor, and
// the public API on the shared port, as awscli and the SDKs call it:
//   POST /2015-03-31/functions/{name}/invocations   Invoke (RequestResponse, Event, DryRun)
//   GET  /2015-03-31/functions/                     ListFunctions
//   GET  /2015-03-31/functions/{name}               GetFunction
//   GET  /2015-03-31/functions/{name}/configuration GetFunctionConfiguration
//   GET  /2015-03-31/functions/{name}/policy        GetPolicy
// It also takes S3's event notifications (deliver_s3_event) and runs them as asynchronous
// invocations, if the function's resource policy lets S3 invoke it for that bucket, as on AWS.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "local/lambda/function_config.hpp"
#include "local/lambda/function_executor.hpp"
#include "local/service.hpp"

namespace csv2ddb::local::lambda {

class LambdaService : public Service {
 public:
  explicit LambdaService(ExecutorSettings settings);
  ~LambdaService() override;

  // The local AWS's own URL, known once its port is bound: every function's AWS_ENDPOINT_URL.
  void set_endpoint_url(std::string url);
  // Adds (or replaces) a function. Errors: InvalidParameterValueException.
  Status add_function(FunctionConfig config);
  // Removes a function (a stack's delete): it shuts down as at csv2ddb local's end (its
  // environments end; queued events stay journaled on disk). Errors: ResourceNotFoundException.
  Status remove_function(std::string_view name_or_arn);
  // Errors: ResourceNotFoundException, ResourceConflictException (the Sid is taken).
  Status add_permission(std::string_view function, InvokePermission permission);
  // Every function's configuration as GetFunctionConfiguration answers it, a JSON array.
  std::string configurations_json() const;
  // The function by name, ARN or partial ARN; nullptr when unknown.
  FunctionExecutor* find(std::string_view name_or_arn);
  // True when the function's resource policy lets S3 invoke it for that bucket.
  bool s3_may_invoke(std::string_view function_arn, std::string_view bucket_arn) const;
  // S3's notification hook: one event record document for one Lambda configuration.
  void deliver_s3_event(const std::string& function_arn, const std::string& event_json);
  // AWS::Lambda::EventInvokeConfig. Errors: ResourceNotFoundException.
  Status set_event_invoke_config(std::string_view function, int maximum_retry_attempts,
                                 std::string on_failure_destination);
  // Queues the asynchronous events a previous run of the local AWS accepted and did not finish
  // (each function once; after a deploy, so that their configuration is in place).
  void resume_queued_events();
  // Stops every function (csv2ddb local's shutdown).
  void shutdown();

  std::string_view name() const override { return "lambda"; }
  aws::AuthDialect auth_dialect() const override { return aws::AuthDialect::kDynamoDb; }
  BodyPolicy body_policy(const HttpRequest& head) override;
  std::string payload_hash(const HttpRequest& request) override;
  HttpResponse error_response(const HttpRequest& request, const Error& error) override;
  HttpResponse handle(HttpRequest& request) override;
  std::vector<iam::Permission> permissions(const HttpRequest& request) override;

 private:
  struct Function {
    std::unique_ptr<FunctionExecutor> executor;
    std::vector<InvokePermission> permissions;
  };
  Function* find_locked(std::string_view name_or_arn) const;
  HttpResponse invoke(HttpRequest& request, FunctionExecutor& function);

  ExecutorSettings settings_;
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Function>, std::less<>> functions_;  // by name
  // Removed functions, kept until the service ends: find() hands out their executors.
  std::vector<std::unique_ptr<Function>> removed_;
};

// "arn:aws:lambda:us-east-1:000000000000:function:NAME[:QUALIFIER]", "0000:function:NAME" or
// "NAME" -> "NAME".
std::string function_name_of(std::string_view name_or_arn);

}  // namespace csv2ddb::local::lambda
