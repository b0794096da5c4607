// `csv2ddb local --template FILE [--param K=V]`: deploys a CloudFormation template into the
// local AWS as CloudFormation would create a stack: parameters checked, conditions evaluated,
// resources created in dependency order (Ref, Fn::GetAtt, Fn::Sub and DependsOn), each by the
// handler of its type (resource_handlers.hpp), custom resources invoked for real, and the
// outputs resolved. An unsupported resource type or function fails the deploy before anything
// is created, with the resource's name.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "common/result.hpp"
#include "local/deploy/resource_handlers.hpp"
#include "local/local_aws.hpp"

namespace csv2ddb::local::deploy {

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

// Errors name the resource (or parameter) and say what went wrong, e.g.
// "ValidationError: Parameters: [S3BucketName] must have values".
Result<StackOutputs> deploy_stack(ControlPlane& control, const DeployOptions& options);

}  // namespace csv2ddb::local::deploy
