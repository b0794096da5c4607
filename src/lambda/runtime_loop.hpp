// The Lambda Runtime API (2018-06-01) loop: fetch the next invocation, run the handler, post
// its response or Lambda's error document, repeat. Configuration problems found before the
// first invocation are reported once with post_init_error, after which the process exits and
// Lambda records an init failure.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "aws/http_client.hpp"
#include "common/result.hpp"
#include "lambda/invocation.hpp"

namespace csv2ddb::lambda {

class RuntimeApiClient {
 public:
  // `endpoint` is AWS_LAMBDA_RUNTIME_API: "host:port", no scheme.
  explicit RuntimeApiClient(std::string endpoint);

  // Long-polls for the next invocation. Errors: transport failures, or "RuntimeApiError" for
  // a non-2xx answer (the runtime is being shut down).
  Result<InvocationRequest> next();
  Status post_response(const std::string& request_id, const InvocationResponse& response);
  Status post_init_error(const std::string& message, const std::string& type);

 private:
  Status post(const std::string& path, const std::string& body, const std::string& content_type,
              const std::string& error_type);

  std::string base_url_;
  aws::HttpClient http_;
};

struct RuntimeLoopOptions {
  std::size_t max_invocations = 0;  // 0: until the Runtime API stops answering
};

// Runs the loop; returns when next() fails (or after max_invocations), with the number of
// invocations served. Exceptions thrown by the handler become error documents
// ("Unhandled"): the loop itself never dies of a handler's failure.
std::size_t run_handler(RuntimeApiClient& runtime, const Handler& handler,
                        const RuntimeLoopOptions& options = {});

}  // namespace csv2ddb::lambda
