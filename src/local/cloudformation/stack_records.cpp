// Stacks as JSON in the data folder (cloudformation/stacks.json): what restore() needs to
// deploy them again and a delete needs to remove their resources. Events and change sets are
// not kept: they describe this run.
#include "local/cloudformation/stack_records.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "aws/http_date.hpp"

namespace csv2ddb::local::cloudformation {
namespace {

using model::JsonValue;

JsonValue text(const std::string& value) {
  return JsonValue::string(value);
}

std::string member(const JsonValue& object, std::string_view name) {
  const JsonValue* value = object.find(name);
  return value && value->is_string() ? value->as_string() : "";
}

JsonValue strings(const std::vector<std::string>& values) {
  JsonValue out = JsonValue::array();
  for (const std::string& value : values) out.push(text(value));
  return out;
}

std::vector<std::string> strings_of(const JsonValue* array) {
  std::vector<std::string> out;
  if (array == nullptr || !array->is_array()) return out;
  for (const JsonValue& value : array->as_array()) out.push_back(value.as_string());
  return out;
}

JsonValue resource_json(const deploy::StackResource& resource) {
  JsonValue out = JsonValue::object();
  out.set("LogicalResourceId", text(resource.logical_id));
  out.set("ResourceType", text(resource.type));
  out.set("PhysicalResourceId", text(resource.physical_id));
  out.set("DependsOn", strings(std::vector<std::string>(resource.depends_on.begin(),
                                                        resource.depends_on.end())));
  out.set("Retain", JsonValue::boolean(resource.retain));
  out.set("Properties", resource.properties);
  return out;
}

deploy::StackResource resource_of(const JsonValue& json) {
  deploy::StackResource out;
  out.logical_id = member(json, "LogicalResourceId");
  out.type = member(json, "ResourceType");
  out.physical_id = member(json, "PhysicalResourceId");
  for (std::string& name : strings_of(json.find("DependsOn"))) out.depends_on.insert(name);
  const JsonValue* retain = json.find("Retain");
  out.retain = retain && retain->is_bool() && retain->as_bool();
  if (const JsonValue* properties = json.find("Properties")) out.properties = *properties;
  return out;
}

JsonValue stack_json(const Stack& stack) {
  JsonValue out = JsonValue::object();
  out.set("StackId", text(stack.id));
  out.set("StackName", text(stack.name));
  out.set("StackStatus", text(stack.status));
  out.set("StackStatusReason", text(stack.status_reason));
  out.set("Description", text(stack.description));
  out.set("CreationTime", text(aws::format_iso8601(stack.created)));
  if (stack.updated) out.set("LastUpdatedTime", text(aws::format_iso8601(*stack.updated)));
  out.set("TemplateBody", text(stack.template_body));
  JsonValue parameters = JsonValue::object();
  for (const Parameter& parameter : stack.parameters) {
    parameters.set(parameter.key, text(parameter.value));
  }
  out.set("Parameters", std::move(parameters));
  out.set("Capabilities", strings(stack.capabilities));
  JsonValue outputs = JsonValue::array();
  for (const deploy::StackOutput& output : stack.outputs) {
    JsonValue one = JsonValue::object();
    one.set("OutputKey", text(output.key));
    one.set("OutputValue", text(output.value));
    one.set("Description", text(output.description));
    outputs.push(std::move(one));
  }
  out.set("Outputs", std::move(outputs));
  JsonValue resources = JsonValue::array();
  for (const deploy::StackResource& resource : stack.resources) {
    resources.push(resource_json(resource));
  }
  out.set("Resources", std::move(resources));
  return out;
}

Stack stack_of(const JsonValue& json) {
  Stack out;
  out.id = member(json, "StackId");
  out.name = member(json, "StackName");
  out.status = member(json, "StackStatus");
  out.status_reason = member(json, "StackStatusReason");
  out.description = member(json, "Description");
  auto created = aws::parse_iso8601(member(json, "CreationTime"));
  out.created = created ? *created : Clock::now();
  if (auto updated = aws::parse_iso8601(member(json, "LastUpdatedTime")); updated) {
    out.updated = *updated;
  }
  out.template_body = member(json, "TemplateBody");
  if (const JsonValue* parameters = json.find("Parameters");
      parameters && parameters->is_object()) {
    for (const auto& [key, value] : parameters->as_object()) {
      out.parameters.push_back({key, value.as_string(), false});
    }
  }
  out.capabilities = strings_of(json.find("Capabilities"));
  if (const JsonValue* outputs = json.find("Outputs"); outputs && outputs->is_array()) {
    for (const JsonValue& output : outputs->as_array()) {
      out.outputs.push_back({member(output, "OutputKey"), member(output, "OutputValue"),
                             member(output, "Description")});
    }
  }
  if (const JsonValue* resources = json.find("Resources"); resources && resources->is_array()) {
    for (const JsonValue& resource : resources->as_array()) {
      out.resources.push_back(resource_of(resource));
    }
  }
  return out;
}

}  // namespace

Status save_stacks(const std::string& file, const std::vector<Stack>& stacks) {
  JsonValue document = JsonValue::array();
  for (const Stack& stack : stacks) document.push(stack_json(stack));
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(file).parent_path(), ec);
  const std::string temporary = file + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << model::to_json(document);
    if (!out) return make_error("InternalFailure", "cannot write " + temporary);
  }
  std::filesystem::rename(temporary, file, ec);  // a crash leaves the old file or the new one
  if (ec) return make_error("InternalFailure", "cannot write " + file + ": " + ec.message());
  return {};
}

Result<std::vector<Stack>> load_stacks(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::vector<Stack>{};
  std::ostringstream bytes;
  bytes << in.rdbuf();
  auto document = model::parse_json(bytes.str());
  if (!document || !document->is_array()) {
    return make_error("InvalidStackRecord", file + " is not a JSON array of stacks");
  }
  std::vector<Stack> out;
  for (const JsonValue& stack : document->as_array()) out.push_back(stack_of(stack));
  return out;
}

}  // namespace csv2ddb::local::cloudformation
