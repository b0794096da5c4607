// Temporary credentials for a role, as STS issues them: an ASIA key, a secret and a session
// token, valid for the duration asked (AWS's 900 s to 12 h; --min-session-seconds lowers the
// minimum for tests). The authenticator accepts them until they expire; the identity store
// binds them to the role, whose policies then apply to every request they sign.
#pragma once

#include <chrono>
#include <string>

#include "aws/sigv4.hpp"
#include "common/result.hpp"
#include "local/iam/identity_store.hpp"
#include "local/request_auth.hpp"

namespace csv2ddb::local::sts {

inline constexpr int kDefaultSessionSeconds = 3600;
inline constexpr int kMaxSessionSeconds = 43200;

struct IssuedSession {
  aws::Credentials credentials;
  std::chrono::system_clock::time_point expiration;
  std::string assumed_role_arn;  // arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION
  std::string assumed_role_id;   // AROA...:SESSION
};

// A role's id, as AWS shows it in AssumedRoleId and GetCallerIdentity's UserId: "AROA" and 17
// characters, the same for the same role name.
std::string role_id(std::string_view role_name);

class SessionIssuer {
 public:
  SessionIssuer(RequestAuthenticator& authenticator, iam::IdentityStore& identities,
                int min_session_seconds)
      : authenticator_(authenticator),
        identities_(identities),
        min_session_seconds_(min_session_seconds) {}

  // `duration_seconds` 0 means the default hour. Errors: ValidationError (duration out of
  // range, a session name AWS would refuse), with STS's messages.
  Result<IssuedSession> issue(const iam::Role& role, const std::string& session_name,
                              int duration_seconds);
  // GetSessionToken: temporary credentials of the account itself (no role, every permission).
  Result<IssuedSession> issue_for_account(int duration_seconds);
  std::chrono::system_clock::time_point now() const { return authenticator_.now(); }

 private:
  Result<int> checked_duration(int duration_seconds) const;
  aws::Credentials new_credentials() const;

  RequestAuthenticator& authenticator_;
  iam::IdentityStore& identities_;
  int min_session_seconds_;
};

}  // namespace csv2ddb::local::sts
