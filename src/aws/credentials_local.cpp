// The two local sources: environment variables and the shared files.
#include <utility>

#include "aws/credentials.hpp"
#include "aws/error_codes.hpp"
#include "aws/ini_file.hpp"

namespace csv2ddb::aws {
namespace {

Error not_configured(std::string entry) {
  return make_error("CredentialsNotConfigured", std::move(entry));
}

class EnvironmentProvider final : public CredentialsProvider {
 public:
  explicit EnvironmentProvider(Environment env) : env_(std::move(env)) {}

  Result<ProvidedCredentials> fetch() override {
    auto key_id = env_.get("AWS_ACCESS_KEY_ID");
    if (!key_id) return not_configured("environment variables (AWS_ACCESS_KEY_ID not set)");
    auto secret = env_.get("AWS_SECRET_ACCESS_KEY");
    if (!secret) {
      return not_configured(
          "environment variables (AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not)");
    }
    ProvidedCredentials out;
    out.credentials.access_key_id = std::move(*key_id);
    out.credentials.secret_access_key = std::move(*secret);
    auto token = env_.get("AWS_SESSION_TOKEN");
    if (!token) token = env_.get("AWS_SECURITY_TOKEN");  // the older name
    if (token) out.credentials.session_token = std::move(*token);
    out.source = "environment";
    return out;
  }

 private:
  Environment env_;
};

// Settings the chain cannot act on; naming them beats a puzzling "no credentials".
constexpr std::string_view kUnsupportedSettings[] = {
    "role_arn", "credential_process", "sso_session", "sso_start_url", "web_identity_token_file"};

class ProfileProvider final : public CredentialsProvider {
 public:
  ProfileProvider(Environment env, std::string profile)
      : env_(std::move(env)), profile_(std::move(profile)) {}

  Result<ProvidedCredentials> fetch() override {
    std::string profile = profile_.empty() ? env_.get("AWS_PROFILE").value_or("default") : profile_;
    std::string credentials_path = env_.expand_home(
        env_.get("AWS_SHARED_CREDENTIALS_FILE").value_or(env_.home() + "/.aws/credentials"));
    std::string config_path =
        env_.expand_home(env_.get("AWS_CONFIG_FILE").value_or(env_.home() + "/.aws/config"));

    std::string credentials_note, config_note;
    auto credentials_file = AwsProfileFile::load(credentials_path, AwsFileKind::kCredentials);
    auto config_file = AwsProfileFile::load(config_path, AwsFileKind::kConfig);
    const AwsProfileFile::Settings* from_credentials =
        credentials_file ? credentials_file->profile(profile) : nullptr;
    const AwsProfileFile::Settings* from_config =
        config_file ? config_file->profile(profile) : nullptr;

    // The credentials file wins key by key.
    auto setting = [&](std::string_view key) -> std::string {
      for (const auto* settings : {from_credentials, from_config}) {
        if (settings == nullptr) continue;
        if (auto it = settings->find(key); it != settings->end() && !it->second.empty()) {
          return it->second;
        }
      }
      return "";
    };
    std::string key_id = setting("aws_access_key_id");
    std::string secret = setting("aws_secret_access_key");
    if (!key_id.empty() && !secret.empty()) {
      ProvidedCredentials out;
      out.credentials.access_key_id = std::move(key_id);
      out.credentials.secret_access_key = std::move(secret);
      out.credentials.session_token = setting("aws_session_token");
      if (out.credentials.session_token.empty()) {
        out.credentials.session_token = setting("aws_security_token");
      }
      bool from_credentials_file =
          from_credentials != nullptr && from_credentials->count("aws_access_key_id") != 0;
      out.source =
          "profile " + profile + " in " + (from_credentials_file ? credentials_path : config_path);
      return out;
    }

    std::string why_not = [&]() -> std::string {
      if (!key_id.empty()) return "profile \"" + profile + "\" has no aws_secret_access_key";
      for (auto unsupported : kUnsupportedSettings) {
        if (!setting(unsupported).empty()) {
          return "profile \"" + profile + "\" uses " + std::string(unsupported) +
                 ", which csv2ddb does not support";
        }
      }
      return "";
    }();
    auto describe = [&](const Result<AwsProfileFile>& file,
                        const AwsProfileFile::Settings* settings) -> std::string {
      if (!file) {
        if (has_code(file.error(), code::kFileNotFound)) return "not found";
        return file.error().message;
      }
      if (settings == nullptr) return "no profile \"" + profile + "\"";
      return "profile \"" + profile + "\" has no aws_access_key_id";
    };
    std::string entry;
    if (!why_not.empty()) {
      entry = "shared files (" + why_not + ")";
    } else {
      entry = "shared credentials file " + credentials_path + " (" +
              describe(credentials_file, from_credentials) + "), config file " + config_path +
              " (" + describe(config_file, from_config) + ")";
    }
    return not_configured(std::move(entry));
  }

 private:
  Environment env_;
  std::string profile_;
};

}  // namespace

std::unique_ptr<CredentialsProvider> make_environment_provider(Environment env) {
  return std::make_unique<EnvironmentProvider>(std::move(env));
}

std::unique_ptr<CredentialsProvider> make_profile_provider(Environment env, std::string profile) {
  return std::make_unique<ProfileProvider>(std::move(env), std::move(profile));
}

}  // namespace csv2ddb::aws
