#include "local/sts/session_issuer.hpp"

#include "aws/crypto.hpp"
#include "local/request_id.hpp"

namespace csv2ddb::local::sts {
namespace {

bool valid_session_name(std::string_view name) {
  if (name.size() < 2 || name.size() > 64) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              std::string_view("+=,.@-_").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string role_id(std::string_view role_name) {
  std::string hex = aws::sha256_hex(role_name);
  std::string id = "AROA";
  for (std::size_t i = 0; id.size() < 21; ++i) {
    id.push_back(
        kAccessKeyAlphabet[static_cast<unsigned char>(hex[i]) % kAccessKeyAlphabet.size()]);
  }
  return id;
}

Result<int> SessionIssuer::checked_duration(int duration_seconds) const {
  if (duration_seconds == 0) duration_seconds = kDefaultSessionSeconds;
  if (duration_seconds < min_session_seconds_) {
    return make_error("ValidationError",
                      "1 validation error detected: Value '" + std::to_string(duration_seconds) +
                          "' at 'durationSeconds' failed to satisfy constraint: Member must have "
                          "value greater than or equal to " +
                          std::to_string(min_session_seconds_));
  }
  if (duration_seconds > kMaxSessionSeconds) {
    return make_error("ValidationError",
                      "The requested DurationSeconds exceeds the MaxSessionDuration set for "
                      "this role.");
  }
  return duration_seconds;
}

aws::Credentials SessionIssuer::new_credentials() const {
  return aws::Credentials{"ASIA" + random_token(16, kAccessKeyAlphabet),
                          random_token(40, kSecretAlphabet), random_token(356, kSecretAlphabet)};
}

Result<IssuedSession> SessionIssuer::issue(const iam::Role& role, const std::string& session_name,
                                           int duration_seconds) {
  auto seconds = checked_duration(duration_seconds);
  if (!seconds) return seconds.take_error();
  if (!valid_session_name(session_name)) {
    return make_error("ValidationError",
                      "1 validation error detected: Value '" + session_name +
                          "' at 'roleSessionName' failed to satisfy constraint: Member must "
                          "satisfy regular expression pattern: [\\w+=,.@-]*");
  }
  IssuedSession out;
  out.credentials = new_credentials();
  out.expiration = authenticator_.now() + std::chrono::seconds(*seconds);
  authenticator_.add_key(out.credentials, out.expiration);
  if (Status bound =
          identities_.bind_session(out.credentials.access_key_id, role.name, session_name);
      !bound) {
    return bound.take_error();
  }
  out.assumed_role_arn = *identities_.session_arn(out.credentials.access_key_id);
  out.assumed_role_id = role_id(role.name) + ":" + session_name;
  return out;
}

Result<IssuedSession> SessionIssuer::issue_for_account(int duration_seconds) {
  auto seconds = checked_duration(duration_seconds == 0 ? 43200 : duration_seconds);
  if (!seconds) return seconds.take_error();
  IssuedSession out;
  out.credentials = new_credentials();
  out.expiration = authenticator_.now() + std::chrono::seconds(*seconds);
  authenticator_.add_key(out.credentials, out.expiration);
  return out;
}

}  // namespace csv2ddb::local::sts
