#include "local/cloudformation/cloudformation_xml.hpp"

#include <set>

#include "aws/http_date.hpp"
#include "aws/xml.hpp"
#include "local/cloudformation/change_sets.hpp"
#include "local/deploy/template_document.hpp"

namespace csv2ddb::local::cloudformation {
namespace {

constexpr std::string_view kNamespace = "http://cloudformation.amazonaws.com/doc/2010-05-15/";

std::string time_text(Clock::time_point time) {
  return aws::format_iso8601(time);
}

std::string member_list(std::string_view name, const std::vector<std::string>& values) {
  std::string out = "<" + std::string(name) + ">";
  for (const std::string& value : values) out += element("member", value);
  return out + "</" + std::string(name) + ">";
}

std::string parameters_xml(const std::vector<Parameter>& parameters) {
  std::string out = "<Parameters>";
  for (const Parameter& parameter : parameters) {
    out += "<member>" + element("ParameterKey", parameter.key) +
           element("ParameterValue", parameter.value) + "</member>";
  }
  return out + "</Parameters>";
}

std::string outputs_xml(const std::vector<deploy::StackOutput>& outputs) {
  std::string out = "<Outputs>";
  for (const deploy::StackOutput& output : outputs) {
    out += "<member>" + element("OutputKey", output.key) + element("OutputValue", output.value);
    if (!output.description.empty()) out += element("Description", output.description);
    out += "</member>";
  }
  return out + "</Outputs>";
}

std::string text_of(const model::JsonValue* value) {
  if (value == nullptr || value->is_null() || value->is_object() || value->is_array()) return "";
  if (value->is_bool()) return value->as_bool() ? "true" : "false";
  return value->as_string();
}

}  // namespace

std::string element(std::string_view name, std::string_view text) {
  std::string out = "<" + std::string(name) + ">";
  aws::append_xml_escaped(out, text);
  return out + "</" + std::string(name) + ">";
}

std::string answer_xml(std::string_view action, const std::string& result,
                       const std::string& request_id) {
  const std::string name(action);
  return "<" + name + "Response xmlns=\"" + std::string(kNamespace) + "\"><" + name + "Result>" +
         result + "</" + name + "Result><ResponseMetadata>" + element("RequestId", request_id) +
         "</ResponseMetadata></" + name + "Response>";
}

std::string error_xml(std::string_view code, std::string_view message,
                      const std::string& request_id) {
  return "<ErrorResponse xmlns=\"" + std::string(kNamespace) + "\"><Error><Type>Sender</Type>" +
         element("Code", code) + element("Message", message) + "</Error>" +
         element("RequestId", request_id) + "</ErrorResponse>";
}

std::string stack_xml(const Stack& stack) {
  std::string out = element("StackId", stack.id) + element("StackName", stack.name);
  if (!stack.description.empty()) out += element("Description", stack.description);
  out += parameters_xml(stack.parameters);
  out += element("CreationTime", time_text(stack.created));
  if (stack.updated) out += element("LastUpdatedTime", time_text(*stack.updated));
  out += element("StackStatus", stack.status);
  if (!stack.status_reason.empty()) out += element("StackStatusReason", stack.status_reason);
  out += "<DisableRollback>false</DisableRollback><NotificationARNs/>";
  out += member_list("Capabilities", stack.capabilities);
  out += outputs_xml(stack.outputs);
  out += "<Tags/><EnableTerminationProtection>false</EnableTerminationProtection>";
  out += "<DriftInformation><StackDriftStatus>NOT_CHECKED</StackDriftStatus></DriftInformation>";
  return out;
}

std::string stack_summary_xml(const Stack& stack) {
  std::string out = element("StackId", stack.id) + element("StackName", stack.name);
  if (!stack.description.empty()) out += element("TemplateDescription", stack.description);
  out += element("CreationTime", time_text(stack.created));
  if (stack.updated) out += element("LastUpdatedTime", time_text(*stack.updated));
  out += element("StackStatus", stack.status);
  if (!stack.status_reason.empty()) out += element("StackStatusReason", stack.status_reason);
  return out;
}

std::string change_set_xml(const ChangeSet& change_set) {
  std::string out =
      element("ChangeSetName", change_set.name) + element("ChangeSetId", change_set.id) +
      element("StackId", change_set.stack_id) + element("StackName", change_set.stack_name);
  if (!change_set.description.empty()) out += element("Description", change_set.description);
  out += parameters_xml(change_set.parameters);
  out += element("CreationTime", time_text(change_set.created));
  out += element("ExecutionStatus", change_set.execution_status);
  out += element("Status", change_set.status);
  if (!change_set.status_reason.empty()) out += element("StatusReason", change_set.status_reason);
  out += "<NotificationARNs/>" + member_list("Capabilities", change_set.capabilities);
  out += "<Changes>";
  for (const ResourceChange& change : change_set.changes) {
    out += "<member><Type>Resource</Type><ResourceChange>" + element("Action", change.action) +
           element("LogicalResourceId", change.logical_id);
    if (!change.physical_id.empty()) out += element("PhysicalResourceId", change.physical_id);
    out += element("ResourceType", change.type);
    if (change.action == "Modify") out += "<Replacement>Conditional</Replacement>";
    out += "<Scope/><Details/></ResourceChange></member>";
  }
  out += "</Changes><IncludeNestedStacks>false</IncludeNestedStacks>";
  return out;
}

std::string events_xml(const Stack& stack) {
  std::string out;
  for (auto it = stack.events.rbegin(); it != stack.events.rend(); ++it) {
    out += "<member>" + element("StackId", stack.id) + element("EventId", it->event_id) +
           element("StackName", stack.name) + element("LogicalResourceId", it->logical_id);
    if (!it->physical_id.empty()) out += element("PhysicalResourceId", it->physical_id);
    out += element("ResourceType", it->type) + element("Timestamp", time_text(it->timestamp)) +
           element("ResourceStatus", it->status);
    if (!it->reason.empty()) out += element("ResourceStatusReason", it->reason);
    out += "</member>";
  }
  return out;
}

std::string resources_xml(const Stack& stack) {
  const std::string status =
      stack.status.starts_with("DELETE") ? "DELETE_FAILED" : "CREATE_COMPLETE";
  const Clock::time_point when = stack.updated.value_or(stack.created);
  std::string out;
  for (const deploy::StackResource& resource : stack.resources) {
    out += "<member>" + element("StackName", stack.name) + element("StackId", stack.id) +
           element("LogicalResourceId", resource.logical_id) +
           element("PhysicalResourceId", resource.physical_id) +
           element("ResourceType", resource.type) + element("Timestamp", time_text(when)) +
           element("ResourceStatus", status) + "</member>";
  }
  return out;
}

std::string template_summary_xml(const std::string& template_body) {
  auto document = deploy::parse_template(template_body);
  if (!document) return "";
  std::string out = "<Parameters>";
  if (const model::JsonValue* parameters = document->find("Parameters");
      parameters && parameters->is_object()) {
    for (const auto& [key, declared] : parameters->as_object()) {
      out += "<member>" + element("ParameterKey", key);
      if (const model::JsonValue* fallback = declared.find("Default")) {
        out += element("DefaultValue", text_of(fallback));
      }
      out += element("ParameterType", text_of(declared.find("Type")));
      out += element("NoEcho", text_of(declared.find("NoEcho")) == "true" ? "true" : "false");
      if (const std::string description = text_of(declared.find("Description"));
          !description.empty()) {
        out += element("Description", description);
      }
      out += "</member>";
    }
  }
  out += "</Parameters>";
  if (const std::string description = text_of(document->find("Description"));
      !description.empty()) {
    out += element("Description", description);
  }
  const std::string capability = required_capability(*document);
  out += member_list("Capabilities", capability.empty() ? std::vector<std::string>{}
                                                        : std::vector<std::string>{capability});
  std::set<std::string> types;
  if (const model::JsonValue* resources = document->find("Resources");
      resources && resources->is_object()) {
    for (const auto& [name, resource] : resources->as_object()) {
      types.insert(text_of(resource.find("Type")));
    }
  }
  out += member_list("ResourceTypes", std::vector<std::string>(types.begin(), types.end()));
  out += element("Version", text_of(document->find("AWSTemplateFormatVersion")));
  return out;
}

}  // namespace csv2ddb::local::cloudformation
