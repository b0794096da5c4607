// IAM identity policies as the local AWS enforces them on each function's calls: a role's
// policies are parsed once (at deploy) and every request its credentials sign is checked
// against them, with IAM's rules of evaluation:
//  - an explicit Deny in any statement wins;
//  - otherwise an Allow whose Action and Resource match allows;
//  - otherwise the request is denied implicitly ("no identity-based policy allows").
// Actions match case-insensitively, resources case-sensitively; both take `*` (any run of
// characters, ':' and '/' included) and `?` (one character). NotAction and NotResource are
// supported. Condition blocks are not evaluated: a policy with one is refused at parse time
// with a clear error rather than enforced wrongly.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "model/json.hpp"

namespace csv2ddb::local::iam {

struct Statement {
  std::string sid;
  bool allow = true;
  std::vector<std::string> actions;  // Action, or NotAction when `not_action`
  bool not_action = false;
  std::vector<std::string> resources;  // Resource, or NotResource when `not_resource`
  bool not_resource = false;
};

struct Policy {
  std::string name;
  std::vector<Statement> statements;
};

// Errors: "MalformedPolicyDocument" naming the policy and what is wrong with it.
Result<Policy> parse_policy(std::string name, const model::JsonValue& document);

enum class Decision : std::uint8_t { kAllow, kExplicitDeny, kImplicitDeny };

Decision evaluate(const std::vector<Policy>& policies, std::string_view action,
                  std::string_view resource);

// IAM's wildcards: `*` any run, `?` one character.
bool wildcard_match(std::string_view pattern, std::string_view text, bool ignore_case);

}  // namespace csv2ddb::local::iam
