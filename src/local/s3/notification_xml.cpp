#include "local/s3/notification_xml.hpp"

#include "aws/xml.hpp"
#include "local/s3/s3_errors.hpp"
#include "local/s3/s3_request.hpp"

namespace csv2ddb::local::s3 {
namespace {

struct Spelling {
  std::string_view element;
  std::string_view arn;
};
constexpr Spelling kTopic{"TopicConfiguration", "Topic"};
constexpr Spelling kQueue{"QueueConfiguration", "Queue"};
constexpr Spelling kLambda{"CloudFunctionConfiguration", "CloudFunction"};
constexpr Spelling kLambdaDocumented{"LambdaFunctionConfiguration", "LambdaFunctionArn"};

void read_targets(const aws::XmlElement& root, const Spelling& spelling,
                  std::vector<aws::NotificationTarget>& out) {
  for (const aws::XmlElement* element : root.children_named(spelling.element)) {
    aws::NotificationTarget target;
    target.id = element->child_text("Id");
    target.arn = element->child_text(spelling.arn);
    if (target.arn.empty()) target.arn = element->child_text(kLambdaDocumented.arn);
    if (target.arn.empty()) target.arn = element->child_text(kLambda.arn);
    for (const aws::XmlElement* event : element->children_named("Event")) {
      target.events.push_back(event->text);
    }
    if (const aws::XmlElement* filter = element->child("Filter")) {
      if (const aws::XmlElement* key = filter->child("S3Key")) {
        for (const aws::XmlElement* rule : key->children_named("FilterRule")) {
          target.filter_rules.push_back({rule->child_text("Name"), rule->child_text("Value")});
        }
      }
    }
    out.push_back(std::move(target));
  }
}

void write_targets(std::string& out, const std::vector<aws::NotificationTarget>& targets,
                   const Spelling& spelling) {
  for (const aws::NotificationTarget& target : targets) {
    out.append("<").append(spelling.element).append(">");
    append_xml_element(out, "Id", target.id);
    append_xml_element(out, spelling.arn, target.arn);
    for (const std::string& event : target.events) append_xml_element(out, "Event", event);
    if (!target.filter_rules.empty()) {
      out += "<Filter><S3Key>";
      for (const aws::NotificationFilterRule& rule : target.filter_rules) {
        out += "<FilterRule>";
        append_xml_element(out, "Name", rule.name);
        append_xml_element(out, "Value", rule.value);
        out += "</FilterRule>";
      }
      out += "</S3Key></Filter>";
    }
    out.append("</").append(spelling.element).append(">");
  }
}

}  // namespace

Result<aws::NotificationConfiguration> parse_notification_document(std::string_view xml) {
  auto root = aws::parse_xml(xml);
  if (!root || root->name != "NotificationConfiguration") return malformed_xml();
  aws::NotificationConfiguration out;
  read_targets(*root, kTopic, out.topics);
  read_targets(*root, kQueue, out.queues);
  read_targets(*root, kLambda, out.lambda_functions);
  read_targets(*root, kLambdaDocumented, out.lambda_functions);
  out.event_bridge = root->child("EventBridgeConfiguration") != nullptr;
  return out;
}

std::string notification_document_xml(const aws::NotificationConfiguration& configuration) {
  std::string out(kXmlDeclaration);
  out += "<NotificationConfiguration xmlns=\"";
  out += kS3XmlNamespace;
  out += "\">";
  write_targets(out, configuration.topics, kTopic);
  write_targets(out, configuration.queues, kQueue);
  write_targets(out, configuration.lambda_functions, kLambda);
  if (configuration.event_bridge) out += "<EventBridgeConfiguration></EventBridgeConfiguration>";
  out += "</NotificationConfiguration>";
  return out;
}

}  // namespace csv2ddb::local::s3
