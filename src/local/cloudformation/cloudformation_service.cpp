#include "local/cloudformation/cloudformation_service.hpp"

#include "aws/crypto.hpp"
#include "aws/error_codes.hpp"
#include "aws/xml.hpp"
#include "local/cloudformation/cloudformation_xml.hpp"
#include "local/request_id.hpp"
#include "local/sts/sts_service.hpp"

namespace csv2ddb::local::cloudformation {
namespace {

// A template body may be 51,200 bytes, form-encoded up to three times that.
constexpr std::size_t kMaxBody = 1024 * 1024;

std::string param(const std::vector<aws::QueryParam>& params, std::string_view key) {
  for (const auto& p : params) {
    if (p.key == key) return p.value;
  }
  return "";
}

bool has_param(const std::vector<aws::QueryParam>& params, std::string_view key) {
  for (const auto& p : params) {
    if (p.key == key) return true;
  }
  return false;
}

// "Capabilities.member.1", "Capabilities.member.2"... in order.
std::vector<std::string> members(const std::vector<aws::QueryParam>& params,
                                 const std::string& list) {
  std::vector<std::string> out;
  for (int n = 1; has_param(params, list + ".member." + std::to_string(n)); ++n) {
    out.push_back(param(params, list + ".member." + std::to_string(n)));
  }
  return out;
}

std::vector<Parameter> parameters_of(const std::vector<aws::QueryParam>& params) {
  std::vector<Parameter> out;
  for (int n = 1;; ++n) {
    const std::string prefix = "Parameters.member." + std::to_string(n) + ".";
    if (!has_param(params, prefix + "ParameterKey")) break;
    out.push_back({param(params, prefix + "ParameterKey"), param(params, prefix + "ParameterValue"),
                   param(params, prefix + "UsePreviousValue") == "true"});
  }
  return out;
}

Error validation(const std::string& message) {
  return make_error("ValidationError", message);
}

Result<std::string> required(const std::vector<aws::QueryParam>& params, std::string_view key) {
  std::string value = param(params, key);
  if (value.empty()) {
    return validation("1 validation error detected: Value null at '" +
                      std::string(1, static_cast<char>(std::tolower(key[0]))) +
                      std::string(key.substr(1)) +
                      "' failed to satisfy constraint: Member must not be null");
  }
  return value;
}

}  // namespace

BodyPolicy CloudFormationService::body_policy(const HttpRequest&) {
  return BodyPolicy{.max_bytes = kMaxBody, .spool_to_file = false};
}

std::string CloudFormationService::payload_hash(const HttpRequest& request) {
  return aws::sha256_hex(request.body.memory);
}

HttpResponse CloudFormationService::error_response(const HttpRequest&, const Error& error) {
  // The query-protocol services name authentication failures alike (STS's table).
  const std::string code(aws::sts_auth_code(error.code));
  HttpResponse response;
  response.status = aws::sts_error_status(code);
  response.body = error_xml(code, error.message, new_uuid());
  response.add_header("Content-Type", "text/xml");
  return response;
}

std::vector<iam::Permission> CloudFormationService::permissions(const HttpRequest& request) {
  const auto params = sts::query_parameters(request);
  return {{"cloudformation:" + param(params, "Action"), "*"}};
}

HttpResponse CloudFormationService::handle(HttpRequest& request) {
  const auto params = sts::query_parameters(request);
  const std::string action = param(params, "Action");
  using Action = Result<std::string> (CloudFormationService::*)(const Params&);
  static constexpr std::pair<std::string_view, Action> kActions[] = {
      {"CreateChangeSet", &CloudFormationService::create_change_set},
      {"DescribeChangeSet", &CloudFormationService::describe_change_set},
      {"ExecuteChangeSet", &CloudFormationService::execute_change_set},
      {"DescribeStacks", &CloudFormationService::describe_stacks},
      {"DescribeStackEvents", &CloudFormationService::describe_stack_events},
      {"DescribeStackResources", &CloudFormationService::describe_stack_resources},
      {"ListStacks", &CloudFormationService::list_stacks},
      {"GetTemplateSummary", &CloudFormationService::get_template_summary},
      {"DeleteStack", &CloudFormationService::delete_stack},
  };
  Result<std::string> result =
      make_error("InvalidAction",
                 "Could not find operation " + action + " for version " + param(params, "Version"));
  for (const auto& [name, handler] : kActions) {
    if (name == action) result = (this->*handler)(params);
  }
  if (!result) return error_response(request, result.error());
  HttpResponse response;
  response.body = answer_xml(action, *result, new_uuid());
  response.add_header("Content-Type", "text/xml");
  return response;
}

Result<std::string> CloudFormationService::create_change_set(const Params& params) {
  ChangeSetRequest request;
  auto stack = required(params, "StackName");
  if (!stack) return stack.take_error();
  auto name = required(params, "ChangeSetName");
  if (!name) return name.take_error();
  request.stack_name = *stack;
  request.change_set_name = *name;
  request.type = param(params, "ChangeSetType");
  request.template_body = param(params, "TemplateBody");
  if (request.template_body.empty() && has_param(params, "TemplateURL")) {
    return validation(
        "csv2ddb local takes the template in TemplateBody (a template over 51,200 "
        "bytes, which needs TemplateURL, is not served)");
  }
  if (request.template_body.empty() && !has_param(params, "UsePreviousTemplate")) {
    return validation("Either Template URL or Template Body must be specified.");
  }
  if (param(params, "UsePreviousTemplate") == "true") {
    auto existing = stacks_.find(*stack);
    if (!existing) return existing.take_error();
    request.template_body = existing->template_body;
  }
  request.parameters = parameters_of(params);
  request.capabilities = members(params, "Capabilities");
  request.description = param(params, "Description");
  auto created = stacks_.create_change_set(request);
  if (!created) return created.take_error();
  return element("Id", created->id) + element("StackId", created->stack_id);
}

Result<std::string> CloudFormationService::describe_change_set(const Params& params) {
  auto name = required(params, "ChangeSetName");
  if (!name) return name.take_error();
  auto change_set = stacks_.describe_change_set(*name, param(params, "StackName"));
  if (!change_set) return change_set.take_error();
  return change_set_xml(*change_set);
}

Result<std::string> CloudFormationService::execute_change_set(const Params& params) {
  auto name = required(params, "ChangeSetName");
  if (!name) return name.take_error();
  if (Status started = stacks_.execute_change_set(*name, param(params, "StackName")); !started) {
    return started.take_error();
  }
  return std::string();
}

Result<std::string> CloudFormationService::describe_stacks(const Params& params) {
  auto stacks = stacks_.describe_stacks(param(params, "StackName"));
  if (!stacks) return stacks.take_error();
  std::string members_xml;
  for (const Stack& stack : *stacks) members_xml += "<member>" + stack_xml(stack) + "</member>";
  return "<Stacks>" + members_xml + "</Stacks>";
}

Result<std::string> CloudFormationService::describe_stack_events(const Params& params) {
  auto stack = required(params, "StackName");
  if (!stack) return stack.take_error();
  auto found = stacks_.find(*stack);
  if (!found) return found.take_error();
  return "<StackEvents>" + events_xml(*found) + "</StackEvents>";
}

Result<std::string> CloudFormationService::describe_stack_resources(const Params& params) {
  auto stack = required(params, "StackName");
  if (!stack) return stack.take_error();
  auto found = stacks_.find(*stack);
  if (!found) return found.take_error();
  return "<StackResources>" + resources_xml(*found) + "</StackResources>";
}

Result<std::string> CloudFormationService::list_stacks(const Params&) {
  auto stacks = stacks_.describe_stacks("");
  if (!stacks) return stacks.take_error();
  std::string members_xml;
  for (const Stack& stack : *stacks) {
    members_xml += "<member>" + stack_summary_xml(stack) + "</member>";
  }
  return "<StackSummaries>" + members_xml + "</StackSummaries>";
}

Result<std::string> CloudFormationService::get_template_summary(const Params& params) {
  std::string body = param(params, "TemplateBody");
  if (body.empty()) {
    auto stack = required(params, "StackName");
    if (!stack) return stack.take_error();
    auto found = stacks_.find(*stack);
    if (!found) return found.take_error();
    body = found->template_body;
  }
  return template_summary_xml(body);
}

Result<std::string> CloudFormationService::delete_stack(const Params& params) {
  auto stack = required(params, "StackName");
  if (!stack) return stack.take_error();
  if (Status deleted = stacks_.delete_stack(*stack); !deleted) return deleted.take_error();
  return std::string();
}

}  // namespace csv2ddb::local::cloudformation
