#include "local/lambda/runtime_api.hpp"

#include <string_view>

#include "model/json.hpp"

namespace csv2ddb::local::lambda {
namespace {

constexpr std::string_view kNextPath = "/2018-06-01/runtime/invocation/next";
constexpr std::string_view kInvocationPrefix = "/2018-06-01/runtime/invocation/";
constexpr std::string_view kInitErrorPath = "/2018-06-01/runtime/init/error";
constexpr std::string_view kResponseSuffix = "/response";
constexpr std::string_view kErrorSuffix = "/error";

constexpr const char* kRequestIdHeader = "Lambda-Runtime-Aws-Request-Id";
constexpr const char* kDeadlineHeader = "Lambda-Runtime-Deadline-Ms";
constexpr const char* kFunctionArnHeader = "Lambda-Runtime-Invoked-Function-Arn";
constexpr const char* kTraceIdHeader = "Lambda-Runtime-Trace-Id";
constexpr const char* kClientContextHeader = "Lambda-Runtime-Client-Context";
constexpr const char* kErrorTypeHeader = "Lambda-Runtime-Function-Error-Type";

HttpResponse json_answer(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.add_header("Content-Type", "application/json");
  return response;
}

// The Runtime API's own error shape.
HttpResponse runtime_error(int status, std::string_view type, std::string_view message) {
  std::string body = "{\"errorMessage\":";
  model::append_json_string(body, message);
  body += ",\"errorType\":";
  model::append_json_string(body, type);
  body += "}";
  return json_answer(status, std::move(body));
}

HttpResponse accepted() {
  return json_answer(202, "{\"status\":\"OK\"}");
}

// A posted error that is not an error document still reaches the caller as one.
std::string as_error_document(std::string body, std::string_view error_type) {
  auto parsed = model::parse_json(body);
  if (parsed && parsed->is_object() && parsed->find("errorMessage") != nullptr) return body;
  std::string document = "{\"errorMessage\":";
  model::append_json_string(document, body);
  document += ",\"errorType\":";
  model::append_json_string(document, error_type.empty() ? "Unhandled" : error_type);
  document += "}";
  return document;
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
