#include "local/deploy/stack_deployer.hpp"

#include <map>
#include <set>

#include "aws/environment.hpp"
#include "local/deploy/intrinsics.hpp"
#include "local/deploy/parameters.hpp"
#include "local/deploy/template_document.hpp"
#include "local/request_id.hpp"

namespace csv2ddb::local::deploy {
namespace {

using model::JsonValue;

struct Declared {
  std::string logical_id;
  std::string type;
  const JsonValue* properties = nullptr;
  std::set<std::string> depends_on;  // resources only
};

Error invalid(const std::string& message) {
  return make_error("InvalidTemplate", message);
}

// Conditions may name other conditions: evaluate until every one is known.
Status evaluate_conditions(const JsonValue& document, ResolveContext& context) {
  const JsonValue* conditions = document.find("Conditions");
  if (conditions == nullptr) return {};
  if (!conditions->is_object()) return invalid("Conditions must be a mapping");
  std::vector<std::pair<std::string, const JsonValue*>> left;
  for (const auto& [name, expression] : conditions->as_object())
    left.emplace_back(name, &expression);
  while (!left.empty()) {
    std::vector<std::pair<std::string, const JsonValue*>> still;
    std::optional<Error> last_error;
    for (const auto& [name, expression] : left) {
      auto value = evaluate_condition(*expression, context);
      if (value) {
        context.conditions[name] = *value;
      } else {
        still.emplace_back(name, expression);
        last_error = value.error();
      }
    }
    if (still.size() == left.size()) {
      return invalid("condition " + still.front().first + ": " + last_error->message);
    }
    left = std::move(still);
  }
  return {};
}

Result<std::vector<Declared>> declared_resources(const JsonValue& document,
                                                 ResolveContext& context) {
  const JsonValue* resources = document.find("Resources");
  if (resources == nullptr || !resources->is_object() || resources->as_object().empty()) {
    return invalid("the template has no Resources");
  }
  static const JsonValue kNoProperties = JsonValue::object();
  std::vector<Declared> out;
  std::set<std::string> names;
  for (const auto& [logical_id, resource] : resources->as_object()) names.insert(logical_id);
  for (const auto& [logical_id, resource] : resources->as_object()) {
    const JsonValue* type = resource.find("Type");
    if (type == nullptr || !type->is_string()) {
      return invalid("the resource " + logical_id + " has no Type");
    }
    if (handler_for(type->as_string()) == nullptr) {
      return invalid("the resource " + logical_id + " is a " + type->as_string() +
                     ", which csv2ddb local cannot deploy");
    }
    if (const JsonValue* condition = resource.find("Condition")) {
      const auto found = condition->is_string() ? context.conditions.find(condition->as_string())
                                                : context.conditions.end();
      if (found == context.conditions.end()) {
        return invalid("the resource " + logical_id + " names an undefined Condition");
      }
      if (!found->second) {
        context.skipped.insert(logical_id);
        continue;
      }
    }
    Declared declared{logical_id, type->as_string(), resource.find("Properties"), {}};
    if (declared.properties == nullptr) declared.properties = &kNoProperties;
    for (const std::string& name : dependencies(*declared.properties)) {
      if (names.count(name) > 0) declared.depends_on.insert(name);
    }
    if (const JsonValue* depends = resource.find("DependsOn")) {
      const JsonValue::Array single = {*depends};
      for (const JsonValue& name : depends->is_array() ? depends->as_array() : single) {
        if (!name.is_string() || names.count(name.as_string()) == 0) {
          return invalid("the resource " + logical_id + " depends on an undefined resource");
        }
        declared.depends_on.insert(name.as_string());
      }
    }
    declared.depends_on.erase(logical_id);
    out.push_back(std::move(declared));
  }
  return out;
}

// Kahn's algorithm; among the resources that are ready, the template's order.
Result<std::vector<const Declared*>> creation_order(const std::vector<Declared>& declared,
                                                    const ResolveContext& context) {
  std::vector<const Declared*> order;
  std::set<std::string> done(context.skipped.begin(), context.skipped.end());
  while (order.size() < declared.size()) {
    bool progressed = false;
    for (const Declared& resource : declared) {
      if (done.count(resource.logical_id) > 0) continue;
      bool ready = true;
      for (const std::string& dependency : resource.depends_on) {
        ready = ready && done.count(dependency) > 0;
      }
      if (!ready) continue;
      order.push_back(&resource);
      done.insert(resource.logical_id);
      progressed = true;
    }
    if (!progressed) {
      std::string cycle;
      for (const Declared& resource : declared) {
        if (done.count(resource.logical_id) == 0) {
          cycle += (cycle.empty() ? "" : ", ") + resource.logical_id;
        }
      }
      return invalid("circular dependency between resources: " + cycle);
    }
  }
  return order;
}

Result<aws::ServiceClients> admin_clients(const ControlPlane& control) {
  aws::Environment env =
      aws::Environment::from_map({{"AWS_ACCESS_KEY_ID", control.admin.access_key_id},
                                  {"AWS_SECRET_ACCESS_KEY", control.admin.secret_access_key},
                                  {"AWS_REGION", control.region},
                                  {"AWS_ENDPOINT_URL", control.endpoint_url},
                                  {"AWS_EC2_METADATA_DISABLED", "true"}});
  return aws::ServiceClients::create(env, aws::ServiceClientsOptions{});
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

}  // namespace

Result<StackOutputs> deploy_stack(ControlPlane& control, const DeployOptions& options) {
  auto document = load_template(options.template_path);
  if (!document) return document.take_error();
  auto parameters = resolve_parameters(*document, options.parameters);
  if (!parameters) return parameters.take_error();

  const std::string stack_id = "arn:aws:cloudformation:" + control.region + ":" +
                               std::string(iam::kAccountId) + ":stack/" + options.stack_name + "/" +
                               new_uuid();
  ResolveContext context;
  context.parameters = pseudo_parameters(control.region, options.stack_name, stack_id);
  for (auto& [name, value] : *parameters) context.parameters[name] = std::move(value);
  context.mappings = document->find("Mappings");
  if (Status ok = evaluate_conditions(*document, context); !ok) return ok.take_error();
  auto declared = declared_resources(*document, context);
  if (!declared) return declared.take_error();
  auto order = creation_order(*declared, context);
  if (!order) return order.take_error();

  auto clients = admin_clients(control);
  if (!clients) return clients.take_error();
  DeployContext deploy{control, *clients, options.stack_name, stack_id, options.code, "", {}};
  for (const Declared* resource : *order) {
    auto properties = resolve(*resource->properties, context);
    if (!properties) {
      return make_error(properties.error().code,
                        resource->logical_id + ": " + properties.error().message);
    }
    if (properties->is_null()) *properties = JsonValue::object();
    if (!properties->is_object()) {
      return invalid("the Properties of " + resource->logical_id + " are not a mapping");
    }
    deploy.resource_type = resource->type;
    auto created = handler_for(resource->type)(deploy, resource->logical_id, *properties);
    if (!created) return created.take_error();
    created->type = resource->type;
    if (options.progress) {
      options.progress("CREATE_COMPLETE " + resource->type + " " + resource->logical_id + " " +
                       created->physical_id);
    }
    context.resources[resource->logical_id] = std::move(*created);
  }

  StackOutputs out;
  if (const JsonValue* outputs = document->find("Outputs"); outputs && outputs->is_object()) {
    for (const auto& [name, output] : outputs->as_object()) {
      if (const JsonValue* condition = output.find("Condition");
          condition && condition->is_string()) {
        const auto found = context.conditions.find(condition->as_string());
        if (found != context.conditions.end() && !found->second) continue;
      }
      const JsonValue* value = output.find("Value");
      if (value == nullptr) return invalid("the output " + name + " has no Value");
      auto resolved = resolve(*value, context);
      if (!resolved) {
        return make_error(resolved.error().code,
                          "output " + name + ": " + resolved.error().message);
      }
      auto text = output_text(*resolved, name);
      if (!text) return text.take_error();
      out.outputs.emplace_back(name, *text);
    }
  }
  return out;
}

}  // namespace csv2ddb::local::deploy
