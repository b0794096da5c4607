#include "local/deploy/resource_handlers.hpp"

#include <array>
#include <cctype>
#include <utility>

#include "aws/crypto.hpp"
#include "aws/environment.hpp"

namespace csv2ddb::local::deploy {
namespace {

constexpr std::array<std::pair<std::string_view, ResourceHandler>, 13> kHandlers{{
    {"AWS::S3::Bucket", &deploy_bucket},
    {"AWS::S3::BucketPolicy", &deploy_bucket_policy},
    {"AWS::DynamoDB::Table", &deploy_table},
    {"AWS::IAM::Role", &deploy_role},
    {"AWS::IAM::Policy", &deploy_policy},
    {"AWS::IAM::ManagedPolicy", &deploy_managed_policy},
    {"AWS::Logs::LogGroup", &deploy_log_group},
    {"AWS::Lambda::Function", &deploy_function},
    {"AWS::Lambda::Permission", &deploy_permission},
    {"AWS::Lambda::EventInvokeConfig", &deploy_event_invoke_config},
    {"AWS::CloudFormation::CustomResource", &deploy_custom_resource},
    {"Custom::", &deploy_custom_resource},  // every Custom::Name
    {"", nullptr},
}};

}  // namespace

ResourceHandler handler_for(std::string_view type) {
  for (const auto& [name, handler] : kHandlers) {
    if (name.empty()) break;
    if (name == type || (name == "Custom::" && type.starts_with(name) && type.size() > 8)) {
      return handler;
    }
  }
  return nullptr;
}

Result<aws::ServiceClients> admin_clients(const ControlPlane& control) {
  aws::Environment env =
      aws::Environment::from_map({{"AWS_ACCESS_KEY_ID", control.admin.access_key_id},
                                  {"AWS_SECRET_ACCESS_KEY", control.admin.secret_access_key},
                                  {"AWS_REGION", control.region},
                                  {"AWS_ENDPOINT_URL", control.endpoint_url},
                                  {"AWS_EC2_METADATA_DISABLED", "true"}});
  return aws::ServiceClients::create(env, aws::ServiceClientsOptions{});
}

std::string generated_name(const DeployContext& context, const std::string& logical_id,
                           std::size_t max_length, bool lower) {
  const std::string digest = aws::sha256_hex(context.stack_name + "/" + logical_id);
  std::string suffix;
  for (char c : digest.substr(0, 12)) {
    suffix.push_back(lower ? c : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  std::string prefix = context.stack_name + "-" + logical_id;
  if (prefix.size() + 1 + suffix.size() > max_length) {
    prefix.resize(max_length - 1 - suffix.size());
  }
  std::string name = prefix + "-" + suffix;
  if (lower) {
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return name;
}

std::string string_property(const model::JsonValue& properties, std::string_view name) {
  const model::JsonValue* value = properties.find(name);
  if (value == nullptr) return "";
  if (value->is_bool()) return value->as_bool() ? "true" : "false";
  if (value->is_string() || value->is_number()) return value->as_string();
  return "";
}

Result<std::string> required_string(const model::JsonValue& properties, std::string_view name,
                                    const std::string& logical_id) {
  std::string value = string_property(properties, name);
  if (value.empty()) {
    return make_error("InvalidTemplate",
                      logical_id + ": the property " + std::string(name) + " is required");
  }
  return value;
}

}  // namespace csv2ddb::local::deploy
