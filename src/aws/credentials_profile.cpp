// The shared files' profiles as a credentials source, in the order botocore tries a profile's
// settings: role_arn (without a web identity token) assumes a role; web_identity_token_file (or
// AWS_WEB_IDENTITY_TOKEN_FILE with AWS_ROLE_ARN) assumes one with a token; sso_session or
// sso_start_url asks the SSO portal; then static keys; then credential_process.
#include <fcntl.h>
#include <unistd.h>

#include <charconv>
#include <fstream>
#include <sstream>
#include <utility>

#include "aws/endpoints.hpp"
#include "aws/profile_sources.hpp"
#include "aws/service_clients.hpp"
#include "aws/sts_client.hpp"

namespace csv2ddb::aws {
namespace {

Error not_configured(std::string entry) {
  return make_error("CredentialsNotConfigured", std::move(entry));
}

class ProfileResolver {
 public:
  ProfileResolver(const ProfileSourceContext& context, const SharedConfig& config)
      : context_(context), config_(config) {}

  Result<ProvidedCredentials> resolve(const std::string& profile) {
    for (const auto& seen : chain_) {
      if (seen == profile) {
        std::string path;
        for (const auto& name : chain_) path += name + " -> ";
        return credentials_failed("the profiles' source_profile settings loop: " + path + profile);
      }
    }
    chain_.push_back(profile);
    std::string role_arn = config_.get(profile, "role_arn");
    if (!role_arn.empty() && config_.get(profile, "web_identity_token_file").empty()) {
      return assume_role(profile, role_arn);
    }
    if (!config_.get(profile, "web_identity_token_file").empty()) return web_identity(profile);
    if (!config_.get(profile, "sso_session").empty() ||
        !config_.get(profile, "sso_start_url").empty()) {
      return sso_credentials(context_, config_, profile);
    }
    if (auto keys = static_keys(profile)) return keys;
    std::string process = config_.get(profile, "credential_process");
    if (!process.empty()) return process_credentials(context_, profile, process);
    if (!config_.get(profile, "aws_access_key_id").empty()) {
      return credentials_failed("profile \"" + profile + "\" has no aws_secret_access_key");
    }
    return credentials_failed("profile \"" + profile +
                              "\" has no credentials (no aws_access_key_id, role_arn, "
                              "sso_session, credential_process or web_identity_token_file)");
  }

  // AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN, without a profile.
  Result<ProvidedCredentials> web_identity_from_environment() { return web_identity(""); }

 private:
  Result<ProvidedCredentials> static_keys(const std::string& profile) {
    std::string key_id = config_.get(profile, "aws_access_key_id");
    std::string secret = config_.get(profile, "aws_secret_access_key");
    if (key_id.empty() || secret.empty()) return not_configured("no static keys");
    ProvidedCredentials out;
    out.credentials.access_key_id = std::move(key_id);
    out.credentials.secret_access_key = std::move(secret);
    out.credentials.session_token = config_.get(profile, "aws_session_token");
    if (out.credentials.session_token.empty()) {
      out.credentials.session_token = config_.get(profile, "aws_security_token");
    }
    out.source = "profile " + profile + " in " + config_.origin(profile, "aws_access_key_id");
    return out;
  }

  Result<ProvidedCredentials> source_credentials(const std::string& profile) {
    std::string source_profile = config_.get(profile, "source_profile");
    std::string credential_source = config_.get(profile, "credential_source");
    if (!source_profile.empty() && !credential_source.empty()) {
      return credentials_failed("profile \"" + profile +
                                "\" sets both source_profile and credential_source");
    }
    if (!source_profile.empty()) {
      if (!config_.has_profile(source_profile)) {
        return credentials_failed("profile \"" + profile + "\" names source_profile \"" +
                                  source_profile + "\", which is not in " + config_.config_path() +
                                  " or " + config_.credentials_path());
      }
      // A role profile may name itself as its source when it holds the keys to assume with.
      if (source_profile == profile) {
        auto keys = static_keys(profile);
        if (!keys)
          return credentials_failed("profile \"" + profile +
                                    "\" is its own source_profile but has no keys");
        return keys;
      }
      return resolve(source_profile);
    }
    if (credential_source.empty()) {
      return credentials_failed("profile \"" + profile +
                                "\" has role_arn but neither source_profile nor "
                                "credential_source");
    }
    std::unique_ptr<CredentialsProvider> provider;
    constexpr std::chrono::milliseconds kMetadataTimeout{1000};
    if (credential_source == "Environment") {
      provider = make_environment_provider(context_.env);
    } else if (credential_source == "Ec2InstanceMetadata") {
      provider = make_instance_metadata_provider(context_.env, kMetadataTimeout);
    } else if (credential_source == "EcsContainer") {
      provider = make_container_provider(context_.env, kMetadataTimeout);
    } else {
      return credentials_failed("profile \"" + profile + "\": credential_source \"" +
                                credential_source +
                                "\" is not one of Environment, Ec2InstanceMetadata, EcsContainer");
    }
    auto found = provider->fetch();
    if (!found) {
      return credentials_failed("profile \"" + profile + "\": credential_source " +
                                credential_source +
                                " has no credentials: " + found.error().message);
    }
    return found;
  }

  Result<StsClient> sts_for(const std::string& profile, std::optional<ProvidedCredentials> signer) {
    std::string region = profile.empty() ? std::string() : config_.get(profile, "region");
    if (region.empty()) {
      auto resolved = resolve_region(context_.env, config_, {}, {});
      region = resolved ? *resolved : "us-east-1";
    }
    auto service = sts_service_config(context_.env, config_, profile, region);
    if (!service) return credentials_failed(service.error().message);
    std::vector<std::unique_ptr<CredentialsProvider>> providers;
    if (signer) providers.push_back(make_fixed_provider(std::move(*signer)));
    CredentialsChainOptions quiet;
    quiet.log_fetches = false;
    auto chain = std::make_shared<CredentialsChain>(std::move(providers), std::move(quiet));
    return StsClient(std::make_shared<AwsCaller>(std::move(service).value(), std::move(chain),
                                                 http_transport(context_.http)));
  }

  std::string session_name(const std::string& profile, std::string_view variable) {
    std::string name = profile.empty() ? std::string() : config_.get(profile, "role_session_name");
    if (name.empty() && !variable.empty()) name = context_.env.get(variable).value_or("");
    if (name.empty()) {
      name = "csv2ddb-session-" + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                                     context_.clock().time_since_epoch())
                                                     .count());
    }
    return name;
  }

  Result<int> duration(const std::string& profile) {
    std::string text = profile.empty() ? std::string() : config_.get(profile, "duration_seconds");
    if (text.empty()) return 0;
    int seconds = 0;
    auto [end, failure] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (failure != std::errc() || end != text.data() + text.size() || seconds <= 0) {
      return credentials_failed("profile \"" + profile + "\": duration_seconds \"" + text +
                                "\" is not a whole number of seconds");
    }
    return seconds;
  }

  Result<ProvidedCredentials> assume_role(const std::string& profile, const std::string& role_arn) {
    auto source = source_credentials(profile);
    if (!source) return source.take_error();
    AssumeRoleRequest request;
    request.role_arn = role_arn;
    request.session_name = session_name(profile, {});
    request.external_id = config_.get(profile, "external_id");
    auto seconds = duration(profile);
    if (!seconds) return seconds.take_error();
    request.duration_seconds = *seconds;
    request.serial_number = config_.get(profile, "mfa_serial");
    if (!request.serial_number.empty()) {
      auto code = context_.ask_code
                      ? context_.ask_code("Enter MFA code for " + request.serial_number + ": ")
                      : std::nullopt;
      if (!code) {
        return credentials_failed("profile \"" + profile + "\" needs an MFA code for " +
                                  request.serial_number + " and there is no terminal to ask on");
      }
      request.token_code = *code;
    }
    auto sts = sts_for(profile, std::move(source).value());
    if (!sts) return sts.take_error();
    auto assumed = sts->assume_role(request, "profile " + profile + " (role " + role_arn + ")");
    if (!assumed) {
      return credentials_failed("profile \"" + profile + "\": assuming " + role_arn +
                                " failed: " + assumed.error().message);
    }
    return assumed;
  }

  Result<ProvidedCredentials> web_identity(const std::string& profile) {
    auto setting = [&](std::string_view key, std::string_view variable) {
      std::string value = profile.empty() ? std::string() : config_.get(profile, key);
      return value.empty() ? context_.env.get(variable).value_or("") : value;
    };
    std::string token_file = setting("web_identity_token_file", "AWS_WEB_IDENTITY_TOKEN_FILE");
    std::string role_arn = setting("role_arn", "AWS_ROLE_ARN");
    std::string who = profile.empty() ? std::string("AWS_WEB_IDENTITY_TOKEN_FILE")
                                      : "profile \"" + profile + "\"";
    if (role_arn.empty())
      return credentials_failed(who + ": a web identity token needs a role_arn");
    std::ifstream in(token_file, std::ios::binary);
    if (!in) return credentials_failed(who + ": cannot read the token file " + token_file);
    std::ostringstream text;
    text << in.rdbuf();
    std::string token = text.str();
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
    AssumeRoleRequest request;
    request.role_arn = role_arn;
    request.session_name = session_name(profile, "AWS_ROLE_SESSION_NAME");
    auto seconds = duration(profile);
    if (!seconds) return seconds.take_error();
    request.duration_seconds = *seconds;
    auto sts = sts_for(profile, std::nullopt);
    if (!sts) return sts.take_error();
    auto assumed =
        sts->assume_role_with_web_identity(request, token, "web identity (role " + role_arn + ")");
    if (!assumed) {
      return credentials_failed(who + ": assuming " + role_arn +
                                " with a web identity failed: " + assumed.error().message);
    }
    return assumed;
  }

  const ProfileSourceContext& context_;
  const SharedConfig& config_;
  std::vector<std::string> chain_;
};

class ProfileProvider final : public CredentialsProvider {
 public:
  ProfileProvider(ProfileSourceContext context, std::string profile)
      : context_(std::move(context)), profile_(std::move(profile)) {}

  Result<ProvidedCredentials> fetch() override {
    auto config = SharedConfig::load(context_.env);
    if (!config) return credentials_failed(config.error().message);
    const bool named = !profile_.empty() || context_.env.get("AWS_PROFILE").has_value();
    const std::string profile = resolve_profile_name(context_.env, profile_);
    ProfileResolver resolver(context_, *config);
    if (config->has_profile(profile)) return resolver.resolve(profile);
    if (context_.env.get("AWS_WEB_IDENTITY_TOKEN_FILE")) {
      return resolver.web_identity_from_environment();
    }
    if (named) {
      return credentials_failed("the profile \"" + profile + "\" is not in " +
                                config->config_path() + " or " + config->credentials_path());
    }
    return not_configured("shared files (no profile \"" + profile + "\" in " +
                          config->credentials_path() + " or " + config->config_path() + ")");
  }

 private:
  ProfileSourceContext context_;
  std::string profile_;
};

}  // namespace

Error credentials_failed(std::string message) {
  return make_error(std::string(kCredentialsFailed), std::move(message));
}

std::optional<std::string> ask_code_on_terminal(const std::string& prompt) {
  int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  (void)!write(fd, prompt.data(), prompt.size());
  std::string code;
  char c = 0;
  while (read(fd, &c, 1) == 1 && c != '\n') code.push_back(c);
  close(fd);
  while (!code.empty() && (code.back() == '\r' || code.back() == ' ')) code.pop_back();
  return code;
}

std::unique_ptr<CredentialsProvider> make_profile_provider(ProfileSourceContext context,
                                                           std::string profile) {
  return std::make_unique<ProfileProvider>(std::move(context), std::move(profile));
}

std::unique_ptr<CredentialsProvider> make_profile_provider(Environment env, std::string profile) {
  ProfileSourceContext context{std::move(env),
                               std::make_shared<HttpClient>(production_http_options()),
                               [] { return std::chrono::system_clock::now(); },
                               std::chrono::milliseconds(60000), ask_code_on_terminal};
  return make_profile_provider(std::move(context), std::move(profile));
}

}  // namespace csv2ddb::aws
