// The event records S3 delivers for a bucket's notification configurations, in AWS's shape:
//   {"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1",
//     "eventTime":"2026-01-01T00:00:00.000Z","eventName":"ObjectCreated:Put",
//     "userIdentity":{"principalId":"AWS:test"},"requestParameters":{"sourceIPAddress":...},
//     "responseElements":{"x-amz-request-id":...,"x-amz-id-2":...},
//     "s3":{"s3SchemaVersion":"1.0","configurationId":...,
//           "bucket":{"name":...,"ownerIdentity":{"principalId":...},"arn":"arn:aws:s3:::b"},
//           "object":{"key":"url+encoded","size":N,"eTag":"md5","sequencer":"..."}}}]}
// (ObjectRemoved records have no size and no eTag, as on AWS.)
// The object key is URL-encoded as S3 encodes it (space as '+'); the sequencer is hex that
// grows with every event of this process and the next (it starts from the clock), so a
// consumer can order events for one key as S3 allows.
//
// Delivery is a hook (target ARN, event JSON): the Lambda service connects it; until then the
// S3 service records each event as one JSON line in <data-dir>/s3/events.jsonl.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include "local/s3/object_store.hpp"

namespace csv2ddb::local::s3 {

using EventDeliveryHook =
    std::function<void(const std::string& target_arn, const std::string& event_json)>;

// S3's key encoding in event records: unreserved characters kept, space as '+', every other
// byte as %XX (upper-case); S3 keeps "/" as is.
std::string event_key_encode(std::string_view key);

struct EventContext {
  std::string region;
  std::string bucket;
  std::string event_name;  // without "s3:": "ObjectCreated:Put"
  std::string configuration_id;
  std::string principal_id;
  std::string source_ip = "127.0.0.1";
  std::string request_id;
  std::int64_t event_time_ms = 0;
  std::string sequencer;
};

std::string event_record_json(const EventContext& context, const ObjectInfo& object);

class EventPublisher {
 public:
  EventPublisher(std::string region, EventDeliveryHook hook);
  void set_hook(EventDeliveryHook hook);

  // Delivers one record per matching configuration of the bucket. `event_name` is the full
  // "s3:ObjectCreated:Put" form.
  void publish(ObjectStore& store, const std::string& bucket, std::string_view event_name,
               const ObjectInfo& object, const std::string& request_id,
               const std::string& principal_id);
  const std::string& region() const { return region_; }

 private:
  std::string next_sequencer();

  std::string region_;
  std::mutex mutex_;  // guards hook_
  EventDeliveryHook hook_;
  std::atomic<std::uint64_t> sequence_;
};

}  // namespace csv2ddb::local::s3
