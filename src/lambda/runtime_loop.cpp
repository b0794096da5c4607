#include "lambda/runtime_loop.hpp"

#include <cstdlib>
#include <exception>

#include "aws/lambda_wire.hpp"
#include "lambda/lambda_log.hpp"

namespace csv2ddb::lambda {
namespace {

using namespace aws::runtime_api;  // NOLINT(google-build-using-namespace): the wire's names
// The AWS clients copy this variable into X-Amzn-Trace-Id, so every call the invocation makes
// carries its trace (and Lambda's recursive-loop detection sees it).
constexpr const char* kTraceIdVariable = "_X_AMZN_TRACE_ID";

aws::HttpClientOptions runtime_http_options() {
  aws::HttpClientOptions options;
  options.timeout = std::chrono::milliseconds(0);  // /next blocks until there is work
  options.trace_id_from_environment = false;
  options.user_agent = "csv2ddb-bootstrap/0.1";
  return options;
}

std::string header_or_empty(const aws::HttpResponse& response, const char* name) {
  const std::string* value = response.header(name);
  return value != nullptr ? *value : std::string();
}

// Lambda-Runtime-Deadline-Ms: milliseconds since the epoch. Nothing usable: no deadline.
std::chrono::system_clock::time_point parse_deadline(const std::string& text) {
  if (text.empty()) return {};
  char* end = nullptr;
  const long long ms = std::strtoll(text.c_str(), &end, 10);
  if (end == text.c_str() || *end != '\0' || ms <= 0) return {};
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
}

}  // namespace

RuntimeApiClient::RuntimeApiClient(std::string endpoint)
    : base_url_("http://" + std::move(endpoint) + std::string(kVersionPath)),
      http_(runtime_http_options()) {}

Result<InvocationRequest> RuntimeApiClient::next() {
  aws::HttpRequest request;
  request.method = "GET";
  request.url = base_url_ + "/invocation/next";
  Result<aws::HttpResponse> response = http_.send(request);
  if (!response) return response.take_error();
  if (!response->ok()) {
    return make_error("RuntimeApiError",
                      "GET /invocation/next answered HTTP " + std::to_string(response->status));
  }
  InvocationRequest invocation;
  invocation.payload = std::move(response->body);
  invocation.request_id = header_or_empty(*response, kRequestIdHeader);
  invocation.xray_trace_id = header_or_empty(*response, kTraceIdHeader);
  invocation.function_arn = header_or_empty(*response, kFunctionArnHeader);
  invocation.client_context = header_or_empty(*response, kClientContextHeader);
  invocation.cognito_identity = header_or_empty(*response, kCognitoIdentityHeader);
  invocation.deadline = parse_deadline(header_or_empty(*response, kDeadlineHeader));
  if (invocation.request_id.empty()) {
    return make_error("RuntimeApiError",
                      "the next invocation has no " + std::string(kRequestIdHeader) + " header");
  }
  return invocation;
}

Status RuntimeApiClient::post(const std::string& path, const std::string& body,
                              const std::string& content_type, const std::string& error_type) {
  aws::HttpRequest request;
  request.method = "POST";
  request.url = base_url_ + path;
  request.body = body;
  request.headers.push_back({"Content-Type", content_type});
  if (!error_type.empty()) request.headers.push_back({kErrorTypeHeader, error_type});
  Result<aws::HttpResponse> response = http_.send(request);
  if (!response) return response.take_error();
  if (!response->ok()) {
    return make_error("RuntimeApiError", "POST " + path + " answered HTTP " +
                                             std::to_string(response->status) + ": " +
                                             response->body);
  }
  return {};
}

Status RuntimeApiClient::post_response(const std::string& request_id,
                                       const InvocationResponse& response) {
  const std::string path = "/invocation/" + request_id;
  if (response.is_success()) {
    return post(path + "/response", response.payload(), response.content_type(), "");
  }
  return post(path + "/error",
              aws::encode_lambda_error(response.error_message(), response.error_type(), true),
              "application/json", response.error_type());
}

Status RuntimeApiClient::post_init_error(const std::string& message, const std::string& type) {
  return post("/init/error", aws::encode_lambda_error(message, type, true), "application/json",
              type);
}

std::size_t run_handler(RuntimeApiClient& runtime, const Handler& handler,
                        const RuntimeLoopOptions& options) {
  std::size_t served = 0;
  while (options.max_invocations == 0 || served < options.max_invocations) {
    Result<InvocationRequest> invocation = runtime.next();
    if (!invocation) {
      log_line(LogLevel::kError, "the Runtime API stopped answering",
               {{"error", invocation.error().to_string()}});
      return served;
    }
    set_log_request_id(invocation->request_id);
    if (invocation->xray_trace_id.empty()) {
      unsetenv(kTraceIdVariable);
    } else {
      setenv(kTraceIdVariable, invocation->xray_trace_id.c_str(), 1);
    }
    // The loop's catch-all: a handler that throws still answers its invocation.
    InvocationResponse response = InvocationResponse::failure("no response", "Unhandled");
    try {
      response = handler(*invocation);
    } catch (const std::exception& e) {
      response = InvocationResponse::failure(e.what(), "Unhandled");
    } catch (...) {
      response = InvocationResponse::failure("unknown exception", "Unhandled");
    }
    if (!response.is_success()) {
      log_line(LogLevel::kError, "invocation failed",
               {{"errorType", response.error_type()}, {"errorMessage", response.error_message()}});
    }
    if (Status posted = runtime.post_response(invocation->request_id, response); !posted) {
      log_line(LogLevel::kError, "could not post the invocation's result",
               {{"error", posted.error().to_string()}});
    }
    set_log_request_id("");
    ++served;
  }
  return served;
}

}  // namespace csv2ddb::lambda
