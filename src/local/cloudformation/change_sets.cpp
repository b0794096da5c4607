#include "local/cloudformation/change_sets.hpp"

#include <algorithm>
#include <map>

#include "aws/error_codes.hpp"
#include "local/deploy/template_document.hpp"

namespace csv2ddb::local::cloudformation {
namespace {

using model::JsonValue;

// IAM resources and the property that names each (CloudFormation's rule for
// CAPABILITY_NAMED_IAM: a name given in the template).
const std::map<std::string, std::string, std::less<>> kIamNameProperties = {
    {"AWS::IAM::Role", "RoleName"},   {"AWS::IAM::ManagedPolicy", "ManagedPolicyName"},
    {"AWS::IAM::Policy", ""},         {"AWS::IAM::User", "UserName"},
    {"AWS::IAM::Group", "GroupName"}, {"AWS::IAM::InstanceProfile", "InstanceProfileName"},
    {"AWS::IAM::AccessKey", ""},
};

const JsonValue* resources_of(const JsonValue& document) {
  const JsonValue* resources = document.find("Resources");
  return resources && resources->is_object() ? resources : nullptr;
}

// The declared resources by logical id: their type and their Properties as written.
std::map<std::string, std::pair<std::string, JsonValue>> declared(const JsonValue& document) {
  std::map<std::string, std::pair<std::string, JsonValue>> out;
  const JsonValue* resources = resources_of(document);
  if (resources == nullptr) return out;
  for (const auto& [logical_id, resource] : resources->as_object()) {
    const JsonValue* type = resource.find("Type");
    const JsonValue* properties = resource.find("Properties");
    out.insert_or_assign(logical_id,
                         std::make_pair(type && type->is_string() ? type->as_string() : "",
                                        properties ? *properties : JsonValue::object()));
  }
  return out;
}

std::vector<ResourceChange> changes_between(const Stack* existing, const JsonValue& document) {
  std::vector<ResourceChange> out;
  const auto next = declared(document);
  std::map<std::string, std::pair<std::string, JsonValue>> before;
  if (existing != nullptr && !existing->template_body.empty()) {
    if (auto old = deploy::parse_template(existing->template_body)) before = declared(*old);
  }
  auto physical_id = [existing](const std::string& logical_id) -> std::string {
    if (existing == nullptr) return "";
    for (const deploy::StackResource& resource : existing->resources) {
      if (resource.logical_id == logical_id) return resource.physical_id;
    }
    return "";
  };
  for (const auto& [logical_id, resource] : next) {
    const auto old = before.find(logical_id);
    if (old == before.end()) {
      out.push_back({"Add", logical_id, "", resource.first});
    } else if (old->second != resource) {
      out.push_back({"Modify", logical_id, physical_id(logical_id), resource.first});
    }
  }
  for (const auto& [logical_id, resource] : before) {
    if (next.count(logical_id) == 0) {
      out.push_back({"Remove", logical_id, physical_id(logical_id), resource.first});
    }
  }
  return out;
}

bool same_parameters(const std::vector<Parameter>& a, const std::vector<Parameter>& b) {
  auto values = [](const std::vector<Parameter>& parameters) {
    std::map<std::string, std::string> out;
    for (const Parameter& parameter : parameters) out[parameter.key] = parameter.value;
    return out;
  };
  return values(a) == values(b);
}

// A parameter's value as the API shows it: a list joined by commas.
std::string parameter_text(const JsonValue& value) {
  if (!value.is_array()) return value.as_string();
  std::string out;
  for (const JsonValue& item : value.as_array()) out += (out.empty() ? "" : ",") + item.as_string();
  return out;
}

}  // namespace

std::string required_capability(const JsonValue& document) {
  std::string needed;
  const JsonValue* resources = resources_of(document);
  if (resources == nullptr) return needed;
  for (const auto& [logical_id, resource] : resources->as_object()) {
    const JsonValue* type = resource.find("Type");
    if (type == nullptr || !type->is_string()) continue;
    const auto iam = kIamNameProperties.find(type->as_string());
    if (iam == kIamNameProperties.end()) continue;
    const JsonValue* properties = resource.find("Properties");
    if (!iam->second.empty() && properties && properties->find(iam->second) != nullptr) {
      return "CAPABILITY_NAMED_IAM";
    }
    needed = "CAPABILITY_IAM";
  }
  return needed;
}

std::vector<std::pair<std::string, std::string>> parameter_pairs(
    const std::vector<Parameter>& parameters) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Parameter& parameter : parameters) out.emplace_back(parameter.key, parameter.value);
  return out;
}

Result<std::vector<Parameter>> parameter_values(const std::vector<Parameter>& given,
                                                const Stack* existing) {
  std::vector<Parameter> out;
  for (const Parameter& parameter : given) {
    if (!parameter.use_previous) {
      out.push_back({parameter.key, parameter.value, false});
      continue;
    }
    const auto previous =
        existing == nullptr
            ? std::vector<Parameter>::const_iterator{}
            : std::find_if(existing->parameters.begin(), existing->parameters.end(),
                           [&parameter](const Parameter& p) { return p.key == parameter.key; });
    if (existing == nullptr || previous == existing->parameters.end()) {
      return make_error("ValidationError", "Invalid input for parameter key " + parameter.key +
                                               ". Cannot specify usePreviousValue as true for a "
                                               "parameter key not in the previous template");
    }
    out.push_back({parameter.key, previous->value, false});
  }
  return out;
}

Result<ChangeSet> plan_change_set(const ChangeSetRequest& request, const std::string& type,
                                  const Stack* existing, const std::string& stack_id,
                                  const std::string& region) {
  auto document = deploy::parse_template(request.template_body);
  if (!document)
    return make_error("ValidationError", "Template format error: " + document.error().message);
  const std::string capability = required_capability(*document);
  const auto& acknowledged = request.capabilities;
  const bool named = std::find(acknowledged.begin(), acknowledged.end(), "CAPABILITY_NAMED_IAM") !=
                     acknowledged.end();
  const bool unnamed =
      std::find(acknowledged.begin(), acknowledged.end(), "CAPABILITY_IAM") != acknowledged.end();
  if ((capability == "CAPABILITY_NAMED_IAM" && !named) ||
      (capability == "CAPABILITY_IAM" && !named && !unnamed)) {
    return make_error("InsufficientCapabilitiesException",
                      "Requires capabilities : [" + capability + "]");
  }
  auto values = parameter_values(request.parameters, existing);
  if (!values) return values.take_error();
  // The checks a deploy makes first (parameters, conditions, types, references), now.
  auto plan =
      deploy::plan_stack(*document, parameter_pairs(*values), request.stack_name, stack_id, region);
  if (!plan) {
    const bool template_error = aws::has_code(plan.error(), deploy::kInvalidTemplate);
    return make_error("ValidationError",
                      (template_error ? "Template format error: " : "") + plan.error().message);
  }
  ChangeSet out;
  // Every parameter the template declares, defaults included, as DescribeStacks lists them.
  values->clear();
  for (const auto& [key, value] : plan->context.parameters) {
    if (key.starts_with("AWS::")) continue;
    values->push_back({key, parameter_text(value), false});
  }
  out.name = request.change_set_name;
  out.type = type;
  out.description = request.description;
  out.template_body = request.template_body;
  out.parameters = std::move(*values);
  out.capabilities = request.capabilities;
  out.changes = changes_between(existing, *document);
  if (type == "UPDATE" && out.changes.empty() &&
      same_parameters(out.parameters, existing->parameters)) {
    out.status = "FAILED";
    out.execution_status = "UNAVAILABLE";
    out.status_reason =
        "The submitted information didn't contain changes. Submit different information to "
        "create a change set.";
  }
  return out;
}

}  // namespace csv2ddb::local::cloudformation
