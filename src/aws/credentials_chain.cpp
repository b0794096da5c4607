#include <algorithm>
#include <cstdio>
#include <utility>

#include "aws/credentials.hpp"
#include "aws/debug_log.hpp"
#include "aws/http_client.hpp"
#include "aws/profile_sources.hpp"
#include "aws/service_clients.hpp"
#include "model/json.hpp"

namespace csv2ddb::aws {
namespace {

std::string json_string(const model::JsonValue& doc, std::string_view key) {
  const model::JsonValue* v = doc.find(key);
  return v != nullptr && v->is_string() ? v->as_string() : std::string();
}

class FixedProvider final : public CredentialsProvider {
 public:
  explicit FixedProvider(ProvidedCredentials credentials) : credentials_(std::move(credentials)) {}
  Result<ProvidedCredentials> fetch() override { return credentials_; }

 private:
  ProvidedCredentials credentials_;
};

}  // namespace

std::unique_ptr<CredentialsProvider> make_fixed_provider(ProvidedCredentials credentials) {
  return std::make_unique<FixedProvider>(std::move(credentials));
}

std::string redacted(const Credentials& credentials) {
  const std::string& id = credentials.access_key_id;
  std::string shown =
      id.size() >= 12 ? id.substr(0, 4) + "****" + id.substr(id.size() - 4) : "****";
  return "access key " + shown + ", secret " +
         (credentials.secret_access_key.empty() ? "none" : "<redacted>") + ", session token " +
         (credentials.session_token.empty() ? "none" : "<redacted>");
}

std::string describe_duration(std::chrono::milliseconds duration) {
  auto ms = duration.count();
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + " s";
  if (ms > 1000) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1f s", static_cast<double>(ms) / 1000.0);
    return buffer;
  }
  return std::to_string(ms) + " ms";
}

Result<ProvidedCredentials> parse_credentials_json(std::string_view body, std::string source) {
  auto doc = model::parse_json(body);
  if (!doc || !doc->is_object()) {
    return make_error("InvalidCredentialsResponse", "the response is not a JSON object");
  }
  if (const auto* code = doc->find("Code");
      code != nullptr && code->is_string() && code->as_string() != "Success") {
    return make_error("InvalidCredentialsResponse", "the response's Code is " + code->as_string());
  }
  ProvidedCredentials out;
  out.credentials.access_key_id = json_string(*doc, "AccessKeyId");
  out.credentials.secret_access_key = json_string(*doc, "SecretAccessKey");
  out.credentials.session_token = json_string(*doc, "Token");
  if (out.credentials.access_key_id.empty()) {
    return make_error("InvalidCredentialsResponse", "the response has no AccessKeyId");
  }
  if (out.credentials.secret_access_key.empty()) {
    return make_error("InvalidCredentialsResponse", "the response has no SecretAccessKey");
  }
  std::string expiration = json_string(*doc, "Expiration");
  if (!expiration.empty()) {
    auto when = parse_iso8601(expiration);
    if (!when) {
      return make_error("InvalidCredentialsResponse",
                        "the response's Expiration is not an ISO 8601 time");
    }
    out.expiration = *when;
  }
  out.source = std::move(source);
  return out;
}

CredentialsChain::CredentialsChain(const Environment& env, CredentialsChainOptions options)
    : options_(std::move(options)) {
  // An explicit --profile means "use this profile", so the environment's keys must not win.
  if (options_.profile.empty()) providers_.push_back(make_environment_provider(env));
  ProfileSourceContext context{env, options_.http, options_.clock, options_.process_timeout,
                               ask_code_on_terminal};
  if (!context.http) context.http = std::make_shared<HttpClient>(production_http_options());
  providers_.push_back(make_profile_provider(std::move(context), options_.profile));
  providers_.push_back(make_container_provider(env, options_.metadata_timeout));
  providers_.push_back(make_instance_metadata_provider(env, options_.metadata_timeout));
}

CredentialsChain::CredentialsChain(std::vector<std::unique_ptr<CredentialsProvider>> providers,
                                   CredentialsChainOptions options)
    : providers_(std::move(providers)), options_(std::move(options)) {}

Result<ProvidedCredentials> CredentialsChain::walk() {
  std::string tried;
  for (auto& provider : providers_) {
    auto found = provider->fetch();
    if (found) return found;
    if (found.error().code == kCredentialsFailed) return found;
    if (!tried.empty()) tried += ", ";
    tried += found.error().message;
  }
  return make_error("NoCredentials", "no AWS credentials found; tried: " + tried);
}

Result<ProvidedCredentials> CredentialsChain::get() {
  std::lock_guard<std::mutex> guard(mutex_);
  SystemTime now = options_.clock();
  if (cached_ && (!cached_->expiration || now < refresh_at_)) return *cached_;
  auto fresh = walk();
  if (fresh) {
    cached_ = *fresh;
    ++fetches_;
    if (fresh->expiration) {
      // The advisory window, or half the lifetime left when that is shorter.
      auto left = *fresh->expiration - now;
      auto window = std::min<SystemTime::duration>(options_.refresh_before_expiry, left / 2);
      refresh_at_ = *fresh->expiration - window;
    }
    if (options_.log_fetches && debug_log_enabled()) {
      debug_log("credentials " + std::string(fetches_ == 1 ? "fetched" : "refreshed") + " (fetch " +
                std::to_string(fetches_) + ") from " + fresh->source +
                (fresh->expiration ? ", expire at " + format_iso8601(*fresh->expiration) +
                                         ", renewed from " + format_iso8601(refresh_at_)
                                   : std::string()));
    }
    return fresh;
  }
  // Keep using what we have while it is still valid: a refresh may fail transiently.
  if (cached_ && cached_->expiration && now < *cached_->expiration) return *cached_;
  return fresh;
}

Result<Credentials> CredentialsChain::credentials() {
  auto got = get();
  if (!got) return got.take_error();
  return std::move(got->credentials);
}

}  // namespace csv2ddb::aws
