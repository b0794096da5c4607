// AWS::Lambda::Function, AWS::Lambda::Permission, AWS::Lambda::EventInvokeConfig and
// AWS::Logs::LogGroup. A function runs the bootstrap this machine has (FunctionCode), whatever
// its Code property says (through the CloudFormation API: the zip its Code names), with session
// credentials of its execution role that the local AWS issues and then holds every call to
// the role's policies.
#include <filesystem>
#include <fstream>
#include <set>

#include "aws/error_codes.hpp"
#include "local/deploy/function_package.hpp"
#include "local/deploy/resource_handlers.hpp"
#include "local/request_id.hpp"

namespace csv2ddb::local::deploy {
namespace {

using model::JsonValue;

// Lambda refuses to let a function set these; so do we, with its message.
const std::set<std::string, std::less<>> kReservedVariables = {
    "_HANDLER",
    "_X_AMZN_TRACE_ID",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
    "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE",
    "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API",
    "LAMBDA_TASK_ROOT",
    "LAMBDA_RUNTIME_DIR",
};

Result<int> int_property(const JsonValue& properties, std::string_view name, int fallback, int min,
                         int max, const std::string& logical_id) {
  const std::string text = string_property(properties, name);
  if (text.empty()) return fallback;
  try {
    const int value = std::stoi(text);
    if (value >= min && value <= max) return value;
  } catch (const std::exception&) {
  }
  return make_error("InvalidTemplate", logical_id + ": " + std::string(name) + " must be from " +
                                           std::to_string(min) + " to " + std::to_string(max) +
                                           ", not " + text);
}

// Session credentials for the function's role, shaped like STS's.
aws::Credentials issue_session(DeployContext& context, const iam::Role& role,
                               const std::string& function_name) {
  aws::Credentials credentials;
  credentials.access_key_id = "ASIA" + random_token(16, kAccessKeyAlphabet);
  credentials.secret_access_key = random_token(40, kSecretAlphabet);
  credentials.session_token = random_token(356, kSecretAlphabet);
  context.control.authenticator.add_key(credentials);
  (void)context.control.identities.bind_session(credentials.access_key_id, role.name,
                                                function_name);
  return credentials;
}

// The machine's bootstrap or zip; for a stack deployed through the CloudFormation API, the zip
// its Code names in the local S3, fetched into the data folder.
Result<FunctionCode> function_code(DeployContext& context, const JsonValue& properties,
                                   const std::string& function_name,
                                   const std::string& logical_id) {
  if (!context.code.from_template) return context.code;
  const JsonValue* code = properties.find("Code");
  const std::string bucket = code ? string_property(*code, "S3Bucket") : "";
  const std::string key = code ? string_property(*code, "S3Key") : "";
  if (bucket.empty() || key.empty()) {
    return make_error("InvalidTemplate",
                      logical_id +
                          ": csv2ddb local runs a function from a zip in its S3 (Code with "
                          "S3Bucket and S3Key, as `aws cloudformation package` writes it), not "
                          "from inline code or an image");
  }
  const std::filesystem::path folder =
      std::filesystem::path(context.control.data_dir) / "lambda" / "packages";
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  const std::string zip = (folder / (function_name + ".zip")).string();
  std::ofstream out(zip, std::ios::binary | std::ios::trunc);
  aws::GetObjectOptions options;
  options.reset_sink = [&out, &zip] {  // a retried GET starts the bytes over
    out.close();
    out.open(zip, std::ios::binary | std::ios::trunc);
    return static_cast<bool>(out);
  };
  auto got = context.clients.s3()->get_object(bucket, key, options, [&out](std::string_view chunk) {
    out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    return out ? Status{} : make_error("InvalidCode", "cannot write the function's package");
  });
  out.close();
  if (!got) {
    return make_error("InvalidParameterValueException",
                      logical_id + ": Error occurred while GetObject. S3 Error Code: " +
                          got.error().code + ". S3 Error Message: " + got.error().message);
  }
  FunctionCode fetched;
  fetched.zip = zip;
  return fetched;
}

}  // namespace

Result<DeployedResource> deploy_function(DeployContext& context, const std::string& logical_id,
                                         const JsonValue& properties) {
  lambda::FunctionConfig config;
  config.name = string_property(properties, "FunctionName");
  if (config.name.empty()) config.name = generated_name(context, logical_id, 64, false);
  config.arn = "arn:aws:lambda:" + context.control.region + ":" + std::string(iam::kAccountId) +
               ":function:" + config.name;
  config.runtime = string_property(properties, "Runtime");
  if (config.runtime != "provided.al2023" && config.runtime != "provided.al2" &&
      config.runtime != "provided") {
    return make_error("InvalidTemplate",
                      logical_id + ": Runtime " + config.runtime +
                          ": csv2ddb local runs custom runtimes (provided.al2023, provided.al2) "
                          "with this project's bootstrap only");
  }
  auto handler = required_string(properties, "Handler", logical_id);
  if (!handler) return handler.take_error();
  config.handler = *handler;
  auto role_arn = required_string(properties, "Role", logical_id);
  if (!role_arn) return role_arn.take_error();
  const std::optional<iam::Role> role = context.control.identities.role_by_arn(*role_arn);
  if (!role) {
    return make_error("InvalidParameterValueException",
                      logical_id +
                          ": The role defined for the function cannot be assumed by "
                          "Lambda (" +
                          *role_arn + " is not a role of this stack)");
  }
  config.role_arn = *role_arn;
  config.description = string_property(properties, "Description");
  auto memory = int_property(properties, "MemorySize", 128, 128, 10240, logical_id);
  if (!memory) return memory.take_error();
  config.memory_mb = *memory;
  auto timeout = int_property(properties, "Timeout", 3, 1, 900, logical_id);
  if (!timeout) return timeout.take_error();
  config.timeout_seconds = *timeout;
  if (properties.find("ReservedConcurrentExecutions") != nullptr) {
    auto reserved =
        int_property(properties, "ReservedConcurrentExecutions", 0, 0, 1000, logical_id);
    if (!reserved) return reserved.take_error();
    config.reserved_concurrency = *reserved;
  }
  if (const JsonValue* architectures = properties.find("Architectures");
      architectures && architectures->is_array() && !architectures->as_array().empty()) {
    config.architecture = architectures->as_array().front().as_string();
  }
  const JsonValue* environment = properties.find("Environment");
  const JsonValue* variables = environment ? environment->find("Variables") : nullptr;
  if (variables != nullptr && variables->is_object()) {
    std::string reserved;
    for (const auto& [name, value] : variables->as_object()) {
      if (kReservedVariables.count(name) > 0) reserved += (reserved.empty() ? "" : ", ") + name;
      config.variables.emplace_back(name, value.is_bool()
                                              ? std::string(value.as_bool() ? "true" : "false")
                                              : value.as_string());
    }
    if (!reserved.empty()) {
      return make_error("InvalidParameterValueException",
                        logical_id +
                            ": Lambda was unable to configure your environment "
                            "variables because the environment variables you have "
                            "provided contains reserved keys that are currently not "
                            "supported for modification. Reserved keys used in this "
                            "request: " +
                            reserved);
    }
  }
  const JsonValue* logging = properties.find("LoggingConfig");
  config.log_group = logging ? string_property(*logging, "LogGroup") : "";
  if (config.log_group.empty()) config.log_group = "/aws/lambda/" + config.name;

  auto code = function_code(context, properties, config.name, logical_id);
  if (!code) return code.take_error();
  auto package =
      prepare_function_code(*code, context.control.data_dir, config.name, config.architecture);
  if (!package)
    return make_error(package.error().code, logical_id + ": " + package.error().message);
  config.command = package->command;
  config.host_environment = package->environment;
  config.task_root = package->task_root;
  config.code_size = package->code_size;
  config.credentials = issue_session(context, *role, config.name);
  const std::string arn = config.arn;
  const std::string name = config.name;
  if (Status added = context.control.lambda.add_function(std::move(config)); !added) {
    return make_error(added.error().code, logical_id + ": " + added.error().message);
  }
  DeployedResource out;
  out.type = "AWS::Lambda::Function";
  out.physical_id = name;
  out.attributes["Arn"] = JsonValue::string(arn);
  return out;
}

Result<DeployedResource> deploy_permission(DeployContext& context, const std::string& logical_id,
                                           const JsonValue& properties) {
  auto function = required_string(properties, "FunctionName", logical_id);
  if (!function) return function.take_error();
  auto action = required_string(properties, "Action", logical_id);
  if (!action) return action.take_error();
  auto principal = required_string(properties, "Principal", logical_id);
  if (!principal) return principal.take_error();
  lambda::InvokePermission permission;
  permission.sid = generated_name(context, logical_id, 100, false);
  permission.action = *action;
  permission.principal = *principal;
  permission.source_arn = string_property(properties, "SourceArn");
  permission.source_account = string_property(properties, "SourceAccount");
  // A stack's update deploys the same statement again: kept.
  if (Status added = context.control.lambda.add_permission(*function, permission);
      !added && !aws::has_code(added.error(), aws::code::kResourceConflictException)) {
    return make_error(added.error().code, logical_id + ": " + added.error().message);
  }
  DeployedResource out;
  out.type = "AWS::Lambda::Permission";
  out.physical_id = permission.sid;
  return out;
}

// AWS::Lambda::EventInvokeConfig: retries of failed asynchronous invocations and an S3
// on-failure destination (the local Lambda delivers to S3 buckets only; another destination
// type is a clear error).
Result<DeployedResource> deploy_event_invoke_config(DeployContext& context,
                                                    const std::string& logical_id,
                                                    const JsonValue& properties) {
  auto function = required_string(properties, "FunctionName", logical_id);
  if (!function) return function.take_error();
  auto retries = int_property(properties, "MaximumRetryAttempts", 2, 0, 2, logical_id);
  if (!retries) return retries.take_error();
  std::string destination;
  if (const JsonValue* config = properties.find("DestinationConfig")) {
    if (const JsonValue* on_failure = config->find("OnFailure")) {
      destination = string_property(*on_failure, "Destination");
    }
    if (config->find("OnSuccess") != nullptr) {
      return make_error("InvalidTemplate", logical_id +
                                               ": csv2ddb local serves on-failure destinations "
                                               "only (an S3 bucket)");
    }
  }
  if (!destination.empty() && !destination.starts_with("arn:aws:s3:::")) {
    return make_error("InvalidTemplate", logical_id + ": the on-failure destination " +
                                             destination +
                                             " is not an S3 bucket; csv2ddb local delivers "
                                             "failure records to S3 only");
  }
  if (Status set = context.control.lambda.set_event_invoke_config(*function, *retries, destination);
      !set) {
    return make_error(set.error().code, logical_id + ": " + set.error().message);
  }
  DeployedResource out;
  out.type = "AWS::Lambda::EventInvokeConfig";
  out.physical_id = *function + ":$LATEST";
  return out;
}

Result<DeployedResource> deploy_log_group(DeployContext& context, const std::string& logical_id,
                                          const JsonValue& properties) {
  std::string name = string_property(properties, "LogGroupName");
  if (name.empty()) name = generated_name(context, logical_id, 512, false);
  DeployedResource out;
  out.type = "AWS::Logs::LogGroup";
  out.physical_id = name;
  out.attributes["Arn"] =
      JsonValue::string("arn:aws:logs:" + context.control.region + ":" +
                        std::string(iam::kAccountId) + ":log-group:" + name + ":*");
  return out;
}

}  // namespace csv2ddb::local::deploy
