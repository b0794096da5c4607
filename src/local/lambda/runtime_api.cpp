#include "local/lambda/runtime_api.hpp"

#include <string_view>

#include "aws/lambda_wire.hpp"
#include "model/json.hpp"

namespace csv2ddb::local::lambda {
namespace {

using namespace aws::runtime_api;  // NOLINT(google-build-using-namespace): the wire's names

HttpResponse json_answer(int status, std::string body) {
  return json_body_response(status, std::move(body));
}

// The Runtime API's own error shape.
HttpResponse runtime_error(int status, std::string_view type, std::string_view message) {
  return json_answer(status, aws::encode_lambda_error(message, type, false));
}

HttpResponse accepted() {
  return json_answer(202, "{\"status\":\"OK\"}");
}

// A posted error that is not an error document still reaches the caller as one.
std::string as_error_document(std::string body, std::string_view error_type) {
  if (aws::is_lambda_error_document(body)) return body;
  return aws::encode_lambda_error(body, error_type.empty() ? "Unhandled" : error_type, false);
}

}  // namespace

BodyPolicy RuntimeApiHandler::body_policy(const HttpRequest&) {
  return BodyPolicy{.max_bytes = kMaxResponseBytes, .spool_to_file = false};
}

HttpResponse RuntimeApiHandler::body_too_large(const HttpRequest&) {
  return runtime_error(413, "RequestEntityTooLarge",
                       "The response is larger than Lambda's limit of 6291456 bytes");
}

HttpResponse RuntimeApiHandler::handle(HttpRequest& request) {
  const std::string_view path = request.path;
  if (request.method == "GET" && path == kNextPath) {
    std::optional<AssignedInvocation> next = backend_.next(environment_);
    if (!next) return runtime_error(500, "ShuttingDown", "the execution environment is stopping");
    HttpResponse response = json_answer(200, std::move(next->payload));
    response.add_header(kRequestIdHeader, next->request_id);
    response.add_header(kDeadlineHeader, std::to_string(next->deadline_epoch_ms));
    response.add_header(kFunctionArnHeader, next->function_arn);
    if (!next->trace_id.empty()) response.add_header(kTraceIdHeader, next->trace_id);
    if (!next->client_context.empty()) {
      response.add_header(kClientContextHeader, next->client_context);
    }
    return response;
  }
  if (request.method == "POST" && path == kInitErrorPath) {
    backend_.init_error(environment_, as_error_document(std::move(request.body.memory),
                                                        request.header(kErrorTypeHeader)));
    return accepted();
  }
  if (request.method == "POST" && path.starts_with(kInvocationPrefix)) {
    std::string_view rest = path.substr(kInvocationPrefix.size());
    const bool is_response = rest.ends_with(kResponseSuffix);
    const bool is_error = rest.ends_with(kErrorSuffix);
    if (is_response || is_error) {
      rest.remove_suffix(is_response ? kResponseSuffix.size() : kErrorSuffix.size());
      const std::string request_id(rest);
      Status done = is_response
                        ? backend_.respond(environment_, request_id, std::move(request.body.memory))
                        : backend_.fail(environment_, request_id,
                                        as_error_document(std::move(request.body.memory),
                                                          request.header(kErrorTypeHeader)));
      if (!done) return runtime_error(400, done.error().code, done.error().message);
      return accepted();
    }
  }
  return runtime_error(404, "NotFound", "no such Runtime API resource: " + request.path);
}

}  // namespace csv2ddb::local::lambda
