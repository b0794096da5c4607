#include "local/s3/event_records.hpp"

#include <chrono>
#include <cstdio>

#include "aws/s3_notification.hpp"
#include "local/s3/notification_rules.hpp"
#include "local/s3/notification_xml.hpp"
#include "local/s3/s3_request.hpp"  // iso8601_ms
#include "model/json.hpp"

namespace csv2ddb::local::s3 {
namespace {

void field(std::string& out, std::string_view name, std::string_view value) {
  model::append_json_string(out, name);
  out += ':';
  model::append_json_string(out, value);
}

std::string etag_unquoted(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  return std::string(etag);
}

}  // namespace

std::string event_key_encode(std::string_view key) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(key.size());
  for (char c : key) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') ||
        (byte >= '0' && byte <= '9') || c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
      out.push_back(c);
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0x0F]);
    }
  }
  return out;
}

std::string event_record_json(const EventContext& c, const ObjectInfo& object) {
  std::string out = "{\"Records\":[{";
  field(out, "eventVersion", "2.1");
  out += ',';
  field(out, "eventSource", "aws:s3");
  out += ',';
  field(out, "awsRegion", c.region);
  out += ',';
  field(out, "eventTime", iso8601_ms(c.event_time_ms));
  out += ',';
  field(out, "eventName", c.event_name);
  out += ",\"userIdentity\":{";
  field(out, "principalId", c.principal_id);
  out += "},\"requestParameters\":{";
  field(out, "sourceIPAddress", c.source_ip);
  out += "},\"responseElements\":{";
  field(out, "x-amz-request-id", c.request_id);
  out += ',';
  field(out, "x-amz-id-2", c.request_id);
  out += "},\"s3\":{";
  field(out, "s3SchemaVersion", "1.0");
  out += ',';
  field(out, "configurationId", c.configuration_id);
  out += ",\"bucket\":{";
  field(out, "name", c.bucket);
  out += ",\"ownerIdentity\":{";
  field(out, "principalId", c.principal_id);
  out += "},";
  field(out, "arn", "arn:aws:s3:::" + c.bucket);
  out += "},\"object\":{";
  field(out, "key", event_key_encode(object.key));
  out += ',';
  // A removed object has neither: AWS leaves both out of ObjectRemoved records.
  if (!c.event_name.starts_with("ObjectRemoved:")) {
    out += "\"size\":" + std::to_string(object.size) + ',';
    field(out, "eTag", etag_unquoted(object.etag));
    out += ',';
  }
  field(out, "sequencer", c.sequencer);
  out += "}}}]}";
  return out;
}

EventPublisher::EventPublisher(std::string region, EventDeliveryHook hook)
    : region_(std::move(region)),
      hook_(std::move(hook)),
      sequence_(static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                               std::chrono::system_clock::now().time_since_epoch())
                                               .count())) {}

void EventPublisher::set_hook(EventDeliveryHook hook) {
  std::lock_guard lock(mutex_);
  hook_ = std::move(hook);
}

std::string EventPublisher::next_sequencer() {
  char text[24];
  std::snprintf(text, sizeof text, "%018llX",
                static_cast<unsigned long long>(sequence_.fetch_add(1) + 1));
  return text;
}

void EventPublisher::publish(ObjectStore& store, const std::string& bucket,
                             std::string_view event_name, const ObjectInfo& object,
                             const std::string& request_id, const std::string& principal_id) {
  auto xml = store.notification_xml(bucket);
  if (!xml || xml->empty()) return;
  auto configuration = parse_notification_document(*xml);
  if (!configuration) return;
  const auto targets = matching_targets(*configuration, event_name, object.key);
  if (targets.empty()) return;
  EventContext context;
  context.region = region_;
  context.bucket = bucket;
  context.event_name = std::string(event_name.substr(event_name.starts_with("s3:") ? 3 : 0));
  context.principal_id = principal_id;
  context.request_id = request_id;
  context.event_time_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
  context.sequencer = next_sequencer();
  EventDeliveryHook hook;
  {
    std::lock_guard lock(mutex_);
    hook = hook_;
  }
  if (!hook) return;
  for (const MatchedTarget& target : targets) {
    context.configuration_id = target.configuration_id;
    hook(target.arn, event_record_json(context, object));
  }
}

}  // namespace csv2ddb::local::s3
