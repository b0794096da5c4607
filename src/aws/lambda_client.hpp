// Lambda's Invoke: POST /2015-03-31/functions/<name>/invocations with the payload as the body.
// InvocationType Event queues the call (202, no payload back); RequestResponse waits for the
// function and returns its payload, with X-Amz-Function-Error set when the function failed
// (the call itself still succeeds: a function error is the function's answer, not Lambda's).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "aws/aws_caller.hpp"
#include "common/result.hpp"

namespace csv2ddb::aws {

enum class InvocationType { kRequestResponse, kEvent, kDryRun };
std::string_view invocation_type_name(InvocationType type);

struct InvokeResult {
  int status = 0;              // 200 (RequestResponse), 202 (Event), 204 (DryRun)
  std::string payload;         // the function's response (RequestResponse)
  std::string function_error;  // X-Amz-Function-Error: "Unhandled" or "Handled"; "" on success
  std::string executed_version;
};

class LambdaClient {
 public:
  explicit LambdaClient(std::shared_ptr<AwsCaller> caller) : caller_(std::move(caller)) {}

  // `function` is a name, a partial or a full ARN. `timeout` overrides the transport's total
  // timeout (a synchronous invoke may run for up to 15 minutes).
  Result<InvokeResult> invoke(const std::string& function, std::string payload,
                              InvocationType type = InvocationType::kRequestResponse,
                              std::optional<std::chrono::milliseconds> timeout = std::nullopt);

  // The AwsRequest of an invoke (public for golden files).
  AwsRequest invoke_request(const std::string& function, std::string payload,
                            InvocationType type) const;

 private:
  std::shared_ptr<AwsCaller> caller_;
};

}  // namespace csv2ddb::aws
