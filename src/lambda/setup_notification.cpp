#include "lambda/setup_notification.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "aws/error_codes.hpp"
#include "lambda/custom_resource.hpp"
#include "lambda/lambda_log.hpp"

namespace csv2ddb::lambda {
namespace {

// Less than this left and the S3 calls are not started: the answer must reach CloudFormation
// before Lambda stops us, or the stack waits for its ServiceTimeout.
constexpr std::chrono::milliseconds kAnswerReserve{3000};
constexpr std::string_view kDefaultSuffix = ".csv";
constexpr std::size_t kMaxIdLength = 255;

// The suffixes to notify on: Suffixes (a list, or one string of comma-separated suffixes),
// else Suffix, else ".csv". S3's suffix filters are case-sensitive and take one suffix per
// configuration, so each suffix gets a configuration of its own (they cannot overlap: no key
// ends with two of them unless one ends with the other, which S3 refuses).
std::vector<std::string> suffixes_of(const CustomResourceEvent& event) {
  std::vector<std::string> out;
  const model::JsonValue* listed = event.properties.find("Suffixes");
  if (listed != nullptr && listed->is_array()) {
    for (const model::JsonValue& item : listed->as_array()) {
      if (item.is_string() && !item.as_string().empty()) out.push_back(item.as_string());
    }
  } else if (const std::string text = event.property("Suffixes"); !text.empty()) {
    std::size_t start = 0;
    while (start <= text.size()) {
      const auto comma = text.find(',', start);
      std::string item = text.substr(start, comma - start);
      if (!item.empty()) out.push_back(std::move(item));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  } else if (const std::string single = event.property("Suffix"); !single.empty()) {
    out.push_back(single);
  }
  if (out.empty()) out.emplace_back(kDefaultSuffix);
  return out;
}

// The first configuration carries the base id, the others base-2, base-3...
bool is_ours(std::string_view target_id, std::string_view base) {
  if (target_id == base) return true;
  if (target_id.size() <= base.size() + 1 || !target_id.starts_with(base) ||
      target_id[base.size()] != '-') {
    return false;
  }
  const std::string_view number = target_id.substr(base.size() + 1);
  return std::all_of(number.begin(), number.end(), [](char c) { return c >= '0' && c <= '9'; });
}

aws::NotificationTarget our_target(const std::string& id, const std::string& function_arn,
                                   const std::string& suffix) {
  aws::NotificationTarget target;
  target.id = id;
  target.arn = function_arn;
  target.events = {"s3:ObjectCreated:*"};
  target.filter_rules = {{"suffix", suffix}};
  return target;
}

Status add_to_bucket(aws::S3Client& s3, const std::string& bucket, const std::string& id,
                     const std::vector<aws::NotificationTarget>& targets) {
  Result<aws::NotificationConfiguration> current = s3.get_bucket_notification_configuration(bucket);
  if (!current) return current.take_error();
  // Ours are replaced as a set, so an Update with fewer suffixes leaves none behind.
  const std::size_t found =
      current->lambda_functions.size() + current->queues.size() + current->topics.size();
  aws::NotificationConfiguration merged = remove_notification(std::move(*current), id);
  for (const aws::NotificationTarget& target : targets) {
    merged = merge_notification(std::move(merged), target);
  }
  log_line(LogLevel::kInfo, "merging the bucket's notification configurations",
           {{"bucket", bucket},
            {"found", std::to_string(found)},
            {"ours", std::to_string(targets.size())},
            {"written", std::to_string(merged.lambda_functions.size() + merged.queues.size() +
                                       merged.topics.size())}});
  return s3.put_bucket_notification_configuration(bucket, merged);
}

// Removing from a bucket that no longer exists has nothing to undo.
Status remove_from_bucket(aws::S3Client& s3, const std::string& bucket, const std::string& id) {
  Result<aws::NotificationConfiguration> current = s3.get_bucket_notification_configuration(bucket);
  if (!current) {
    if (aws::has_code(current.error(), aws::code::kNoSuchBucket)) return {};
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
  std::vector<aws::NotificationTarget> targets;
  for (const std::string& suffix : suffixes_of(event)) {
    const std::string target_id =
        targets.empty() ? id : id + "-" + std::to_string(targets.size() + 1);
    targets.push_back(our_target(target_id, function_arn, suffix));
  }
  if (Status added = add_to_bucket(*clients.s3, bucket, id, targets); !added) {
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
  functions.erase(
      std::remove_if(functions.begin(), functions.end(),
                     [&](const aws::NotificationTarget& t) { return is_ours(t.id, id); }),
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
