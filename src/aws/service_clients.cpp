#include "aws/service_clients.hpp"

#include <charconv>
#include <fstream>

namespace csv2ddb::aws {
namespace {

constexpr int kMaxAttemptsLimit = 100;

// Applies AWS_CA_BUNDLE and AWS_MAX_ATTEMPTS on top of what the caller chose.
Status apply_environment(const Environment& env, HttpClientOptions& http,
                         AwsCallerOptions& caller) {
  if (auto bundle = env.get("AWS_CA_BUNDLE"); bundle && http.ca_file.empty()) {
    http.ca_file = env.expand_home(*bundle);
    // Checked here: curl's own message for a missing file does not name the variable.
    if (!std::ifstream(http.ca_file)) {
      return make_error("InvalidConfiguration",
                        "AWS_CA_BUNDLE names " + http.ca_file + ", which cannot be read");
    }
  }
  if (auto text = env.get("AWS_MAX_ATTEMPTS")) {
    int attempts = 0;
    const char* end = text->data() + text->size();
    auto [stop, failure] = std::from_chars(text->data(), end, attempts);
    if (failure != std::errc() || stop != end || attempts < 1 || attempts > kMaxAttemptsLimit) {
      return make_error("InvalidConfiguration",
                        "AWS_MAX_ATTEMPTS must be a whole number from 1 to " +
                            std::to_string(kMaxAttemptsLimit) + ", got '" + *text + "'");
    }
    caller.retry.max_attempts = attempts;
  }
  return {};
}

}  // namespace

HttpClientOptions production_http_options() {
  HttpClientOptions options;
  options.connect_timeout = std::chrono::milliseconds(3000);
  options.timeout = std::chrono::milliseconds(0);
  options.low_speed_limit = 1;
  options.low_speed_time = std::chrono::seconds(20);
  return options;
}

Result<ServiceClients> ServiceClients::create(const Environment& env,
                                              const ServiceClientsOptions& options) {
  ServiceClients out;
  auto region = resolve_region(env, options.region, options.profile);
  if (!region) return region.take_error();
  out.region_ = std::move(region).value();
  HttpClientOptions http = options.http;
  AwsCallerOptions caller = options.caller;
  if (Status applied = apply_environment(env, http, caller); !applied) {
    return applied.take_error();
  }
  out.http_ = std::make_shared<HttpClient>(http);
  CredentialsChainOptions chain_options;
  chain_options.profile = options.profile;
  out.credentials_ = std::make_shared<CredentialsChain>(env, chain_options);

  auto make_caller =
      [&](std::string service, ErrorDialect dialect,
          std::optional<std::chrono::milliseconds> timeout) -> Result<std::shared_ptr<AwsCaller>> {
    auto endpoint = resolve_endpoint(env, service, out.region_, options.endpoint_url);
    if (!endpoint) return endpoint.take_error();
    ServiceConfig config{
        std::move(service), out.region_, std::move(endpoint).value(), dialect, false, timeout};
    return std::make_shared<AwsCaller>(std::move(config), out.credentials_,
                                       http_transport(out.http_), caller);
  };
  auto dynamodb = make_caller("dynamodb", ErrorDialect::kDynamoDbJson, options.dynamodb_timeout);
  if (!dynamodb) return dynamodb.take_error();
  auto s3 = make_caller("s3", ErrorDialect::kS3Xml, std::nullopt);
  if (!s3) return s3.take_error();
  auto lambda = make_caller("lambda", ErrorDialect::kLambda, std::nullopt);
  if (!lambda) return lambda.take_error();
  out.dynamodb_ = std::make_shared<DynamoDbClient>(std::move(dynamodb).value());
  out.s3_ = std::make_shared<S3Client>(std::move(s3).value());
  out.lambda_ = std::make_shared<LambdaClient>(std::move(lambda).value());
  return out;
}

}  // namespace csv2ddb::aws
