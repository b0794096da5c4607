// Bucket notification configurations as S3 validates and applies them:
//  - validation: known event names, well-formed ARNs, filter rules named prefix/suffix at most
//    once each, and no two configurations that share an event type with overlapping filters
//    (S3 refuses those: an object must never match two configurations for the same event);
//  - matching: an event matches a configuration when one of its event names covers it
//    (s3:ObjectCreated:* covers s3:ObjectCreated:Put) and the raw key starts with the prefix
//    and ends with the suffix, byte for byte, case-sensitive.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "aws/s3_notification.hpp"
#include "common/result.hpp"

namespace csv2ddb::local::s3 {

// Errors: InvalidArgument with S3's messages.
Status validate_notification(const aws::NotificationConfiguration& configuration);

// True when the configured event name (e.g. "s3:ObjectCreated:*") covers the event
// ("s3:ObjectCreated:Put").
bool event_name_covers(std::string_view configured, std::string_view event);
bool filter_matches(const std::vector<aws::NotificationFilterRule>& rules, std::string_view key);

struct MatchedTarget {
  std::string configuration_id;
  std::string arn;
};
// Every configuration (Lambda, queue, topic) that the event on that key matches.
std::vector<MatchedTarget> matching_targets(const aws::NotificationConfiguration& configuration,
                                            std::string_view event_name, std::string_view key);

}  // namespace csv2ddb::local::s3
