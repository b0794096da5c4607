#include "local/iam/policy.hpp"

#include <cctype>

namespace csv2ddb::local::iam {
namespace {

Error malformed(const std::string& policy, const std::string& what) {
  return make_error("MalformedPolicyDocument", "policy " + policy + ": " + what);
}

// "s3:GetObject" or ["s3:GetObject", "s3:PutObject"].
Result<std::vector<std::string>> string_or_list(const std::string& policy, const char* field,
                                                const model::JsonValue& value) {
  std::vector<std::string> out;
  if (value.is_string()) {
    out.push_back(value.as_string());
    return out;
  }
  if (!value.is_array() || value.as_array().empty()) {
    return malformed(policy, std::string(field) + " must be a string or a non-empty list");
  }
  for (const model::JsonValue& item : value.as_array()) {
    if (!item.is_string()) return malformed(policy, std::string(field) + " lists a non-string");
    out.push_back(item.as_string());
  }
  return out;
}

Result<Statement> parse_statement(const std::string& policy, const model::JsonValue& json) {
  if (!json.is_object()) return malformed(policy, "a Statement is not an object");
  Statement statement;
  if (const auto* sid = json.find("Sid"); sid != nullptr && sid->is_string()) {
    statement.sid = sid->as_string();
  }
  const auto* effect = json.find("Effect");
  if (effect == nullptr || !effect->is_string() ||
      (effect->as_string() != "Allow" && effect->as_string() != "Deny")) {
    return malformed(policy, "Effect must be Allow or Deny");
  }
  statement.allow = effect->as_string() == "Allow";
  if (json.find("Condition") != nullptr) {
    return malformed(policy, "statement " + (statement.sid.empty() ? "?" : statement.sid) +
                                 " has a Condition, which csv2ddb local does not evaluate");
  }
  if (json.find("Principal") != nullptr || json.find("NotPrincipal") != nullptr) {
    return malformed(policy, "an identity policy has no Principal");
  }
  const auto* action = json.find("Action");
  const auto* not_action = json.find("NotAction");
  if ((action == nullptr) == (not_action == nullptr)) {
    return malformed(policy, "a statement needs exactly one of Action and NotAction");
  }
  auto actions =
      string_or_list(policy, action ? "Action" : "NotAction", action ? *action : *not_action);
  if (!actions) return actions.take_error();
  statement.actions = std::move(*actions);
  statement.not_action = not_action != nullptr;
  const auto* resource = json.find("Resource");
  const auto* not_resource = json.find("NotResource");
  if ((resource == nullptr) == (not_resource == nullptr)) {
    return malformed(policy, "a statement needs exactly one of Resource and NotResource");
  }
  auto resources = string_or_list(policy, resource ? "Resource" : "NotResource",
                                  resource ? *resource : *not_resource);
  if (!resources) return resources.take_error();
  statement.resources = std::move(*resources);
  statement.not_resource = not_resource != nullptr;
  return statement;
}

bool any_matches(const std::vector<std::string>& patterns, std::string_view text,
                 bool ignore_case) {
  for (const std::string& pattern : patterns) {
    if (wildcard_match(pattern, text, ignore_case)) return true;
  }
  return false;
}

bool applies(const Statement& statement, std::string_view action, std::string_view resource) {
  const bool action_listed = any_matches(statement.actions, action, true);
  if (action_listed == statement.not_action) return false;
  const bool resource_listed = any_matches(statement.resources, resource, false);
  return resource_listed != statement.not_resource;
}

bool same_char(char a, char b, bool ignore_case) {
  if (!ignore_case) return a == b;
  return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
}

}  // namespace

Result<Policy> parse_policy(std::string name, const model::JsonValue& document) {
  if (!document.is_object()) return malformed(name, "the document is not a JSON object");
  const auto* statements = document.find("Statement");
  if (statements == nullptr) return malformed(name, "the document has no Statement");
  Policy policy;
  policy.name = std::move(name);
  // A single statement may stand without the list around it.
  const model::JsonValue::Array single = {statements->is_object() ? *statements
                                                                  : model::JsonValue()};
  const model::JsonValue::Array& list = statements->is_array() ? statements->as_array() : single;
  for (const model::JsonValue& json : list) {
    auto statement = parse_statement(policy.name, json);
    if (!statement) return statement.take_error();
    policy.statements.push_back(std::move(*statement));
  }
  return policy;
}

Decision evaluate(const std::vector<Policy>& policies, std::string_view action,
                  std::string_view resource) {
  bool allowed = false;
  for (const Policy& policy : policies) {
    for (const Statement& statement : policy.statements) {
      if (!applies(statement, action, resource)) continue;
      if (!statement.allow) return Decision::kExplicitDeny;
      allowed = true;
    }
  }
  return allowed ? Decision::kAllow : Decision::kImplicitDeny;
}

bool wildcard_match(std::string_view pattern, std::string_view text, bool ignore_case) {
  // Greedy with one backtrack point: the last '*' seen and where in the text it resumed.
  std::size_t p = 0;
  std::size_t t = 0;
  std::size_t star = std::string_view::npos;
  std::size_t resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (p < pattern.size() &&
               (pattern[p] == '?' || same_char(pattern[p], text[t], ignore_case))) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace csv2ddb::local::iam
