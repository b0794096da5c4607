// A stack's delete, as CloudFormation runs it: dependents first, DeletionPolicy Retain kept,
// a failure (S3's rule that a bucket must be empty) leaving the resource and what it depends on
// in place with the service's reason, in CloudFormation's words.
#include <algorithm>

#include "aws/error_codes.hpp"
#include "local/deploy/stack_deployer.hpp"
#include "local/request_id.hpp"

namespace csv2ddb::local::deploy {
namespace {

using model::JsonValue;

using Remover = Status (*)(DeployContext& context, const StackResource& resource);

// S3's request id in a client error's message ("... (HTTP 409, request id X)").
std::string request_id_in(const std::string& message) {
  const auto at = message.rfind("request id ");
  if (at == std::string::npos) return random_token(16, kAccessKeyAlphabet);
  const auto start = at + std::string_view("request id ").size();
  return message.substr(start, message.find(')', start) - start);
}

Status remove_bucket(DeployContext& context, const StackResource& resource) {
  Status deleted = context.clients.s3()->delete_bucket(resource.physical_id);
  if (deleted || aws::has_code(deleted.error(), aws::code::kNoSuchBucket)) return {};
  if (!aws::has_code(deleted.error(), aws::code::kBucketNotEmpty)) return deleted;
  // How CloudFormation quotes S3's refusal in the resource's DELETE_FAILED event.
  return make_error(deleted.error().code,
                    "The bucket you tried to delete is not empty (Service: Amazon S3; Status "
                    "Code: 409; Error Code: BucketNotEmpty; Request ID: " +
                        request_id_in(deleted.error().message) + "; Proxy: null)");
}

Status remove_table(DeployContext& context, const StackResource& resource) {
  JsonValue request = JsonValue::object();
  request.set("TableName", JsonValue::string(resource.physical_id));
  auto deleted = context.control.dynamodb_call("DeleteTable", model::to_json(request));
  if (deleted || aws::has_code(deleted.error(), aws::code::kResourceNotFoundException)) return {};
  return deleted.take_error();
}

Status remove_function(DeployContext& context, const StackResource& resource) {
  Status removed = context.control.lambda.remove_function(resource.physical_id);
  if (removed || aws::has_code(removed.error(), aws::code::kResourceNotFoundException)) return {};
  return removed;
}

Status remove_role(DeployContext& context, const StackResource& resource) {
  context.control.identities.remove_role(resource.physical_id);
  return {};
}

Status remove_custom_resource(DeployContext& context, const StackResource& resource) {
  context.resource_type = resource.type;
  auto answered = run_custom_resource(context, resource.logical_id, resource.properties, "Delete",
                                      resource.physical_id);
  if (!answered) return answered.take_error();
  return {};
}

// Gone with what they belong to: a function's permissions, invoke configuration and log group,
// a role's policies, a bucket's policy (recorded, never enforced).
Status nothing_to_remove(DeployContext&, const StackResource&) {
  return {};
}

Remover remover_for(std::string_view type) {
  if (type == "AWS::S3::Bucket") return &remove_bucket;
  if (type == "AWS::DynamoDB::Table") return &remove_table;
  if (type == "AWS::Lambda::Function") return &remove_function;
  if (type == "AWS::IAM::Role") return &remove_role;
  if (type == "AWS::CloudFormation::CustomResource" || type.starts_with("Custom::")) {
    return &remove_custom_resource;
  }
  return &nothing_to_remove;
}

// True when a resource still left depends on `logical_id`.
bool needed_by_others(const std::vector<StackResource>& left, const std::string& logical_id) {
  return std::any_of(left.begin(), left.end(), [&logical_id](const StackResource& other) {
    return other.depends_on.count(logical_id) > 0;
  });
}

}  // namespace

std::vector<StackResource> delete_stack_resources(ControlPlane& control,
                                                  const std::string& stack_name,
                                                  const std::string& stack_id,
                                                  std::vector<StackResource> resources,
                                                  const EventSink& events) {
  auto clients = admin_clients(control);
  if (!clients) {
    for (const StackResource& resource : resources) {
      events({resource.logical_id, resource.type, resource.physical_id, "DELETE_FAILED",
              clients.error().message});
    }
    return resources;
  }
  DeployContext context{control, *clients, stack_name, stack_id, {}, "", {}};
  std::vector<StackResource> left = resources;
  for (auto it = resources.rbegin(); it != resources.rend(); ++it) {
    const StackResource& resource = *it;
    auto self = std::find_if(left.begin(), left.end(), [&resource](const StackResource& r) {
      return r.logical_id == resource.logical_id;
    });
    if (needed_by_others(left, resource.logical_id)) continue;  // a dependent failed to go
    if (resource.retain) {
      events({resource.logical_id, resource.type, resource.physical_id, "DELETE_SKIPPED", ""});
      left.erase(self);
      continue;
    }
    events({resource.logical_id, resource.type, resource.physical_id, "DELETE_IN_PROGRESS", ""});
    Status removed = remover_for(resource.type)(context, resource);
    if (!removed) {
      events({resource.logical_id, resource.type, resource.physical_id, "DELETE_FAILED",
              removed.error().message});
      continue;
    }
    events({resource.logical_id, resource.type, resource.physical_id, "DELETE_COMPLETE", ""});
    left.erase(self);
  }
  return left;
}

}  // namespace csv2ddb::local::deploy
