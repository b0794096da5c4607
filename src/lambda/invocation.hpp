// What a handler sees and returns: a plain request in, a plain response out. Handlers are
// ordinary functions, so tests call them directly with real events; only the Runtime API loop
// (runtime_loop.hpp) knows about HTTP.
#pragma once

#include <chrono>
#include <functional>
#include <string>

namespace csv2ddb::lambda {

struct InvocationRequest {
  std::string payload;                               // the event, as sent (JSON)
  std::string request_id;                            // Lambda-Runtime-Aws-Request-Id
  std::string xray_trace_id;                         // Lambda-Runtime-Trace-Id
  std::string function_arn;                          // Lambda-Runtime-Invoked-Function-Arn
  std::string client_context;                        // Lambda-Runtime-Client-Context
  std::string cognito_identity;                      // Lambda-Runtime-Cognito-Identity
  std::chrono::system_clock::time_point deadline{};  // Lambda-Runtime-Deadline-Ms

  // Time left before Lambda stops the invocation; zero or less once it has passed. A request
  // without a deadline (tests) has effectively unlimited time.
  std::chrono::milliseconds time_remaining() const;
};

class InvocationResponse {
 public:
  static InvocationResponse success(std::string payload,
                                    std::string content_type = "application/json");
  // `error_type` names the failure for Lambda's error document ("AccessDenied",
  // "InvalidEvent"...).
  static InvocationResponse failure(std::string error_message, std::string error_type);

  bool is_success() const { return success_; }
  const std::string& payload() const { return payload_; }  // success only
  const std::string& content_type() const { return content_type_; }
  const std::string& error_message() const { return error_message_; }  // failure only
  const std::string& error_type() const { return error_type_; }

 private:
  bool success_ = false;
  std::string payload_;
  std::string content_type_;
  std::string error_message_;
  std::string error_type_;
};

using Handler = std::function<InvocationResponse(const InvocationRequest&)>;

}  // namespace csv2ddb::lambda
