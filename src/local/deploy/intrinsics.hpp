// CloudFormation's intrinsic functions over a template's JSON: Ref, Fn::GetAtt, Fn::Join,
// Fn::Sub (both forms, with ${!Literal}), Fn::Select, Fn::Split, Fn::If, Fn::Equals, Fn::Not,
// Fn::And, Fn::Or, Fn::FindInMap, Fn::Base64, Fn::GetAZs and the pseudo parameters. Anything
// else (Fn::ImportValue, Fn::Transform, ...) is a clear error naming the function.
//
// The same walk also finds what a value depends on (dependencies()), which orders the deploy.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "model/json.hpp"

namespace csv2ddb::local::deploy {

// A resource once deployed: what Ref gives, and what Fn::GetAtt can ask for.
struct DeployedResource {
  std::string type;
  std::string physical_id;
  std::map<std::string, model::JsonValue, std::less<>> attributes;
};

struct ResolveContext {
  std::map<std::string, model::JsonValue, std::less<>> parameters;  // pseudo parameters too
  std::map<std::string, bool, std::less<>> conditions;
  const model::JsonValue* mappings = nullptr;                      // the Mappings section
  std::map<std::string, DeployedResource, std::less<>> resources;  // deployed so far
  // Resources the template declares but skipped by a false Condition: Ref to one is an error.
  std::set<std::string, std::less<>> skipped;
};

// The value with every intrinsic function applied. AWS::NoValue removes the member or element
// that holds it. Errors: "InvalidTemplate" naming the function and the path of the value.
Result<model::JsonValue> resolve(const model::JsonValue& value, const ResolveContext& context);

// The value of a condition expression (the Conditions section, or Fn::If's first argument).
Result<bool> evaluate_condition(const model::JsonValue& expression, const ResolveContext& context);

// The logical ids of resources `value` refers to by Ref, Fn::GetAtt or Fn::Sub.
std::set<std::string> dependencies(const model::JsonValue& value);

// The pseudo parameters of a stack in the local AWS's account.
std::map<std::string, model::JsonValue, std::less<>> pseudo_parameters(std::string_view region,
                                                                       std::string_view stack_name,
                                                                       std::string_view stack_id);

}  // namespace csv2ddb::local::deploy
