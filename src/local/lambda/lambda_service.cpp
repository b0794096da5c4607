#include "local/lambda/lambda_service.hpp"

#include <iostream>

#include "aws/crypto.hpp"
#include "aws/error_codes.hpp"
#include "aws/lambda_wire.hpp"
#include "aws/sigv4.hpp"
#include "local/iam/identity_store.hpp"
#include "local/lambda/failure_destination.hpp"
#include "local/request_id.hpp"
#include "model/dynamodb_json.hpp"
#include "model/json.hpp"

namespace csv2ddb::local::lambda {
namespace {

using aws::kLambdaFunctionsPath;
constexpr std::size_t kMaxSyncPayload = 6 * 1024 * 1024;  // 6 MB
constexpr std::size_t kMaxAsyncPayload = 1024 * 1024;     // 1 MB

Error not_found(std::string_view name_or_arn) {
  const std::string arn = std::string(name_or_arn).rfind("arn:", 0) == 0
                              ? std::string(name_or_arn)
                              : "arn:aws:lambda:us-east-1:" + std::string(iam::kAccountId) +
                                    ":function:" + std::string(name_or_arn);
  return make_error("ResourceNotFoundException", "Function not found: " + arn);
}

// The path after /2015-03-31/functions: "" (list), "{name}", "{name}/invocations", ...
struct FunctionPath {
  std::string function;
  std::string resource;  // "", "invocations", "configuration", "policy"
};

FunctionPath parse_function_path(std::string_view path) {
  path.remove_prefix(kLambdaFunctionsPath.size());
  if (path.starts_with('/')) path.remove_prefix(1);
  FunctionPath out;
  const auto slash = path.find('/');
  out.function = aws::percent_decode(path.substr(0, slash));
  if (slash != std::string_view::npos) out.resource = std::string(path.substr(slash + 1));
  return out;
}

std::string configuration_json(const FunctionConfig& config) {
  model::JsonValue json = model::JsonValue::object();
  json.set("FunctionName", model::JsonValue::string(config.name));
  json.set("FunctionArn", model::JsonValue::string(config.arn));
  json.set("Runtime", model::JsonValue::string(config.runtime));
  json.set("Role", model::JsonValue::string(config.role_arn));
  json.set("Handler", model::JsonValue::string(config.handler));
  json.set("CodeSize", model::JsonValue::number_text(std::to_string(config.code_size)));
  json.set("Description", model::JsonValue::string(config.description));
  json.set("Timeout", model::JsonValue::number_text(std::to_string(config.timeout_seconds)));
  json.set("MemorySize", model::JsonValue::number_text(std::to_string(config.memory_mb)));
  json.set("Version", model::JsonValue::string("$LATEST"));
  model::JsonValue variables = model::JsonValue::object();
  for (const auto& [name, value] : config.variables) {
    variables.set(name, model::JsonValue::string(value));
  }
  model::JsonValue environment = model::JsonValue::object();
  environment.set("Variables", std::move(variables));
  json.set("Environment", std::move(environment));
  model::JsonValue architectures = model::JsonValue::array();
  architectures.push(model::JsonValue::string(config.architecture));
  json.set("Architectures", std::move(architectures));
  json.set("State", model::JsonValue::string("Active"));
  json.set("LastUpdateStatus", model::JsonValue::string("Successful"));
  json.set("PackageType", model::JsonValue::string("Zip"));
  model::JsonValue logging = model::JsonValue::object();
  logging.set("LogFormat", model::JsonValue::string("Text"));
  logging.set("LogGroup", model::JsonValue::string(config.log_group));
  json.set("LoggingConfig", std::move(logging));
  return model::to_json(json);
}

std::string policy_json(const FunctionConfig& config,
                        const std::vector<InvokePermission>& permissions) {
  model::JsonValue statements = model::JsonValue::array();
  for (const InvokePermission& permission : permissions) {
    model::JsonValue statement = model::JsonValue::object();
    statement.set("Sid", model::JsonValue::string(permission.sid));
    statement.set("Effect", model::JsonValue::string("Allow"));
    model::JsonValue principal = model::JsonValue::object();
    const bool service = permission.principal.find('.') != std::string::npos;
    principal.set(service ? "Service" : "AWS", model::JsonValue::string(permission.principal));
    statement.set("Principal", std::move(principal));
    statement.set("Action", model::JsonValue::string(permission.action));
    statement.set("Resource", model::JsonValue::string(config.arn));
    model::JsonValue condition = model::JsonValue::object();
    if (!permission.source_arn.empty()) {
      model::JsonValue like = model::JsonValue::object();
      like.set("AWS:SourceArn", model::JsonValue::string(permission.source_arn));
      condition.set("ArnLike", std::move(like));
    }
    if (!permission.source_account.empty()) {
      model::JsonValue equals = model::JsonValue::object();
      equals.set("AWS:SourceAccount", model::JsonValue::string(permission.source_account));
      condition.set("StringEquals", std::move(equals));
    }
    if (!condition.as_object().empty()) statement.set("Condition", std::move(condition));
    statements.push(std::move(statement));
  }
  model::JsonValue policy = model::JsonValue::object();
  policy.set("Version", model::JsonValue::string("2012-10-17"));
  policy.set("Id", model::JsonValue::string("default"));
  policy.set("Statement", std::move(statements));
  model::JsonValue answer = model::JsonValue::object();
  answer.set("Policy", model::JsonValue::string(model::to_json(policy)));
  answer.set("RevisionId", model::JsonValue::string(new_uuid()));
  return model::to_json(answer);
}

HttpResponse json_response(int status, std::string body) {
  HttpResponse response = json_body_response(status, std::move(body));
  response.add_header("x-amzn-RequestId", new_uuid());
  return response;
}

}  // namespace

std::string function_name_of(std::string_view name_or_arn) {
  // arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER] or ACCOUNT:function:NAME[:Q].
  constexpr std::string_view kMarker = ":function:";
  const auto marker = name_or_arn.find(kMarker);
  if (marker == std::string_view::npos) return std::string(name_or_arn);
  std::string_view name = name_or_arn.substr(marker + kMarker.size());
  return std::string(name.substr(0, name.find(':')));
}

LambdaService::LambdaService(ExecutorSettings settings) : settings_(std::move(settings)) {
  settings_.deliver_failure = [this](const FunctionConfig& function, const std::string& key,
                                     const std::string& record) {
    std::string endpoint, region;
    {
      std::lock_guard lock(mutex_);
      endpoint = settings_.endpoint_url;
      region = settings_.region;
    }
    return put_failure_record(endpoint, region, function, key, record);
  };
}

LambdaService::~LambdaService() {
  shutdown();
}

void LambdaService::set_endpoint_url(std::string url) {
  std::lock_guard lock(mutex_);
  settings_.endpoint_url = std::move(url);
}

Status LambdaService::add_function(FunctionConfig config) {
  if (config.name.empty() || config.command.empty()) {
    return make_error("InvalidParameterValueException",
                      "a function needs a name and a bootstrap to run");
  }
  const std::string name = config.name;
  // A replaced function stops first, so that its queued events (kept on disk) go to the new
  // one once, not to both.
  std::unique_ptr<FunctionExecutor> replaced;
  {
    std::lock_guard lock(mutex_);
    if (auto found = functions_.find(name); found != functions_.end()) {
      replaced = std::move(found->second->executor);
    }
  }
  if (replaced) replaced->shutdown();
  std::lock_guard lock(mutex_);
  auto function = std::make_unique<Function>();
  function->executor = std::make_unique<FunctionExecutor>(std::move(config), settings_);
  auto found = functions_.find(name);
  if (found != functions_.end()) {
    function->permissions = std::move(found->second->permissions);
    found->second = std::move(function);
  } else {
    functions_.emplace(name, std::move(function));
  }
  return {};
}

std::string LambdaService::configurations_json() const {
  std::string out = "[";
  std::lock_guard lock(mutex_);
  for (const auto& [name, function] : functions_) {
    if (out.size() > 1) out += ",";
    out += configuration_json(function->executor->config());
  }
  return out + "]";
}

Status LambdaService::remove_function(std::string_view name_or_arn) {
  std::unique_ptr<Function> removed;
  {
    std::lock_guard lock(mutex_);
    auto found = functions_.find(function_name_of(name_or_arn));
    if (found == functions_.end()) return not_found(std::string(name_or_arn));
    removed = std::move(found->second);
    functions_.erase(found);
  }
  removed->executor->shutdown();
  std::lock_guard lock(mutex_);
  removed_.push_back(std::move(removed));
  return {};
}

Status LambdaService::set_event_invoke_config(std::string_view function, int maximum_retry_attempts,
                                              std::string on_failure_destination) {
  std::lock_guard lock(mutex_);
  Function* found = find_locked(function);
  if (found == nullptr) return not_found(function);
  found->executor->set_event_invoke_config(maximum_retry_attempts,
                                           std::move(on_failure_destination));
  return {};
}

void LambdaService::resume_queued_events() {
  std::vector<FunctionExecutor*> executors;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [name, function] : functions_) executors.push_back(function->executor.get());
  }
  for (FunctionExecutor* executor : executors) executor->recover_queued_events();
}

Status LambdaService::add_permission(std::string_view function, InvokePermission permission) {
  std::lock_guard lock(mutex_);
  Function* found = find_locked(function);
  if (found == nullptr) return not_found(function);
  for (const InvokePermission& existing : found->permissions) {
    if (existing.sid == permission.sid) {
      return make_error("ResourceConflictException",
                        "The statement id (" + permission.sid +
                            ") provided already exists. Please provide a new statement id, or "
                            "remove the existing statement.");
    }
  }
  found->permissions.push_back(std::move(permission));
  return {};
}

LambdaService::Function* LambdaService::find_locked(std::string_view name_or_arn) const {
  const auto found = functions_.find(function_name_of(name_or_arn));
  return found == functions_.end() ? nullptr : found->second.get();
}

FunctionExecutor* LambdaService::find(std::string_view name_or_arn) {
  std::lock_guard lock(mutex_);
  Function* function = find_locked(name_or_arn);
  return function == nullptr ? nullptr : function->executor.get();
}

bool LambdaService::s3_may_invoke(std::string_view function_arn,
                                  std::string_view bucket_arn) const {
  std::lock_guard lock(mutex_);
  const Function* function = find_locked(function_arn);
  if (function == nullptr) return false;
  for (const InvokePermission& permission : function->permissions) {
    const bool action = iam::wildcard_match(permission.action, "lambda:InvokeFunction", true);
    const bool principal = permission.principal == "s3.amazonaws.com";
    const bool source = permission.source_arn.empty() ||
                        iam::wildcard_match(permission.source_arn, bucket_arn, false);
    const bool account =
        permission.source_account.empty() || permission.source_account == iam::kAccountId;
    if (action && principal && source && account) return true;
  }
  return false;
}

void LambdaService::deliver_s3_event(const std::string& function_arn,
                                     const std::string& event_json) {
  FunctionExecutor* function = find(function_arn);
  if (function == nullptr) {
    // S3 checked the destination when it was configured; a restart without the template
    // leaves configurations that point at functions no longer served.
    std::cerr << "csv2ddb local: an S3 event for " << function_arn
              << " is dropped: no such function (start csv2ddb local with --template)\n";
    return;
  }
  std::string bucket_arn;
  if (auto parsed = model::parse_json(event_json)) {
    if (const auto* records = parsed->find("Records"); records && records->is_array()) {
      for (const auto& record : records->as_array()) {
        const auto* s3 = record.find("s3");
        const auto* bucket = s3 ? s3->find("bucket") : nullptr;
        const auto* arn = bucket ? bucket->find("arn") : nullptr;
        if (arn != nullptr && arn->is_string()) bucket_arn = arn->as_string();
      }
    }
  }
  if (!s3_may_invoke(function_arn, bucket_arn)) {
    // S3 is refused by the function's resource policy: on AWS the event is lost the same way.
    std::cerr << "csv2ddb local: an S3 event for " << function_arn
              << " is dropped: its resource policy does not let S3 invoke it for " << bucket_arn
              << "\n";
    return;
  }
  function->invoke_async(event_json, "");
}

void LambdaService::shutdown() {
  std::map<std::string, std::unique_ptr<Function>, std::less<>> functions;
  {
    std::lock_guard lock(mutex_);
    functions = std::move(functions_);
    functions_.clear();
  }
  for (auto& [name, function] : functions) function->executor->shutdown();
}

BodyPolicy LambdaService::body_policy(const HttpRequest&) {
  // Slightly over the payload limit, so that an oversized payload gets Lambda's own error.
  return BodyPolicy{.max_bytes = kMaxSyncPayload + 1024, .spool_to_file = false};
}

std::string LambdaService::payload_hash(const HttpRequest& request) {
  return aws::sha256_hex(request.body.memory);
}

HttpResponse LambdaService::error_response(const HttpRequest&, const Error& error) {
  // IAM's refusal, in Lambda's words.
  const std::string code(aws::has_code(error, aws::code::kAccessDenied)
                             ? aws::code::kAccessDeniedException
                             : std::string_view(error.code));
  std::string body = "{\"Type\":\"User\",\"message\":";
  model::append_json_string(body, error.message);
  body += "}";
  HttpResponse response = json_response(aws::lambda_error_status(code), std::move(body));
  response.add_header("x-amzn-ErrorType", code);
  return response;
}

std::vector<iam::Permission> LambdaService::permissions(const HttpRequest& request) {
  const FunctionPath path = parse_function_path(request.path);
  if (path.function.empty()) return {{"lambda:ListFunctions", "*"}};
  const std::string arn = "arn:aws:lambda:" + settings_.region + ":" +
                          std::string(iam::kAccountId) +
                          ":function:" + function_name_of(path.function);
  if (path.resource == "invocations") return {{"lambda:InvokeFunction", arn}};
  if (path.resource == "policy") return {{"lambda:GetPolicy", arn}};
  if (path.resource == "configuration") return {{"lambda:GetFunctionConfiguration", arn}};
  return {{"lambda:GetFunction", arn}};
}

HttpResponse LambdaService::handle(HttpRequest& request) {
  const FunctionPath path = parse_function_path(request.path);
  if (path.function.empty()) {
    if (request.method != "GET") {
      return error_response(request, make_error("InvalidRequestContentException",
                                                "csv2ddb local's functions come from the "
                                                "template (--template); CreateFunction is not "
                                                "served"));
    }
    return json_response(200, "{\"Functions\":" + configurations_json() + "}");
  }
  for (const auto& param : aws::parse_query(request.query)) {
    if (param.key == "Qualifier" && param.value != "$LATEST") {
      return error_response(request, not_found(path.function + ":" + param.value));
    }
  }
  FunctionExecutor* executor = nullptr;
  std::string policy;
  {
    std::lock_guard lock(mutex_);
    Function* function = find_locked(path.function);
    if (function == nullptr) return error_response(request, not_found(path.function));
    executor = function->executor.get();
    if (path.resource == "policy") {
      if (function->permissions.empty()) {
        return error_response(request, make_error("ResourceNotFoundException",
                                                  "The resource you requested does not exist."));
      }
      policy = policy_json(executor->config(), function->permissions);
    }
  }
  if (path.resource == "invocations" && request.method == "POST") {
    return invoke(request, *executor);
  }
  if (request.method == "GET" && path.resource == "policy") return json_response(200, policy);
  if (request.method == "GET" && path.resource == "configuration") {
    return json_response(200, configuration_json(executor->config()));
  }
  if (request.method == "GET" && path.resource.empty()) {
    const FunctionConfig& config = executor->config();
    std::string body = "{\"Configuration\":" + configuration_json(config) +
                       ",\"Code\":{\"RepositoryType\":\"S3\",\"Location\":\"\"}";
    if (config.reserved_concurrency) {
      body += ",\"Concurrency\":{\"ReservedConcurrentExecutions\":" +
              std::to_string(*config.reserved_concurrency) + "}";
    }
    return json_response(200, body + "}");
  }
  return error_response(
      request, make_error("InvalidRequestContentException",
                          "csv2ddb local does not serve " + request.method + " " + request.path));
}

HttpResponse LambdaService::invoke(HttpRequest& request, FunctionExecutor& function) {
  std::string type(request.header("x-amz-invocation-type"));
  if (type.empty()) type = "RequestResponse";
  if (type != "RequestResponse" && type != "Event" && type != "DryRun") {
    return error_response(request,
                          make_error("InvalidParameterValueException",
                                     "1 validation error detected: Value '" + type +
                                         "' at 'invocationType' failed to satisfy constraint: "
                                         "Member must satisfy enum value set: [Event, "
                                         "RequestResponse, DryRun]"));
  }
  std::string payload = std::move(request.body.memory);
  const std::size_t limit = type == "Event" ? kMaxAsyncPayload : kMaxSyncPayload;
  if (payload.size() > limit) {
    return error_response(request,
                          make_error("RequestTooLargeException",
                                     "Request must be smaller than " + std::to_string(limit) +
                                         " bytes for the InvokeFunction operation"));
  }
  if (payload.empty()) payload = "{}";
  if (auto parsed = model::parse_json(payload); !parsed) {
    return error_response(
        request, make_error("InvalidRequestContentException",
                            "Could not parse request body into json: " + parsed.error().message));
  }
  if (type == "DryRun") return json_response(204, "");
  std::string trace_id(request.header("x-amzn-trace-id"));
  if (type == "Event") {
    const std::string request_id = function.invoke_async(std::move(payload), std::move(trace_id));
    HttpResponse response;
    response.status = 202;
    response.add_header("x-amzn-RequestId", request_id);
    return response;
  }
  std::string client_context;
  if (auto context = model::base64_decode(request.header("x-amz-client-context")); context) {
    client_context = std::move(*context);
  }
  InvocationResult result =
      function.invoke(std::move(payload), std::move(trace_id), std::move(client_context));
  if (result.throttled) {
    HttpResponse throttled = json_response(
        429,
        "{\"Reason\":\"ReservedFunctionConcurrentInvocationLimitExceeded\",\"Type\":\"User\","
        "\"message\":\"Rate Exceeded.\"}");
    throttled.add_header("x-amzn-ErrorType", std::string(aws::code::kTooManyRequestsException));
    return throttled;
  }
  HttpResponse response = json_response(200, std::move(result.payload));
  response.add_header("X-Amz-Executed-Version", "$LATEST");
  if (result.function_error) response.add_header("X-Amz-Function-Error", "Unhandled");
  if (request.header("x-amz-log-type") == "Tail") {
    response.add_header("X-Amz-Log-Result", model::base64_encode(result.log_tail));
  }
  return response;
}

}  // namespace csv2ddb::local::lambda
