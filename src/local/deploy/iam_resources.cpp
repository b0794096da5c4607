// AWS::IAM::Role, AWS::IAM::Policy and AWS::IAM::ManagedPolicy: roles and their identity
// policies go to the IdentityStore, which checks every call a function makes with its role's
// session credentials. Policies are parsed here, so a malformed one fails the deploy with the
// policy's name, as IAM would.
#include "aws/crypto.hpp"
#include "local/deploy/resource_handlers.hpp"

namespace csv2ddb::local::deploy {
namespace {

using model::JsonValue;

// The AWS managed policies a Lambda template is likely to name, with their statements.
Result<iam::Policy> aws_managed_policy(const std::string& arn) {
  if (arn == "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole") {
    auto document = model::parse_json(
        R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[
        "logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]})");
    return iam::parse_policy("AWSLambdaBasicExecutionRole", *document);
  }
  return make_error("InvalidTemplate", "the managed policy " + arn +
                                           " is not known to csv2ddb local: write its "
                                           "statements in the template instead");
}

Result<iam::Policy> parse_named(const JsonValue& properties, const std::string& name_field,
                                const std::string& fallback_name) {
  std::string name = string_property(properties, name_field);
  if (name.empty()) name = fallback_name;
  const JsonValue* document = properties.find("PolicyDocument");
  if (document == nullptr) {
    return make_error("InvalidTemplate", name + ": the property PolicyDocument is required");
  }
  return iam::parse_policy(name, *document);
}

// A stable, AWS-shaped unique id ("AROA..." for roles, "ANPA..." for managed policies).
std::string unique_id(std::string_view prefix, const std::string& seed) {
  const std::string digest = aws::sha256_hex(seed);
  std::string id(prefix);
  for (std::size_t i = 0; id.size() < 21; ++i) {
    id.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(digest[i]))));
  }
  return id;
}

Status attach_to_roles(DeployContext& context, const std::string& logical_id,
                       const JsonValue& properties, const iam::Policy& policy) {
  const JsonValue* roles = properties.find("Roles");
  if (roles == nullptr) return {};
  if (!roles->is_array()) {
    return make_error("InvalidTemplate", logical_id + ": Roles must be a list of role names");
  }
  for (const JsonValue& role : roles->as_array()) {
    if (!role.is_string()) {
      return make_error("InvalidTemplate", logical_id + ": Roles must be a list of role names");
    }
    if (Status attached = context.control.identities.attach_policy(role.as_string(), policy);
        !attached) {
      return make_error(attached.error().code, logical_id + ": " + attached.error().message);
    }
  }
  for (const char* unsupported : {"Users", "Groups"}) {
    if (const JsonValue* value = properties.find(unsupported);
        value != nullptr && value->is_array() && !value->as_array().empty()) {
      return make_error("InvalidTemplate", logical_id + ": csv2ddb local has roles only, no IAM " +
                                               std::string(unsupported));
    }
  }
  return {};
}

}  // namespace

Result<DeployedResource> deploy_role(DeployContext& context, const std::string& logical_id,
                                     const JsonValue& properties) {
  if (properties.find("AssumeRolePolicyDocument") == nullptr) {
    return make_error("InvalidTemplate",
                      logical_id + ": the property AssumeRolePolicyDocument is required");
  }
  std::string name = string_property(properties, "RoleName");
  if (name.empty()) name = generated_name(context, logical_id, 64, false);
  std::string path = string_property(properties, "Path");
  if (path.empty()) path = "/";
  iam::Role role;
  role.name = name;
  role.arn = "arn:aws:iam::" + std::string(iam::kAccountId) + ":role" + path + name;
  if (const JsonValue* inline_policies = properties.find("Policies")) {
    for (const JsonValue& entry : inline_policies->as_array()) {
      auto policy = parse_named(entry, "PolicyName", logical_id);
      if (!policy)
        return make_error(policy.error().code, logical_id + ": " + policy.error().message);
      role.policies.push_back(std::move(*policy));
    }
  }
  if (const JsonValue* managed = properties.find("ManagedPolicyArns")) {
    for (const JsonValue& arn : managed->as_array()) {
      const std::string text = arn.is_string() ? arn.as_string() : "";
      if (auto own = context.managed_policies.find(text); own != context.managed_policies.end()) {
        role.policies.push_back(own->second);
        continue;
      }
      auto policy = aws_managed_policy(text);
      if (!policy)
        return make_error(policy.error().code, logical_id + ": " + policy.error().message);
      role.policies.push_back(std::move(*policy));
    }
  }
  DeployedResource out;
  out.type = "AWS::IAM::Role";
  out.physical_id = name;
  out.attributes["Arn"] = JsonValue::string(role.arn);
  out.attributes["RoleId"] = JsonValue::string(unique_id("AROA", role.arn));
  context.control.identities.put_role(std::move(role));
  return out;
}

Result<DeployedResource> deploy_policy(DeployContext& context, const std::string& logical_id,
                                       const JsonValue& properties) {
  auto policy = parse_named(properties, "PolicyName", logical_id);
  if (!policy) return make_error(policy.error().code, logical_id + ": " + policy.error().message);
  if (Status attached = attach_to_roles(context, logical_id, properties, *policy); !attached) {
    return attached.take_error();
  }
  DeployedResource out;
  out.type = "AWS::IAM::Policy";
  out.physical_id = generated_name(context, logical_id, 128, false);
  return out;
}

Result<DeployedResource> deploy_managed_policy(DeployContext& context,
                                               const std::string& logical_id,
                                               const JsonValue& properties) {
  std::string name = string_property(properties, "ManagedPolicyName");
  if (name.empty()) name = generated_name(context, logical_id, 128, false);
  auto policy = parse_named(properties, "ManagedPolicyName", name);
  if (!policy) return make_error(policy.error().code, logical_id + ": " + policy.error().message);
  std::string path = string_property(properties, "Path");
  if (path.empty()) path = "/";
  const std::string arn = "arn:aws:iam::" + std::string(iam::kAccountId) + ":policy" + path + name;
  if (Status attached = attach_to_roles(context, logical_id, properties, *policy); !attached) {
    return attached.take_error();
  }
  context.managed_policies[arn] = *policy;
  DeployedResource out;
  out.type = "AWS::IAM::ManagedPolicy";
  out.physical_id = arn;  // Ref of a managed policy is its ARN
  out.attributes["PolicyArn"] = JsonValue::string(arn);
  out.attributes["PolicyId"] = JsonValue::string(unique_id("ANPA", arn));
  return out;
}

}  // namespace csv2ddb::local::deploy
