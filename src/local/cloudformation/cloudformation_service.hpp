// CloudFormation in the local AWS, over the query protocol (form bodies, XML answers), with
// the actions `aws cloudformation deploy`, `describe-stacks`, `describe-stack-events`,
// `delete-stack` and their waiters call: CreateChangeSet, DescribeChangeSet, ExecuteChangeSet,
// DeleteChangeSet, GetTemplateSummary, DescribeStacks, DescribeStackEvents,
// DescribeStackResources, ListStacks and DeleteStack. The stacks are deployed by the same
// deployer as `csv2ddb local --template` (stack_registry.hpp).
#pragma once

#include <vector>

#include "aws/sigv4.hpp"
#include "local/cloudformation/stack_registry.hpp"
#include "local/service.hpp"

namespace csv2ddb::local::cloudformation {

class CloudFormationService : public Service {
 public:
  explicit CloudFormationService(StackRegistry& stacks) : stacks_(stacks) {}

  std::string_view name() const override { return "cloudformation"; }
  aws::AuthDialect auth_dialect() const override { return aws::AuthDialect::kDynamoDb; }
  BodyPolicy body_policy(const HttpRequest& head) override;
  std::string payload_hash(const HttpRequest& request) override;
  HttpResponse error_response(const HttpRequest& request, const Error& error) override;
  std::vector<iam::Permission> permissions(const HttpRequest& request) override;
  HttpResponse handle(HttpRequest& request) override;

 private:
  using Params = std::vector<aws::QueryParam>;
  Result<std::string> create_change_set(const Params& params);
  Result<std::string> describe_change_set(const Params& params);
  Result<std::string> execute_change_set(const Params& params);
  Result<std::string> describe_stacks(const Params& params);
  Result<std::string> describe_stack_events(const Params& params);
  Result<std::string> describe_stack_resources(const Params& params);
  Result<std::string> list_stacks(const Params& params);
  Result<std::string> get_template_summary(const Params& params);
  Result<std::string> delete_stack(const Params& params);

  StackRegistry& stacks_;
};

}  // namespace csv2ddb::local::cloudformation
