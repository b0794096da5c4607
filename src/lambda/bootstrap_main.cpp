// The Lambda function's executable. Lambda starts it with AWS_LAMBDA_RUNTIME_API and _HANDLER
// ("import" or "setup-notification"); it validates its configuration once, reporting problems
// as an init error, then serves invocations until the Runtime API goes away.
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>

#include "aws/environment.hpp"
#include "aws/service_clients.hpp"
#include "lambda/import_config.hpp"
#include "lambda/import_handler.hpp"
#include "lambda/lambda_log.hpp"
#include "lambda/runtime_loop.hpp"
#include "lambda/setup_notification.hpp"

namespace {

using namespace csv2ddb;
using namespace csv2ddb::lambda;

// The custom resource must answer CloudFormation before its own timeout, so no single S3 call
// may hang for long.
constexpr std::chrono::milliseconds kSetupCallTimeout{10000};

int init_failed(RuntimeApiClient& runtime, const Error& error) {
  log_line(LogLevel::kError, "initialization failed",
           {{"errorType", error.code}, {"errorMessage", error.message}});
  if (Status posted = runtime.post_init_error(error.message, error.code); !posted) {
    log_line(LogLevel::kError, "could not report the init error",
             {{"error", posted.error().to_string()}});
  }
  return 1;
}

Result<Handler> make_handler(const std::string& name, const aws::Environment& env) {
  aws::ServiceClientsOptions options;
  if (name == "setup-notification") options.http.timeout = kSetupCallTimeout;
  // AWS_CA_BUNDLE, as the AWS SDKs read it: the packaged zip's wrapper points it at Amazon
  // Linux's bundle, since Debian's libcurl looks for Debian's path (deploy/package.sh).
  const std::string ca_bundle = env.get("AWS_CA_BUNDLE").value_or("");
  options.http.ca_file = ca_bundle;
  Result<aws::ServiceClients> clients = aws::ServiceClients::create(env, options);
  if (!clients) return clients.take_error();

  if (name == "import") {
    Result<ImportConfig> config = import_config_from(env);
    if (!config) return config.take_error();
    ImportClients import_clients{clients->s3(), clients->dynamodb(), clients->lambda()};
    return Handler([config = std::move(*config), import_clients](const InvocationRequest& r) {
      return handle_import(r, config, import_clients);
    });
  }
  if (name == "setup-notification") {
    aws::HttpClientOptions http_options;
    http_options.timeout = kSetupCallTimeout;
    http_options.ca_file = ca_bundle;
    SetupNotificationClients setup_clients{clients->s3(),
                                           std::make_shared<aws::HttpClient>(http_options)};
    return Handler([setup_clients](const InvocationRequest& r) {
      return handle_setup_notification(r, setup_clients);
    });
  }
  return make_error("InvalidHandler",
                    "_HANDLER is '" + name + "'; expected import or setup-notification");
}

int serve() {
  const aws::Environment env = aws::Environment::process();
  const std::optional<std::string> endpoint = env.get("AWS_LAMBDA_RUNTIME_API");
  if (!endpoint) {
    std::cerr << "bootstrap: AWS_LAMBDA_RUNTIME_API is not set: this program is a Lambda "
                 "function's runtime, started by Lambda (or csv2ddb local)\n";
    return 2;
  }
  RuntimeApiClient runtime(*endpoint);
  Result<Handler> handler = make_handler(env.get("_HANDLER").value_or(""), env);
  if (!handler) return init_failed(runtime, handler.error());
  run_handler(runtime, *handler);
  return 0;
}

}  // namespace

int main() {
  try {
    return serve();
  } catch (const std::exception& e) {
    std::cerr << "bootstrap: " << e.what() << "\n";
  } catch (...) {
    std::cerr << "bootstrap: unknown exception\n";
  }
  return 1;
}
