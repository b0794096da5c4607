#include "aws/s3_notification.hpp"

#include "aws/xml.hpp"

namespace csv2ddb::aws {
namespace {

constexpr std::string_view kS3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

// The element names of each kind of target.
struct TargetKind {
  std::string_view element;
  std::string_view arn_element;
};
constexpr TargetKind kLambda{"LambdaFunctionConfiguration", "LambdaFunctionArn"};
constexpr TargetKind kLegacyLambda{"CloudFunctionConfiguration", "CloudFunction"};
constexpr TargetKind kQueue{"QueueConfiguration", "Queue"};
constexpr TargetKind kTopic{"TopicConfiguration", "Topic"};

void append_element(std::string& out, std::string_view name, std::string_view text) {
  out.append("<").append(name).append(">");
  append_xml_escaped(out, text);
  out.append("</").append(name).append(">");
}

void append_targets(std::string& out, const std::vector<NotificationTarget>& targets,
                    const TargetKind& kind) {
  for (const NotificationTarget& target : targets) {
    out.append("<").append(kind.element).append(">");
    if (!target.id.empty()) append_element(out, "Id", target.id);
    append_element(out, kind.arn_element, target.arn);
    for (const std::string& event : target.events) append_element(out, "Event", event);
    if (!target.filter_rules.empty()) {
      out.append("<Filter><S3Key>");
      for (const NotificationFilterRule& rule : target.filter_rules) {
        out.append("<FilterRule>");
        append_element(out, "Name", rule.name);
        append_element(out, "Value", rule.value);
        out.append("</FilterRule>");
      }
      out.append("</S3Key></Filter>");
    }
    out.append("</").append(kind.element).append(">");
  }
}

std::vector<NotificationTarget> read_targets(const XmlElement& root, const TargetKind& kind,
                                             std::string_view legacy_arn_element = {}) {
  std::vector<NotificationTarget> out;
  for (const XmlElement* element : root.children_named(kind.element)) {
    NotificationTarget target;
    target.id = element->child_text("Id");
    target.arn = element->child_text(kind.arn_element);
    if (target.arn.empty() && !legacy_arn_element.empty()) {
      target.arn = element->child_text(legacy_arn_element);
    }
    for (const XmlElement* event : element->children_named("Event")) {
      target.events.push_back(event->text);
    }
    if (const XmlElement* filter = element->child("Filter")) {
      if (const XmlElement* key = filter->child("S3Key")) {
        for (const XmlElement* rule : key->children_named("FilterRule")) {
          target.filter_rules.push_back({rule->child_text("Name"), rule->child_text("Value")});
        }
      }
    }
    out.push_back(std::move(target));
  }
  return out;
}

}  // namespace

std::string notification_configuration_xml(const NotificationConfiguration& configuration,
                                           LambdaSpelling spelling) {
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<NotificationConfiguration xmlns=\"";
  out.append(kS3Namespace).append("\">");
  append_targets(out, configuration.topics, kTopic);
  append_targets(out, configuration.queues, kQueue);
  append_targets(out, configuration.lambda_functions,
                 spelling == LambdaSpelling::kDocumented ? kLambda : kLegacyLambda);
  if (configuration.event_bridge)
    out.append("<EventBridgeConfiguration></EventBridgeConfiguration>");
  out.append("</NotificationConfiguration>");
  return out;
}

Result<NotificationConfiguration> parse_notification_configuration(std::string_view xml) {
  NotificationConfiguration out;
  // S3 answers an empty body (or a bare root) for a bucket without notifications.
  if (xml.find_first_not_of(" \t\r\n") == std::string_view::npos) return out;
  auto root = parse_xml(xml);
  if (!root) return root.take_error();
  if (root->name != "NotificationConfiguration") {
    return make_error("MalformedXML",
                      "expected a NotificationConfiguration document, got <" + root->name + ">");
  }
  out.topics = read_targets(*root, kTopic);
  out.queues = read_targets(*root, kQueue);
  // S3 answers GetBucketNotificationConfiguration with the element names of its first API,
  // CloudFunctionConfiguration and CloudFunction, and takes either in a PUT.
  out.lambda_functions = read_targets(*root, kLambda, "CloudFunction");
  for (NotificationTarget& target : read_targets(*root, kLegacyLambda, "CloudFunction")) {
    if (!target.arn.empty()) out.lambda_functions.push_back(std::move(target));
  }
  out.event_bridge = root->child("EventBridgeConfiguration") != nullptr;
  return out;
}

}  // namespace csv2ddb::aws
