// Deploys a CloudFormation template into the local AWS as CloudFormation would create a stack:
// parameters checked, conditions evaluated, resources created in dependency order (Ref,
// Fn::GetAtt, Fn::Sub and DependsOn), each by the handler of its type (resource_handlers.hpp),
// custom resources invoked for real, and the outputs resolved. An unsupported resource type or
// function fails the plan before anything is created, with the resource's name. Two callers:
// `csv2ddb local --template FILE [--param K=V]` (deploy_stack) and the CloudFormation API
// (cloudformation/), which also deletes stacks (delete_stack_resources).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/result.hpp"
#include "local/deploy/resource_handlers.hpp"
#include "local/local_aws.hpp"

namespace csv2ddb::local::deploy {

// The code of a template's own faults (as opposed to a parameter's or a resource's).
inline constexpr std::string_view kInvalidTemplate = "InvalidTemplate";

// A resource the template declares (and its Condition keeps).
struct DeclaredResource {
  std::string logical_id;
  std::string type;
  const model::JsonValue* properties = nullptr;
  std::set<std::string> depends_on;  // resources only
  bool retain = false;               // DeletionPolicy: Retain
};

// A template checked against its parameters: what a change set shows before anything exists.
struct StackPlan {
  std::string stack_name;
  std::string stack_id;
  std::unique_ptr<model::JsonValue> document;  // owned here: the context points into it
  ResolveContext context;                      // parameters and conditions
  std::vector<DeclaredResource> resources;     // in creation order
  std::string description;                     // the template's Description
};

// Errors name the resource (or parameter) and say what went wrong, e.g.
// "ValidationError: Parameters: [S3BucketName] must have values".
Result<StackPlan> plan_stack(model::JsonValue document,
                             const std::vector<std::pair<std::string, std::string>>& parameters,
                             const std::string& stack_name, const std::string& stack_id,
                             const std::string& region);

// What CloudFormation records of a resource it created, and needs to delete it.
struct StackResource {
  std::string logical_id;
  std::string type;
  std::string physical_id;
  std::set<std::string> depends_on;
  bool retain = false;
  model::JsonValue properties;  // resolved: a custom resource's Delete event carries them
};

// One line of DescribeStackEvents: "CREATE_COMPLETE", "DELETE_FAILED" (with a reason)...
struct ResourceEvent {
  std::string logical_id;
  std::string type;
  std::string physical_id;
  std::string status;
  std::string reason;
};
using EventSink = std::function<void(const ResourceEvent&)>;

struct StackOutput {
  std::string key;
  std::string value;
  std::string description;
};

struct StackBuild {
  std::vector<StackResource> created;  // in creation order
  std::vector<StackOutput> outputs;    // in template order
  std::optional<Error> failure;        // the first resource that failed, by name; nothing after it
};

// Creates (or, on an existing stack, brings up to date) every resource of the plan in order.
StackBuild build_stack(ControlPlane& control, StackPlan& plan, const FunctionCode& code,
                       const EventSink& events);

// Deletes the resources, dependents first, as CloudFormation deletes a stack: DeletionPolicy
// Retain keeps a resource (DELETE_SKIPPED), a resource whose deletion fails stays (with the
// reason in its DELETE_FAILED event) and so do the resources it depends on. Returns the
// resources left, in creation order; empty when everything is gone.
std::vector<StackResource> delete_stack_resources(ControlPlane& control,
                                                  const std::string& stack_name,
                                                  const std::string& stack_id,
                                                  std::vector<StackResource> resources,
                                                  const EventSink& events);

// `csv2ddb local --template FILE`.
struct DeployOptions {
  std::string template_path;
  std::string stack_name = "csv2ddb";
  std::vector<std::pair<std::string, std::string>> parameters;  // --param KEY=VALUE
  FunctionCode code;
  // One line per resource as it is created ("CREATE_COMPLETE AWS::S3::Bucket ImportBucket").
  std::function<void(const std::string&)> progress;
};

struct StackOutputs {
  std::vector<std::pair<std::string, std::string>> outputs;  // in template order
};

Result<StackOutputs> deploy_stack(ControlPlane& control, const DeployOptions& options);

// "arn:aws:cloudformation:REGION:ACCOUNT:stack/NAME/UUID".
std::string new_stack_id(const std::string& region, const std::string& stack_name);

}  // namespace csv2ddb::local::deploy
