// The Lambda Runtime API (2018-06-01) as a function's bootstrap sees it: each execution
// environment gets its own listener on 127.0.0.1 (its AWS_LAMBDA_RUNTIME_API), so the local
// AWS knows which process asks for work and which one to stop when an invocation times out.
//   GET  /2018-06-01/runtime/invocation/next             long-polls for the next event
//   POST /2018-06-01/runtime/invocation/{id}/response    the handler's result
//   POST /2018-06-01/runtime/invocation/{id}/error       Lambda's error document
//   POST /2018-06-01/runtime/init/error                  the runtime failed to start
// This file speaks HTTP; the scheduling is the RuntimeApiBackend's (function_executor.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/result.hpp"
#include "local/http/http_server.hpp"

namespace csv2ddb::local::lambda {

struct AssignedInvocation {
  std::string request_id;
  std::string payload;
  std::string function_arn;
  std::string trace_id;
  std::string client_context;
  std::int64_t deadline_epoch_ms = 0;
};

class RuntimeApiBackend {
 public:
  virtual ~RuntimeApiBackend() = default;
  // Blocks until an invocation is assigned to this environment; nullopt when it is shutting
  // down (the runtime then gets an error and exits, as on Lambda).
  virtual std::optional<AssignedInvocation> next(int environment) = 0;
  // Errors: "InvalidRequestID" when `request_id` is not the environment's current invocation.
  virtual Status respond(int environment, const std::string& request_id, std::string payload) = 0;
  virtual Status fail(int environment, const std::string& request_id,
                      std::string error_document) = 0;
  virtual void init_error(int environment, std::string error_document) = 0;
};

inline constexpr std::size_t kMaxResponseBytes = 6 * 1024 * 1024;  // Lambda's 6 MB

class RuntimeApiHandler : public HttpHandler {
 public:
  RuntimeApiHandler(RuntimeApiBackend& backend, int environment)
      : backend_(backend), environment_(environment) {}
  BodyPolicy body_policy(const HttpRequest& head) override;
  HttpResponse body_too_large(const HttpRequest& head) override;
  HttpResponse handle(HttpRequest& request) override;

 private:
  RuntimeApiBackend& backend_;
  int environment_;
};

}  // namespace csv2ddb::local::lambda
