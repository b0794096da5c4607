// The two HTTP sources: the container credentials endpoint (ECS, EKS Pod Identity, Lambda
// SnapStart) and EC2 instance metadata (IMDSv2).
#include <fstream>
#include <sstream>
#include <utility>

#include "aws/credentials.hpp"
#include "aws/endpoints.hpp"
#include "aws/error_codes.hpp"
#include "aws/http_client.hpp"

namespace csv2ddb::aws {
namespace {

constexpr std::string_view kContainerHost = "http://169.254.170.2";
constexpr std::string_view kMetadataEndpoint = "http://169.254.169.254";
constexpr std::string_view kTokenTtlHeader = "X-aws-ec2-metadata-token-ttl-seconds";
constexpr std::string_view kTokenHeader = "X-aws-ec2-metadata-token";
constexpr std::string_view kTokenTtlSeconds = "21600";
constexpr std::string_view kRolePath = "/latest/meta-data/iam/security-credentials/";

Error unavailable(std::string entry) {
  return make_error("CredentialsUnavailable", std::move(entry));
}

HttpClient make_client(std::chrono::milliseconds timeout) {
  HttpClientOptions options;
  options.connect_timeout = timeout;
  options.timeout = timeout;
  options.trace_id_from_environment = false;
  return HttpClient(options);
}

// "no response from http://169.254.169.254 within 1 s", "http://... refused the connection".
std::string describe_transport_failure(const Error& error, std::string_view where,
                                       std::chrono::milliseconds timeout) {
  if (has_code(error, code::kRequestTimeout)) {
    return "no response from " + std::string(where) + " within " + describe_duration(timeout);
  }
  if (has_code(error, code::kConnectionRefused))
    return std::string(where) + " refused the connection";
  return std::string(where) + ": " + error.code;
}

// Hosts that may serve container credentials over plain http.
bool is_allowed_http_host(std::string_view host) {
  auto colon = host.rfind(':');
  if (colon != std::string_view::npos && host.find(']') == std::string_view::npos) {
    host = host.substr(0, colon);
  } else if (auto bracket = host.find(']'); bracket != std::string_view::npos) {
    host = host.substr(0, bracket + 1);
  }
  return host.substr(0, 4) == "127." || host == "localhost" || host == "[::1]" ||
         host == "169.254.170.2" || host == "169.254.170.23" || host == "[fd00:ec2::23]";
}

std::string trim_token(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

}  // namespace

Result<std::string> container_credentials_url(const Environment& env) {
  if (auto relative = env.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) {
    return std::string(kContainerHost) + *relative;
  }
  auto full = env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI");
  if (!full)
    return make_error("CredentialsNotConfigured", "container credentials (not configured)");
  auto parts = split_url(*full);
  if (!parts) {
    return unavailable("container credentials (AWS_CONTAINER_CREDENTIALS_FULL_URI is not a URL)");
  }
  if (parts->scheme == "http" && !is_allowed_http_host(parts->host)) {
    return unavailable("container credentials (AWS_CONTAINER_CREDENTIALS_FULL_URI host " +
                       parts->host + " is not a loopback or container address)");
  }
  return *full;
}

namespace {

class ContainerProvider final : public CredentialsProvider {
 public:
  ContainerProvider(Environment env, std::chrono::milliseconds timeout)
      : env_(std::move(env)), timeout_(timeout), client_(make_client(timeout)) {}

  Result<ProvidedCredentials> fetch() override {
    auto located = container_credentials_url(env_);
    if (!located) return located.take_error();
    const std::string url = std::move(located).value();
    std::string where = redact_url(url);

    HttpRequest request;
    request.url = url;
    std::string token;
    if (auto token_file = env_.get("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) {
      std::ifstream in(*token_file, std::ios::binary);
      if (!in) {
        return unavailable(
            "container credentials (cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE " +
            *token_file + ")");
      }
      std::ostringstream text;
      text << in.rdbuf();
      token = trim_token(text.str());
    } else if (auto value = env_.get("AWS_CONTAINER_AUTHORIZATION_TOKEN")) {
      token = trim_token(*value);
    }
    if (token.find_first_of("\r\n") != std::string::npos) {
      return unavailable("container credentials (the authorization token holds a line break)");
    }
    if (!token.empty()) request.headers.push_back({"Authorization", token});

    auto response = client_.send(request);
    if (!response) {
      return unavailable("container credentials (" +
                         describe_transport_failure(response.error(), where, timeout_) + ")");
    }
    if (!response->ok()) {
      return unavailable("container credentials (" + where + " answered HTTP " +
                         std::to_string(response->status) + ")");
    }
    auto parsed = parse_credentials_json(response->body, "container credentials " + where);
    if (!parsed) {
      return unavailable("container credentials (" + parsed.error().message + ")");
    }
    return parsed;
  }

 private:
  Environment env_;
  std::chrono::milliseconds timeout_;
  HttpClient client_;
};

class InstanceMetadataProvider final : public CredentialsProvider {
 public:
  InstanceMetadataProvider(Environment env, std::chrono::milliseconds timeout)
      : env_(std::move(env)), timeout_(timeout), client_(make_client(timeout)) {}

  Result<ProvidedCredentials> fetch() override {
    if (env_.is_true("AWS_EC2_METADATA_DISABLED")) {
      return make_error("CredentialsNotConfigured",
                        "EC2 instance metadata (disabled by AWS_EC2_METADATA_DISABLED)");
    }
    std::string endpoint =
        env_.get("AWS_EC2_METADATA_SERVICE_ENDPOINT").value_or(std::string(kMetadataEndpoint));
    while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
    auto fail = [](std::string why) {
      return unavailable("EC2 instance metadata (" + std::move(why) + ")");
    };

    // IMDSv2: a session token first. 404/405 come from an old IMDSv1-only endpoint or proxy, and
    // then the requests go without a token.
    HttpRequest token_request;
    token_request.method = "PUT";
    token_request.url = endpoint + "/latest/api/token";
    token_request.headers.push_back({std::string(kTokenTtlHeader), std::string(kTokenTtlSeconds)});
    auto token_response = client_.send(token_request);
    if (!token_response) {
      return fail(describe_transport_failure(token_response.error(), endpoint, timeout_));
    }
    std::string token;
    if (token_response->ok()) {
      token = trim_token(token_response->body);
    } else if (token_response->status != 404 && token_response->status != 405) {
      return fail("token request refused: HTTP " + std::to_string(token_response->status));
    }

    auto get = [&](const std::string& path) {
      HttpRequest request;
      request.url = endpoint + path;
      if (!token.empty()) request.headers.push_back({std::string(kTokenHeader), token});
      return client_.send(request);
    };
    auto roles = get(std::string(kRolePath));
    if (!roles) return fail(describe_transport_failure(roles.error(), endpoint, timeout_));
    if (roles->status == 404) return fail("no IAM role attached to the instance");
    if (!roles->ok()) {
      return fail("role list answered HTTP " + std::to_string(roles->status));
    }
    std::string role = roles->body.substr(0, roles->body.find('\n'));
    role = trim_token(role);
    if (role.empty()) return fail("no IAM role attached to the instance");

    auto credentials = get(std::string(kRolePath) + role);
    if (!credentials) {
      return fail(describe_transport_failure(credentials.error(), endpoint, timeout_));
    }
    if (!credentials->ok()) {
      return fail("credentials for role " + role + " answered HTTP " +
                  std::to_string(credentials->status));
    }
    auto parsed =
        parse_credentials_json(credentials->body, "EC2 instance metadata (role " + role + ")");
    if (!parsed) return fail(parsed.error().message);
    return parsed;
  }

 private:
  Environment env_;
  std::chrono::milliseconds timeout_;
  HttpClient client_;
};

}  // namespace

std::unique_ptr<CredentialsProvider> make_container_provider(Environment env,
                                                             std::chrono::milliseconds timeout) {
  return std::make_unique<ContainerProvider>(std::move(env), timeout);
}

std::unique_ptr<CredentialsProvider> make_instance_metadata_provider(
    Environment env, std::chrono::milliseconds timeout) {
  return std::make_unique<InstanceMetadataProvider>(std::move(env), timeout);
}

}  // namespace csv2ddb::aws
