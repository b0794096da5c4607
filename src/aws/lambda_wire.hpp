// Lambda's wire formats, as the clients (lambda_client.hpp, the bootstrap's runtime loop) send
// them and the local Lambda (src/local/lambda) serves them:
// - the Invoke API under /2015-03-31/functions;
// - the Runtime API (2018-06-01) a function's bootstrap polls, with its headers;
// - the error document a failed invocation carries.
#pragma once

#include <string>
#include <string_view>

namespace csv2ddb::aws {

inline constexpr std::string_view kLambdaFunctionsPath = "/2015-03-31/functions";

namespace runtime_api {
inline constexpr std::string_view kVersionPath = "/2018-06-01/runtime";
inline constexpr std::string_view kNextPath = "/2018-06-01/runtime/invocation/next";
inline constexpr std::string_view kInvocationPrefix = "/2018-06-01/runtime/invocation/";
inline constexpr std::string_view kInitErrorPath = "/2018-06-01/runtime/init/error";
inline constexpr std::string_view kResponseSuffix = "/response";
inline constexpr std::string_view kErrorSuffix = "/error";

inline constexpr const char* kRequestIdHeader = "Lambda-Runtime-Aws-Request-Id";
inline constexpr const char* kDeadlineHeader = "Lambda-Runtime-Deadline-Ms";
inline constexpr const char* kTraceIdHeader = "Lambda-Runtime-Trace-Id";
inline constexpr const char* kFunctionArnHeader = "Lambda-Runtime-Invoked-Function-Arn";
inline constexpr const char* kClientContextHeader = "Lambda-Runtime-Client-Context";
inline constexpr const char* kCognitoIdentityHeader = "Lambda-Runtime-Cognito-Identity";
inline constexpr const char* kErrorTypeHeader = "Lambda-Runtime-Function-Error-Type";
}  // namespace runtime_api

// What a function posts when an invocation fails, and what Lambda returns for it:
// {"errorMessage":"...","errorType":"..."}, with "stackTrace":[] when the runtime reports one
// (ours always does, as AWS's runtime clients do; Lambda's own errors such as Sandbox.Timedout
// carry none).
std::string encode_lambda_error(std::string_view message, std::string_view type,
                                bool with_stack_trace);
// Whether a body is already such a document (an object with "errorMessage").
bool is_lambda_error_document(std::string_view body);

}  // namespace csv2ddb::aws
