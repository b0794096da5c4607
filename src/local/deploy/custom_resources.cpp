// Custom resources, as CloudFormation runs them: an asynchronous invocation of the
// ServiceToken function with a real custom resource event, whose ResponseURL is a presigned
// S3 PUT URL into the local AWS's own bucket for answers; the deploy then waits for the answer
// object, at most the resource's ServiceTimeout (CloudFormation's default is an hour).
#include <algorithm>
#include <cctype>
#include <chrono>
#include <future>
#include <thread>

#include "aws/error_codes.hpp"
#include "local/deploy/resource_handlers.hpp"
#include "local/presigned_url.hpp"
#include "local/request_id.hpp"

namespace csv2ddb::local::deploy {
namespace {

using model::JsonValue;

constexpr const char* kResponseBucket = "csv2ddb-cloudformation-responses";
constexpr auto kPollInterval = std::chrono::milliseconds(50);
constexpr int kDefaultServiceTimeoutSeconds = 3600;
// After the function has returned, how long its answer may take to show up.
constexpr auto kAnswerGrace = std::chrono::seconds(2);

// CloudFormation hands custom resources every scalar as a string.
JsonValue stringified(const JsonValue& value) {
  if (value.is_number()) return JsonValue::string(value.as_string());
  if (value.is_bool()) return JsonValue::string(value.as_bool() ? "true" : "false");
  if (value.is_array()) {
    JsonValue out = JsonValue::array();
    for (const JsonValue& item : value.as_array()) out.push(stringified(item));
    return out;
  }
  if (value.is_object()) {
    JsonValue out = JsonValue::object();
    for (const auto& [key, member] : value.as_object()) out.set(key, stringified(member));
    return out;
  }
  return value;
}

// A PUT URL for the answer, signed with the account's key, valid for two hours.
std::string response_url(const ControlPlane& control, const std::string& key) {
  const std::string host = control.endpoint_url.substr(control.endpoint_url.find("://") + 3);
  return control.endpoint_url +
         presigned_s3_path(control, host, "PUT", kResponseBucket, key, std::chrono::hours(2));
}

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

// Sends the function a Create (or Delete, with the resource's physical id) event and waits
// for its answer.
Result<DeployedResource> run_custom_resource(DeployContext& context, const std::string& logical_id,
                                             const JsonValue& properties,
                                             const std::string& request_type,
                                             const std::string& physical_id) {
  auto token = required_string(properties, "ServiceToken", logical_id);
  if (!token) return token.take_error();
  lambda::FunctionExecutor* function = context.control.lambda.find(*token);
  if (function == nullptr) {
    return make_error("InvalidTemplate",
                      logical_id + ": the ServiceToken " + *token +
                          " is not a function of this stack (csv2ddb local has no SNS)");
  }
  int timeout_seconds = kDefaultServiceTimeoutSeconds;
  if (const std::string text = string_property(properties, "ServiceTimeout"); !text.empty()) {
    timeout_seconds = std::atoi(text.c_str());
    if (timeout_seconds < 1 || timeout_seconds > 3600) {
      return make_error("InvalidTemplate",
                        logical_id + ": ServiceTimeout must be from 1 to 3600 seconds");
    }
  }
  auto s3 = context.clients.s3();
  if (Status made = s3->create_bucket(kResponseBucket);
      !made && !aws::has_code(made.error(), aws::code::kBucketAlreadyOwnedByYou)) {
    return make_error(made.error().code, logical_id + ": " + made.error().message);
  }
  const std::string request_id = new_uuid();
  const std::string key = context.stack_name + "/" + logical_id + "/" + request_id;
  const std::string url = response_url(context.control, key);

  JsonValue event = JsonValue::object();
  event.set("RequestType", JsonValue::string(request_type));
  event.set("ServiceToken", JsonValue::string(*token));
  event.set("ResponseURL", JsonValue::string(url));
  event.set("StackId", JsonValue::string(context.stack_id));
  event.set("RequestId", JsonValue::string(request_id));
  event.set("LogicalResourceId", JsonValue::string(logical_id));
  event.set("ResourceType", JsonValue::string(context.resource_type));
  event.set("ResourceProperties", stringified(properties));
  if (!physical_id.empty()) event.set("PhysicalResourceId", JsonValue::string(physical_id));
  // The deploy stops waiting early when the function has failed for good without answering.
  auto gave_up = std::make_shared<std::promise<std::string>>();
  std::future<std::string> failure = gave_up->get_future();
  function->invoke_async(model::to_json(event), "",
                         [gave_up](const lambda::InvocationResult& result) {
                           gave_up->set_value(result.function_error ? result.payload : "");
                         });

  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  bool returned = false;
  while (true) {
    std::string answer;
    auto got =
        s3->get_object(kResponseBucket, key, {}, [&answer](std::string_view chunk) -> Status {
          answer.append(chunk);
          return {};
        });
    if (got) {
      auto parsed = model::parse_json(answer);
      if (!parsed || !parsed->is_object()) {
        return make_error("CustomResourceFailed",
                          logical_id +
                              ": the function answered with something that is not a "
                              "JSON object: " +
                              answer.substr(0, 200));
      }
      const std::string status = string_property(*parsed, "Status");
      if (status != "SUCCESS") {
        return make_error("CustomResourceFailed",
                          logical_id + ": " + upper(request_type) +
                              "_FAILED: " + string_property(*parsed, "Reason"));
      }
      DeployedResource out;
      out.physical_id = string_property(*parsed, "PhysicalResourceId");
      if (out.physical_id.empty()) out.physical_id = physical_id;
      if (out.physical_id.empty()) out.physical_id = logical_id + "-" + request_id;
      if (const JsonValue* data = parsed->find("Data"); data && data->is_object()) {
        for (const auto& [name, value] : data->as_object()) out.attributes[name] = value;
      }
      return out;
    }
    if (!aws::is_missing_object(got.error())) {
      return make_error(got.error().code, logical_id + ": " + got.error().message);
    }
    if (failure.valid() && failure.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
      const std::string error = failure.get();
      if (!error.empty()) {
        return make_error("CustomResourceFailed",
                          logical_id +
                              ": the function failed without answering CloudFormation "
                              "(" +
                              error + "); see " + function->log_path());
      }
      // It ended well: its answer is in S3 or never will be.
      give_up = std::min(give_up, std::chrono::steady_clock::now() + kAnswerGrace);
      returned = true;
    }
    if (std::chrono::steady_clock::now() >= give_up && returned) {
      return make_error("CustomResourceFailed", logical_id +
                                                    ": the function returned without answering its "
                                                    "ResponseURL (see " +
                                                    function->log_path() + ")");
    }
    if (std::chrono::steady_clock::now() >= give_up) {
      return make_error("CustomResourceTimeout",
                        logical_id +
                            ": no answer at the ResponseURL within the ServiceTimeout "
                            "of " +
                            std::to_string(timeout_seconds) + " s (see " + function->log_path() +
                            ")");
    }
    std::this_thread::sleep_for(kPollInterval);
  }
}

Result<DeployedResource> deploy_custom_resource(DeployContext& context,
                                                const std::string& logical_id,
                                                const JsonValue& properties) {
  return run_custom_resource(context, logical_id, properties, "Create", "");
}

}  // namespace csv2ddb::local::deploy
