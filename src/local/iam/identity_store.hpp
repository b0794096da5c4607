// Who may do what in the local AWS. The authenticator (request_auth.hpp) says who signed a
// request; this store says what that signer may do:
//  - the account's own keys (test/test, and any key in --auth open mode) may do everything, as
//    an account's root or administrator would;
//  - a function's calls are signed with session credentials of its execution role, issued at
//    deploy as STS would issue them, and are checked against the role's identity policies.
// Thread-safe: the deployer writes while requests read.
#pragma once

#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "local/iam/policy.hpp"

namespace csv2ddb::local::iam {

inline constexpr std::string_view kAccountId = "000000000000";

struct Role {
  std::string name;
  std::string arn;  // arn:aws:iam::000000000000:role/NAME
  std::vector<Policy> policies;
};

// What a request needs: one IAM action on one resource ARN.
struct Permission {
  std::string action;    // "s3:GetObject"
  std::string resource;  // "arn:aws:s3:::bucket/key"
};

class IdentityStore {
 public:
  void put_role(Role role);
  // Its sessions stay known and are allowed nothing.
  void remove_role(std::string_view name);
  // Errors: NoSuchEntity when the role is unknown.
  Status attach_policy(std::string_view role_name, Policy policy);
  std::optional<Role> role_by_arn(std::string_view arn) const;
  std::optional<Role> role_by_name(std::string_view name) const;

  // Binds session credentials (issued by the caller, registered with the authenticator) to a
  // session of the role. The session's ARN is arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION.
  Status bind_session(const std::string& access_key_id, std::string_view role_name,
                      const std::string& session_name);

  // The session's ARN (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION); nullopt for a key that
  // is not a role session's.
  std::optional<std::string> session_arn(std::string_view access_key_id) const;

  // True for a role session's key: its requests are authorized, not just authenticated.
  bool is_restricted(std::string_view access_key_id) const;
  // AccessDenied (in IAM's words, naming the principal, the action and the resource) when a
  // role session's policies do not allow every permission; success for any other key.
  Status authorize(std::string_view access_key_id, const std::vector<Permission>& needed) const;

 private:
  struct Session {
    std::string role_name;
    std::string arn;
  };
  mutable std::shared_mutex mutex_;
  std::map<std::string, Role, std::less<>> roles_;        // by name
  std::map<std::string, Session, std::less<>> sessions_;  // by access key id
};

}  // namespace csv2ddb::local::iam
