#include "local/iam/identity_store.hpp"

#include <mutex>

namespace csv2ddb::local::iam {

void IdentityStore::put_role(Role role) {
  std::unique_lock lock(mutex_);
  std::string name = role.name;
  roles_[name] = std::move(role);
}

void IdentityStore::remove_role(std::string_view name) {
  std::unique_lock lock(mutex_);
  if (const auto found = roles_.find(name); found != roles_.end()) roles_.erase(found);
}

Status IdentityStore::attach_policy(std::string_view role_name, Policy policy) {
  std::unique_lock lock(mutex_);
  const auto found = roles_.find(role_name);
  if (found == roles_.end()) {
    return make_error("NoSuchEntity",
                      "The role with name " + std::string(role_name) + " cannot be found.");
  }
  found->second.policies.push_back(std::move(policy));
  return {};
}

std::optional<Role> IdentityStore::role_by_arn(std::string_view arn) const {
  std::shared_lock lock(mutex_);
  for (const auto& [name, role] : roles_) {
    if (role.arn == arn) return role;
  }
  return std::nullopt;
}

std::optional<Role> IdentityStore::role_by_name(std::string_view name) const {
  std::shared_lock lock(mutex_);
  auto found = roles_.find(name);
  if (found == roles_.end()) return std::nullopt;
  return found->second;
}

std::optional<std::string> IdentityStore::session_arn(std::string_view access_key_id) const {
  std::shared_lock lock(mutex_);
  auto found = sessions_.find(access_key_id);
  if (found == sessions_.end()) return std::nullopt;
  return found->second.arn;
}

Status IdentityStore::bind_session(const std::string& access_key_id, std::string_view role_name,
                                   const std::string& session_name) {
  std::unique_lock lock(mutex_);
  if (roles_.find(role_name) == roles_.end()) {
    return make_error("NoSuchEntity",
                      "The role with name " + std::string(role_name) + " cannot be found.");
  }
  sessions_[access_key_id] =
      Session{std::string(role_name), "arn:aws:sts::" + std::string(kAccountId) + ":assumed-role/" +
                                          std::string(role_name) + "/" + session_name};
  return {};
}

bool IdentityStore::is_restricted(std::string_view access_key_id) const {
  std::shared_lock lock(mutex_);
  return sessions_.find(access_key_id) != sessions_.end();
}

Status IdentityStore::authorize(std::string_view access_key_id,
                                const std::vector<Permission>& needed) const {
  std::shared_lock lock(mutex_);
  const auto session = sessions_.find(access_key_id);
  if (session == sessions_.end()) return {};  // the account's own keys
  const auto role = roles_.find(session->second.role_name);
  static const std::vector<Policy> kNoPolicies;
  const std::vector<Policy>& policies = role == roles_.end() ? kNoPolicies : role->second.policies;
  for (const Permission& permission : needed) {
    const Decision decision = evaluate(policies, permission.action, permission.resource);
    if (decision == Decision::kAllow) continue;
    return make_error("AccessDenied",
                      "User: " + session->second.arn + " is not authorized to perform: " +
                          permission.action + " on resource: " + permission.resource +
                          (decision == Decision::kExplicitDeny
                               ? " with an explicit deny in an identity-based policy"
                               : " because no identity-based policy allows the " +
                                     permission.action + " action"));
  }
  return {};
}

}  // namespace csv2ddb::local::iam
