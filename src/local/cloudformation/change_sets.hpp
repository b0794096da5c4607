// What CreateChangeSet checks and shows before anything changes: the template parses, the
// capabilities it needs were acknowledged, its parameters and resources plan (the same checks
// as a deploy), and which resources would be added, modified or removed.
#pragma once

#include <string>

#include "common/result.hpp"
#include "local/cloudformation/stack_types.hpp"

namespace csv2ddb::local::cloudformation {

struct ChangeSetRequest {
  std::string stack_name;
  std::string change_set_name;
  std::string type;  // CREATE (default) or UPDATE
  std::string template_body;
  std::vector<Parameter> parameters;
  std::vector<std::string> capabilities;
  std::string description;
};

// The change set, status CREATE_COMPLETE, or FAILED when it changes nothing (CloudFormation's
// reason, which `aws cloudformation deploy` reads as "No changes to deploy"). `existing` is the
// stack an UPDATE changes. Errors: ValidationError, InsufficientCapabilitiesException.
Result<ChangeSet> plan_change_set(const ChangeSetRequest& request, const std::string& type,
                                  const Stack* existing, const std::string& stack_id,
                                  const std::string& region);

// The capability a template needs: "CAPABILITY_NAMED_IAM" (an IAM resource with a name),
// "CAPABILITY_IAM" (one without), or "".
std::string required_capability(const model::JsonValue& document);

// The values as the deployer takes them (--param KEY=VALUE pairs).
std::vector<std::pair<std::string, std::string>> parameter_pairs(
    const std::vector<Parameter>& parameters);

// A stack's parameters for a plan: UsePreviousValue takes the stack's value.
Result<std::vector<Parameter>> parameter_values(const std::vector<Parameter>& given,
                                                const Stack* existing);

}  // namespace csv2ddb::local::cloudformation
