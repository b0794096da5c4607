#include "aws/service_clients.hpp"

#include <charconv>
#include <fstream>

#include "aws/shared_config.hpp"

namespace csv2ddb::aws {
namespace {

constexpr int kMaxAttemptsLimit = 100;

// A setting from the environment, else from the profile: "" when neither has it. `origin`
// names where it came from, for messages.
std::string setting(const Environment& env, const SharedConfig& config, std::string_view profile,
                    std::string_view variable, std::string_view key, std::string& origin) {
  if (auto value = env.get(variable)) {
    origin = std::string(variable);
    return *value;
  }
  origin = config.origin(profile, key) + " (profile " + std::string(profile) + " " +
           std::string(key) + ")";
  return config.get(profile, key);
}

Result<int> parse_max_attempts(const std::string& text, const std::string& origin) {
  int attempts = 0;
  const char* end = text.data() + text.size();
  auto [stop, failure] = std::from_chars(text.data(), end, attempts);
  if (failure != std::errc() || stop != end || attempts < 1 || attempts > kMaxAttemptsLimit) {
    return make_error("InvalidConfiguration", origin + " must be a whole number from 1 to " +
                                                  std::to_string(kMaxAttemptsLimit) + ", got '" +
                                                  text + "'");
  }
  return attempts;
}

// Applies the CA bundle and the retry settings (AWS_CA_BUNDLE/ca_bundle,
// AWS_MAX_ATTEMPTS/max_attempts, AWS_RETRY_MODE/retry_mode) on top of what the caller chose.
Status apply_settings(const Environment& env, const SharedConfig& config, std::string_view profile,
                      HttpClientOptions& http, RetryConfig& retry) {
  std::string origin;
  std::string bundle = setting(env, config, profile, "AWS_CA_BUNDLE", "ca_bundle", origin);
  if (!bundle.empty() && http.ca_file.empty()) {
    http.ca_file = env.expand_home(bundle);
    // Checked here: curl's own message for a missing file does not name the setting.
    if (!std::ifstream(http.ca_file)) {
      return make_error("InvalidConfiguration",
                        origin + " names " + http.ca_file + ", which cannot be read");
    }
  }
  std::string attempts = setting(env, config, profile, "AWS_MAX_ATTEMPTS", "max_attempts", origin);
  if (!attempts.empty()) {
    auto parsed = parse_max_attempts(attempts, origin);
    if (!parsed) return parsed.take_error();
    retry.max_attempts = *parsed;
  }
  std::string mode = setting(env, config, profile, "AWS_RETRY_MODE", "retry_mode", origin);
  if (mode == "legacy") {
    retry.strategy = RetryStrategy::kLegacy;
  } else if (mode == "adaptive") {
    retry.strategy = RetryStrategy::kAdaptive;
  } else if (mode == "standard" || mode.empty()) {
    retry.strategy = RetryStrategy::kStandard;
  } else {
    return make_error("InvalidConfiguration",
                      origin + " must be legacy, standard or adaptive, got '" + mode + "'");
  }
  return {};
}

// CSV2DDB_CREDENTIAL_PROCESS_TIMEOUT: seconds a credential_process may run (default 60).
Result<std::chrono::milliseconds> process_timeout(const Environment& env) {
  auto text = env.get("CSV2DDB_CREDENTIAL_PROCESS_TIMEOUT");
  if (!text) return std::chrono::milliseconds(60000);
  int seconds = 0;
  auto [stop, failure] = std::from_chars(text->data(), text->data() + text->size(), seconds);
  if (failure != std::errc() || stop != text->data() + text->size() || seconds < 1) {
    return make_error(
        "InvalidConfiguration",
        "CSV2DDB_CREDENTIAL_PROCESS_TIMEOUT must be whole seconds, got '" + *text + "'");
  }
  return std::chrono::milliseconds(seconds * 1000LL);
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
  auto shared = SharedConfig::load(env);
  if (!shared) return make_error("InvalidConfiguration", shared.error().message);
  const SharedConfig& files = *shared;
  const std::string profile = resolve_profile_name(env, options.profile);
  auto region = resolve_region(env, files, options.region, options.profile);
  if (!region) return region.take_error();
  out.region_ = std::move(region).value();
  HttpClientOptions http = options.http;
  AwsCallerOptions caller = options.caller;
  if (Status applied = apply_settings(env, files, profile, http, caller.retry); !applied) {
    return applied.take_error();
  }
  out.retry_ = caller.retry;
  out.http_ = std::make_shared<HttpClient>(http);
  CredentialsChainOptions chain_options;
  chain_options.profile = options.profile;
  chain_options.http = out.http_;
  auto helper_timeout = process_timeout(env);
  if (!helper_timeout) return helper_timeout.take_error();
  chain_options.process_timeout = *helper_timeout;
  out.credentials_ = std::make_shared<CredentialsChain>(env, chain_options);

  auto make_caller =
      [&](std::string service, ErrorDialect dialect,
          std::optional<std::chrono::milliseconds> timeout) -> Result<std::shared_ptr<AwsCaller>> {
    auto endpoint =
        resolve_endpoint(env, service, out.region_, options.endpoint_url, &files, profile);
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
  auto sts_config = sts_service_config(env, files, profile, out.region_, options.endpoint_url);
  if (!sts_config) return sts_config.take_error();
  out.sts_ = std::make_shared<StsClient>(std::make_shared<AwsCaller>(
      std::move(sts_config).value(), out.credentials_, http_transport(out.http_), caller));
  out.dynamodb_ = std::make_shared<DynamoDbClient>(std::move(dynamodb).value());
  out.s3_ = std::make_shared<S3Client>(std::move(s3).value());
  out.lambda_ = std::make_shared<LambdaClient>(std::move(lambda).value());
  return out;
}

}  // namespace csv2ddb::aws
