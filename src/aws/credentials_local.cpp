// The environment variables as a credentials source (the shared files are credentials_profile.cpp).
#include <utility>

#include "aws/credentials.hpp"

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

}  // namespace

std::unique_ptr<CredentialsProvider> make_environment_provider(Environment env) {
  return std::make_unique<EnvironmentProvider>(std::move(env));
}

}  // namespace csv2ddb::aws
