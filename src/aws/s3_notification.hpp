// A bucket's notification configuration as a struct, and its XML form (what
// PutBucketNotificationConfiguration sends and GetBucketNotificationConfiguration returns).
// Shared by the S3 client, the setup-notification handler (merge ours into the bucket's) and
// the local S3, which reads and writes the same documents with it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace csv2ddb::aws {

struct NotificationFilterRule {
  std::string name;  // "prefix" or "suffix"
  std::string value;
  friend bool operator==(const NotificationFilterRule&, const NotificationFilterRule&) = default;
};

// One LambdaFunctionConfiguration, QueueConfiguration or TopicConfiguration.
struct NotificationTarget {
  std::string id;
  std::string arn;                  // the function, queue or topic
  std::vector<std::string> events;  // "s3:ObjectCreated:*"
  std::vector<NotificationFilterRule> filter_rules;
  friend bool operator==(const NotificationTarget&, const NotificationTarget&) = default;
};

struct NotificationConfiguration {
  std::vector<NotificationTarget> lambda_functions;
  std::vector<NotificationTarget> queues;
  std::vector<NotificationTarget> topics;
  bool event_bridge = false;
  friend bool operator==(const NotificationConfiguration&,
                         const NotificationConfiguration&) = default;
};

// How Lambda targets are spelled. A client's PUT uses the documented names
// (<LambdaFunctionConfiguration>, <LambdaFunctionArn>); S3 answers a GET with the names of its
// first API (<CloudFunctionConfiguration>, <CloudFunction>), as botocore's model has them too.
enum class LambdaSpelling { kDocumented, kAsS3Answers };

std::string notification_configuration_xml(const NotificationConfiguration& configuration,
                                           LambdaSpelling spelling = LambdaSpelling::kDocumented);
// Reads either spelling. An empty body is an empty configuration (S3's answer for a bucket
// without notifications). Errors: "InvalidXml" (from the reader), "MalformedXML" for a root
// other than NotificationConfiguration.
Result<NotificationConfiguration> parse_notification_configuration(std::string_view xml);

}  // namespace csv2ddb::aws
