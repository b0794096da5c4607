// Where AWS credentials come from, in the AWS SDKs' order:
//   1. environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (skipped when a
//      profile is chosen explicitly with --profile, as the AWS CLI does);
//   2. shared files: the profile (--profile, AWS_PROFILE, "default") in AWS_SHARED_CREDENTIALS_FILE
//      (~/.aws/credentials) and AWS_CONFIG_FILE (~/.aws/config), the credentials file's keys
//      winning: assumed roles, web identity, SSO, static keys, credential_process
//      (profile_sources.hpp); AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN without a profile;
//   3. container: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (on 169.254.170.2) or
//      AWS_CONTAINER_CREDENTIALS_FULL_URI, with AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE);
//   4. EC2 instance metadata, IMDSv2 (AWS_EC2_METADATA_SERVICE_ENDPOINT,
//   AWS_EC2_METADATA_DISABLED).
// CredentialsChain caches what it found and fetches again before temporary credentials expire:
// in the SDKs' advisory window of 15 minutes before expiry, or at half the remaining lifetime
// when that is shorter (a one-hour session is renewed at 45 minutes, a one-minute one at 30 s),
// so a request is never signed with credentials about to lapse. Secrets never appear in errors: use
// redacted() to show credentials.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aws/environment.hpp"
#include "aws/http_date.hpp"
#include "aws/sigv4.hpp"  // Credentials
#include "common/result.hpp"

namespace csv2ddb::aws {

struct ProvidedCredentials {
  Credentials credentials;
  std::optional<SystemTime> expiration;  // temporary credentials only
  std::string source;  // "environment", "profile default in /root/.aws/credentials"...
};

// "access key AKIA****MPLE, secret <redacted>, session token <redacted>" (or "none"). The key id
// keeps only its first and last four characters.
std::string redacted(const Credentials& credentials);

// One source of credentials. A source that has none, or fails, answers an error whose message is
// its entry in the chain's "tried:" list, e.g. "environment variables (AWS_ACCESS_KEY_ID not set)".
// Codes: "CredentialsNotConfigured" (nothing there), "CredentialsUnavailable" (configured but
// failed; the chain goes on), "CredentialsFailed" (configured and failed in a way the user must
// fix: the chain stops and shows this message alone).
class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;
  virtual Result<ProvidedCredentials> fetch() = 0;
};

std::unique_ptr<CredentialsProvider> make_environment_provider(Environment env);
struct ProfileSourceContext;  // profile_sources.hpp
// `profile` "" means AWS_PROFILE, then "default".
std::unique_ptr<CredentialsProvider> make_profile_provider(ProfileSourceContext context,
                                                           std::string profile);
// The same with its own HTTP client and the system clock.
std::unique_ptr<CredentialsProvider> make_profile_provider(Environment env, std::string profile);
// `timeout` bounds each HTTP request (connect and response).
std::unique_ptr<CredentialsProvider> make_container_provider(Environment env,
                                                             std::chrono::milliseconds timeout);
// The URL the container provider asks: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI appended to
// http://169.254.170.2 (it wins), else AWS_CONTAINER_CREDENTIALS_FULL_URI, which may use plain
// http only towards a loopback or container address. Errors: "CredentialsNotConfigured" (neither
// set), "CredentialsUnavailable" (a FULL_URI that is not a URL or not allowed).
Result<std::string> container_credentials_url(const Environment& env);
std::unique_ptr<CredentialsProvider> make_instance_metadata_provider(
    Environment env, std::chrono::milliseconds timeout);
// Always these credentials (signing STS calls with a source profile's; the local Lambda's
// deliveries with a function's role).
std::unique_ptr<CredentialsProvider> make_fixed_provider(ProvidedCredentials credentials);

class HttpClient;

struct CredentialsChainOptions {
  std::string profile;  // --profile
  std::chrono::milliseconds metadata_timeout{1000};
  // The advisory window: temporary credentials are fetched again this long before they expire
  // (or at half their lifetime when that comes first).
  std::chrono::seconds refresh_before_expiry{900};
  std::function<SystemTime()> clock = [] { return std::chrono::system_clock::now(); };
  std::shared_ptr<HttpClient> http;  // STS and SSO calls; null: the chain makes its own
  std::chrono::milliseconds process_timeout{60000};  // credential_process
  bool log_fetches = true;  // --debug lines; off for the fixed chains that sign STS calls
};

// Thread-safe. The first get() walks the chain; later calls return the cached credentials until
// they come within refresh_before_expiry of their expiration, then walk the chain again (and keep
// the old ones while they are still valid if that fails).
class CredentialsChain {
 public:
  // The standard chain over this environment.
  explicit CredentialsChain(const Environment& env, CredentialsChainOptions options = {});
  // A custom chain (tests, or a fixed source).
  CredentialsChain(std::vector<std::unique_ptr<CredentialsProvider>> providers,
                   CredentialsChainOptions options);

  // Errors: "NoCredentials" with "no AWS credentials found; tried: <each source (why)>".
  Result<ProvidedCredentials> get();
  Result<Credentials> credentials();

 private:
  Result<ProvidedCredentials> walk();

  std::vector<std::unique_ptr<CredentialsProvider>> providers_;
  CredentialsChainOptions options_;
  std::mutex mutex_;
  std::optional<ProvidedCredentials> cached_;
  SystemTime refresh_at_{};  // when the cached temporary credentials are fetched again
  int fetches_ = 0;
};

// Parses the JSON that container and instance metadata endpoints answer with:
// AccessKeyId, SecretAccessKey, Token, Expiration (ISO 8601). On failure the error message says
// what is missing and never includes the body (it holds secrets).
Result<ProvidedCredentials> parse_credentials_json(std::string_view body, std::string source);

// "1 s", "1.5 s", "200 ms": durations in messages.
std::string describe_duration(std::chrono::milliseconds duration);

}  // namespace csv2ddb::aws
