// One function per resource type the local AWS can deploy, each given the resource's resolved
// Properties and answering what Ref and Fn::GetAtt will see. Grouped by family:
// storage_resources.cpp (S3 buckets and policies, DynamoDB tables), iam_resources.cpp (roles,
// policies), lambda_resources.cpp (functions, permissions, log groups), custom_resources.cpp
// (Custom::* and AWS::CloudFormation::CustomResource).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "aws/service_clients.hpp"
#include "common/result.hpp"
#include "local/deploy/intrinsics.hpp"
#include "local/local_aws.hpp"
#include "model/json.hpp"

namespace csv2ddb::local::deploy {

// Where the functions' code comes from on this machine (csv2ddb local --bootstrap, --lambda-zip).
// Or, for a stack deployed through the CloudFormation API, the zip each function's Code names
// in the local S3 ({S3Bucket, S3Key}, as `aws cloudformation package` writes it).
struct FunctionCode {
  std::string bootstrap;  // a native bootstrap executable
  std::string zip;        // or a packaged function.zip (deploy/package.sh): unpacked and run
  bool from_template = false;
};

struct DeployContext {
  ControlPlane& control;
  aws::ServiceClients& clients;  // signed with the account's own key
  std::string stack_name;
  std::string stack_id;
  FunctionCode code;
  std::string resource_type;  // of the resource being deployed ("Custom::S3BucketNotification")
  // AWS::IAM::ManagedPolicy resources of this stack, by ARN (a role may list them).
  std::map<std::string, iam::Policy, std::less<>> managed_policies;
};

using ResourceHandler = Result<DeployedResource> (*)(DeployContext& context,
                                                     const std::string& logical_id,
                                                     const model::JsonValue& properties);

// The handler for a resource type; nullptr when the type is not supported.
ResourceHandler handler_for(std::string_view type);

Result<DeployedResource> deploy_bucket(DeployContext&, const std::string&, const model::JsonValue&);
Result<DeployedResource> deploy_bucket_policy(DeployContext&, const std::string&,
                                              const model::JsonValue&);
Result<DeployedResource> deploy_table(DeployContext&, const std::string&, const model::JsonValue&);
Result<DeployedResource> deploy_role(DeployContext&, const std::string&, const model::JsonValue&);
Result<DeployedResource> deploy_policy(DeployContext&, const std::string&, const model::JsonValue&);
Result<DeployedResource> deploy_managed_policy(DeployContext&, const std::string&,
                                               const model::JsonValue&);
Result<DeployedResource> deploy_log_group(DeployContext&, const std::string&,
                                          const model::JsonValue&);
Result<DeployedResource> deploy_function(DeployContext&, const std::string&,
                                         const model::JsonValue&);
Result<DeployedResource> deploy_permission(DeployContext&, const std::string&,
                                           const model::JsonValue&);
Result<DeployedResource> deploy_event_invoke_config(DeployContext&, const std::string&,
                                                    const model::JsonValue&);
Result<DeployedResource> deploy_custom_resource(DeployContext&, const std::string&,
                                                const model::JsonValue&);
// A custom resource's "Create" or "Delete" (with its physical id) event, and its answer.
Result<DeployedResource> run_custom_resource(DeployContext& context, const std::string& logical_id,
                                             const model::JsonValue& properties,
                                             const std::string& request_type,
                                             const std::string& physical_id);

// Helpers the handlers share.
// S3 and DynamoDB clients of the local AWS signed with the account's own key.
Result<aws::ServiceClients> admin_clients(const ControlPlane& control);
// "<stack>-<logical id>-<12 characters>", as CloudFormation names what the template does not,
// but stable for the same stack and logical id (the data folder outlives a run), cut to
// `max_length`, lower-cased when `lower`.
std::string generated_name(const DeployContext& context, const std::string& logical_id,
                           std::size_t max_length, bool lower);
// A string property ("" when absent); numbers and booleans as their text.
std::string string_property(const model::JsonValue& properties, std::string_view name);
// Errors: "InvalidTemplate" naming the resource and the property.
Result<std::string> required_string(const model::JsonValue& properties, std::string_view name,
                                    const std::string& logical_id);

}  // namespace csv2ddb::local::deploy
