// The credential sources a profile of the shared files can name, beside static keys (internal to
// the credentials chain; credentials.hpp is the interface):
//   role_arn + source_profile | credential_source   STS AssumeRole (chains, MFA, external id)
//   web_identity_token_file (or AWS_WEB_IDENTITY_TOKEN_FILE)  STS AssumeRoleWithWebIdentity
//   sso_session | sso_start_url                    the SSO portal's GetRoleCredentials
//   credential_process                             a helper printing version 1 JSON
// A source that is configured but fails answers "CredentialsFailed": the chain stops there and
// shows that message alone (the SDKs do not fall through to instance metadata either).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "aws/credentials.hpp"
#include "aws/http_client.hpp"
#include "aws/shared_config.hpp"

namespace csv2ddb::aws {

inline constexpr std::string_view kCredentialsFailed = "CredentialsFailed";

struct ProfileSourceContext {
  Environment env;
  std::shared_ptr<HttpClient> http;  // STS and the SSO portal
  std::function<SystemTime()> clock;
  // A helper that runs longer is stopped and its profile fails.
  std::chrono::milliseconds process_timeout{60000};
  // Asks for an MFA code on the terminal; nullopt when there is none.
  std::function<std::optional<std::string>(const std::string& prompt)> ask_code;
};

Error credentials_failed(std::string message);

// credential_process: the command split as a POSIX shell would split words (quotes and
// backslashes, no expansions), run without a shell.
Result<ProvidedCredentials> process_credentials(const ProfileSourceContext& context,
                                                const std::string& profile,
                                                const std::string& command);

// The profile's SSO settings (sso_session and its section, or the legacy sso_start_url form),
// the cached token under ~/.aws/sso/cache, then GetRoleCredentials.
Result<ProvidedCredentials> sso_credentials(const ProfileSourceContext& context,
                                            const SharedConfig& config, const std::string& profile);

// The process environment's terminal, for mfa_serial prompts.
std::optional<std::string> ask_code_on_terminal(const std::string& prompt);

}  // namespace csv2ddb::aws
