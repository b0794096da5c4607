#include "aws/lambda_client.hpp"

#include "aws/lambda_wire.hpp"

namespace csv2ddb::aws {

std::string_view invocation_type_name(InvocationType type) {
  switch (type) {
    case InvocationType::kRequestResponse:
      return "RequestResponse";
    case InvocationType::kEvent:
      return "Event";
    case InvocationType::kDryRun:
      return "DryRun";
  }
  return "RequestResponse";
}

AwsRequest LambdaClient::invoke_request(const std::string& function, std::string payload,
                                        InvocationType type) const {
  AwsRequest out;
  out.method = "POST";
  // The name is one path segment: an ARN's ':' is encoded, as the SDKs do.
  out.url = caller_->url(std::string(kLambdaFunctionsPath) + "/" + uri_encode(function, false) +
                         "/invocations");
  out.headers.push_back({"Content-Type", "application/json"});
  out.headers.push_back({"X-Amz-Invocation-Type", std::string(invocation_type_name(type))});
  out.body = std::move(payload);
  return out;
}

Result<InvokeResult> LambdaClient::invoke(const std::string& function, std::string payload,
                                          InvocationType type,
                                          std::optional<std::chrono::milliseconds> timeout) {
  AwsRequest request = invoke_request(function, std::move(payload), type);
  request.timeout = timeout;
  auto response = caller_->call("Invoke", std::move(request));
  if (!response) return response.take_error();
  InvokeResult out;
  out.status = response->status;
  out.payload = std::move(response->body);
  if (const std::string* error = response->header("X-Amz-Function-Error")) {
    out.function_error = *error;
  }
  if (const std::string* version = response->header("X-Amz-Executed-Version")) {
    out.executed_version = *version;
  }
  return out;
}

}  // namespace csv2ddb::aws
