#include "lambda/setup_notification.hpp"

#include <algorithm>

#include "lambda/custom_resource.hpp"
#include "lambda/lambda_log.hpp"

namespace csv2ddb::lambda {
namespace {

// Less than this left and the S3 calls are not started: the answer must reach CloudFormation
// before Lambda stops us, or the stack waits for its ServiceTimeout.
constexpr std::chrono::milliseconds kAnswerReserve{3000};
constexpr std::string_view kDefaultSuffix = ".csv";
constexpr std::size_t kMaxIdLength = 255;

aws::NotificationTarget our_target(const std::string& id, const std::string& function_arn,
                                   const std::string& suffix) {
  aws::NotificationTarget target;
  target.id = id;
  target.arn = function_arn;
  target.events = {"s3:ObjectCreated:*"};
  target.filter_rules = {{"suffix", suffix}};
  return target;
}

Status add_to_bucket(aws::S3Client& s3, const std::string& bucket,
                     const aws::NotificationTarget& target) {
  Result<aws::NotificationConfiguration> current = s3.get_bucket_notification_configuration(bucket);
  if (!current) return current.take_error();
  aws::NotificationConfiguration merged = merge_notification(std::move(*current), target);
  return s3.put_bucket_notification_configuration(bucket, merged);
}

// Removing from a bucket that no longer exists has nothing to undo.
Status remove_from_bucket(aws::S3Client& s3, const std::string& bucket, const std::string& id) {
  Result<aws::NotificationConfiguration> current = s3.get_bucket_notification_configuration(bucket);
  if (!current) {
    if (current.error().code == "NoSuchBucket") return {};
    return current.take_error();
  }
  const std::size_t before = current->lambda_functions.size();
  aws::NotificationConfiguration remaining = remove_notification(std::move(*current), id);
  if (remaining.lambda_functions.size() == before) return {};
  return s3.put_bucket_notification_configuration(bucket, remaining);
}

// The work of one event; an Error becomes a FAILED answer with its text as the reason.
Result<CustomResourceAnswer> apply(const CustomResourceEvent& event,
                                   const SetupNotificationClients& clients) {
  const std::string id = notification_id(event.stack_id, event.logical_resource_id);
  CustomResourceAnswer answer;
  answer.success = true;
  answer.physical_resource_id =
      event.physical_resource_id.empty() ? id : event.physical_resource_id;
  answer.data = model::JsonValue::object();
  answer.data.set("NotificationId", model::JsonValue::string(id));

  const std::string bucket = event.property("BucketName");
  if (event.request_type == "Delete") {
    if (bucket.empty()) return answer;  // a Create that failed validation left nothing
    if (Status removed = remove_from_bucket(*clients.s3, bucket, id); !removed) {
      return removed.take_error();
    }
    return answer;
  }
  if (event.request_type != "Create" && event.request_type != "Update") {
    return make_error("InvalidEvent", "unknown RequestType '" + event.request_type + "'");
  }
  const std::string function_arn = event.property("LambdaArn");
  if (bucket.empty() || function_arn.empty()) {
    return make_error("InvalidProperties", "ResourceProperties needs BucketName and LambdaArn");
  }
  std::string suffix = event.property("Suffix");
  if (suffix.empty()) suffix = std::string(kDefaultSuffix);
  if (Status added = add_to_bucket(*clients.s3, bucket, our_target(id, function_arn, suffix));
      !added) {
    return added.take_error();
  }
  const std::string old_bucket = event.old_property("BucketName");
  if (event.request_type == "Update" && !old_bucket.empty() && old_bucket != bucket) {
    if (Status removed = remove_from_bucket(*clients.s3, old_bucket, id); !removed) {
      return removed.take_error();
    }
  }
  return answer;
}

}  // namespace

std::string notification_id(std::string_view stack_id, std::string_view logical_resource_id) {
  // arn:aws:cloudformation:region:account:stack/<name>/<uuid> → <name>; anything else as is.
  std::string_view stack = stack_id;
  if (auto slash = stack.find('/'); slash != std::string_view::npos) {
    stack = stack.substr(slash + 1);
    stack = stack.substr(0, stack.find('/'));
  }
  std::string id = "csv2ddb-" + std::string(stack) + "-" + std::string(logical_resource_id);
  if (id.size() > kMaxIdLength) id.resize(kMaxIdLength);
  return id;
}

aws::NotificationConfiguration merge_notification(aws::NotificationConfiguration configuration,
                                                  const aws::NotificationTarget& ours) {
  auto& functions = configuration.lambda_functions;
  auto same = std::find_if(functions.begin(), functions.end(),
                           [&](const aws::NotificationTarget& t) { return t.id == ours.id; });
  if (same != functions.end()) {
    *same = ours;
  } else {
    functions.push_back(ours);
  }
  return configuration;
}

aws::NotificationConfiguration remove_notification(aws::NotificationConfiguration configuration,
                                                   std::string_view id) {
  auto& functions = configuration.lambda_functions;
  functions.erase(std::remove_if(functions.begin(), functions.end(),
                                 [&](const aws::NotificationTarget& t) { return t.id == id; }),
                  functions.end());
  return configuration;
}

InvocationResponse handle_setup_notification(const InvocationRequest& request,
                                             const SetupNotificationClients& clients) {
  Result<CustomResourceEvent> event = parse_custom_resource_event(request.payload);
  // Without a ResponseURL there is nobody to answer: fail the invocation instead.
  if (!event) return InvocationResponse::failure(event.error().message, event.error().code);
  log_line(LogLevel::kInfo, "custom resource request",
           {{"requestType", event->request_type},
            {"logicalResourceId", event->logical_resource_id},
            {"bucket", event->property("BucketName")}});

  CustomResourceAnswer answer;
  if (request.time_remaining() < kAnswerReserve) {
    answer.reason = "too little time left before the function's timeout to change the bucket";
  } else {
    Result<CustomResourceAnswer> applied = apply(*event, clients);
    if (applied) {
      answer = std::move(*applied);
    } else {
      answer.reason = applied.error().to_string();
    }
  }
  if (!answer.success) {
    // CloudFormation needs a physical id even for a failed Create.
    if (answer.physical_resource_id.empty()) {
      answer.physical_resource_id =
          event->physical_resource_id.empty()
              ? notification_id(event->stack_id, event->logical_resource_id)
              : event->physical_resource_id;
    }
    log_line(LogLevel::kError, "custom resource failed", {{"reason", answer.reason}});
  }
  if (Status sent = send_custom_resource_response(*clients.http, *event, answer); !sent) {
    return InvocationResponse::failure(
        "could not answer CloudFormation: " + sent.error().to_string(), "ResponseNotSent");
  }
  return InvocationResponse::success(custom_resource_response_body(*event, answer));
}

}  // namespace csv2ddb::lambda
