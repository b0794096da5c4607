#include "local/deploy/stack_deployer.hpp"

#include "local/deploy/intrinsics.hpp"
#include "local/deploy/template_document.hpp"
#include "local/request_id.hpp"

namespace csv2ddb::local::deploy {
namespace {

using model::JsonValue;

Error invalid(const std::string& message) {
  return make_error("InvalidTemplate", message);
}

Result<std::string> output_text(const JsonValue& value, const std::string& name) {
  if (value.is_string() || value.is_number()) return value.as_string();
  if (value.is_bool()) return std::string(value.as_bool() ? "true" : "false");
  if (value.is_array()) {
    std::string joined;
    for (const JsonValue& item : value.as_array()) {
      auto text = output_text(item, name);
      if (!text) return text;
      joined += (joined.empty() ? "" : ",") + *text;
    }
    return joined;
  }
  return invalid("the output " + name + " is not a string");
}

Result<std::vector<StackOutput>> resolve_outputs(const StackPlan& plan) {
  std::vector<StackOutput> out;
  const JsonValue* outputs = plan.document->find("Outputs");
  if (outputs == nullptr || !outputs->is_object()) return out;
  for (const auto& [name, output] : outputs->as_object()) {
    if (const JsonValue* condition = output.find("Condition");
        condition && condition->is_string()) {
      const auto found = plan.context.conditions.find(condition->as_string());
      if (found != plan.context.conditions.end() && !found->second) continue;
    }
    const JsonValue* value = output.find("Value");
    if (value == nullptr) return invalid("the output " + name + " has no Value");
    auto resolved = resolve(*value, plan.context);
    if (!resolved) {
      return make_error(resolved.error().code, "output " + name + ": " + resolved.error().message);
    }
    auto text = output_text(*resolved, name);
    if (!text) return text.take_error();
    out.push_back({name, *text, string_property(output, "Description")});
  }
  return out;
}

// Creates one resource; its resolved properties go to `resource`.
Result<DeployedResource> create_resource(DeployContext& deploy, const DeclaredResource& declared,
                                         const ResolveContext& context, StackResource& resource) {
  auto properties = resolve(*declared.properties, context);
  if (!properties) {
    return make_error(properties.error().code,
                      declared.logical_id + ": " + properties.error().message);
  }
  if (properties->is_null()) *properties = JsonValue::object();
  if (!properties->is_object()) {
    return invalid("the Properties of " + declared.logical_id + " are not a mapping");
  }
  resource.properties = *properties;
  deploy.resource_type = declared.type;
  return handler_for(declared.type)(deploy, declared.logical_id, *properties);
}

}  // namespace

std::string new_stack_id(const std::string& region, const std::string& stack_name) {
  return "arn:aws:cloudformation:" + region + ":" + std::string(iam::kAccountId) + ":stack/" +
         stack_name + "/" + new_uuid();
}

StackBuild build_stack(ControlPlane& control, StackPlan& plan, const FunctionCode& code,
                       const EventSink& events) {
  StackBuild build;
  auto clients = admin_clients(control);
  if (!clients) {
    build.failure = clients.error();
    return build;
  }
  DeployContext deploy{control, *clients, plan.stack_name, plan.stack_id, code, "", {}};
  for (const DeclaredResource& declared : plan.resources) {
    StackResource resource{declared.logical_id, declared.type,   "",
                           declared.depends_on, declared.retain, JsonValue::object()};
    if (events) events({declared.logical_id, declared.type, "", "CREATE_IN_PROGRESS", ""});
    auto created = create_resource(deploy, declared, plan.context, resource);
    if (!created) {
      if (events) {
        events({declared.logical_id, declared.type, "", "CREATE_FAILED", created.error().message});
      }
      build.failure = created.take_error();
      return build;
    }
    created->type = declared.type;
    resource.physical_id = created->physical_id;
    if (events) {
      events({declared.logical_id, declared.type, created->physical_id, "CREATE_COMPLETE", ""});
    }
    plan.context.resources[declared.logical_id] = std::move(*created);
    build.created.push_back(std::move(resource));
  }
  auto outputs = resolve_outputs(plan);
  if (!outputs) {
    build.failure = outputs.take_error();
    return build;
  }
  build.outputs = std::move(*outputs);
  return build;
}

Result<StackOutputs> deploy_stack(ControlPlane& control, const DeployOptions& options) {
  auto document = load_template(options.template_path);
  if (!document) return document.take_error();
  auto plan = plan_stack(std::move(*document), options.parameters, options.stack_name,
                         new_stack_id(control.region, options.stack_name), control.region);
  if (!plan) return plan.take_error();
  EventSink progress;
  if (options.progress) {
    progress = [&options](const ResourceEvent& event) {
      if (event.status != "CREATE_COMPLETE") return;
      options.progress(event.status + " " + event.type + " " + event.logical_id + " " +
                       event.physical_id);
    };
  }
  StackBuild build = build_stack(control, *plan, options.code, progress);
  if (build.failure) return std::move(*build.failure);
  StackOutputs out;
  for (StackOutput& output : build.outputs) {
    out.outputs.emplace_back(std::move(output.key), std::move(output.value));
  }
  return out;
}

}  // namespace csv2ddb::local::deploy
