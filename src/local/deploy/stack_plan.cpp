// The checks CloudFormation makes before it creates anything: parameters, conditions, the
// resources' types, references and DependsOn, and an order that creates every resource after
// those it depends on.
#include <set>

#include "local/deploy/intrinsics.hpp"
#include "local/deploy/parameters.hpp"
#include "local/deploy/stack_deployer.hpp"

namespace csv2ddb::local::deploy {
namespace {

using model::JsonValue;

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

Result<std::vector<DeclaredResource>> declared_resources(const JsonValue& document,
                                                         ResolveContext& context) {
  const JsonValue* resources = document.find("Resources");
  if (resources == nullptr || !resources->is_object() || resources->as_object().empty()) {
    return invalid("the template has no Resources");
  }
  static const JsonValue kNoProperties = JsonValue::object();
  std::vector<DeclaredResource> out;
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
    DeclaredResource declared{
        logical_id, type->as_string(), resource.find("Properties"), {}, false};
    if (const JsonValue* policy = resource.find("DeletionPolicy")) {
      if (!policy->is_string() ||
          (policy->as_string() != "Delete" && policy->as_string() != "Retain" &&
           policy->as_string() != "Snapshot")) {
        return invalid("the resource " + logical_id +
                       " has an invalid DeletionPolicy (Delete, Retain or Snapshot)");
      }
      // A snapshot is a backup the local AWS does not keep: Snapshot deletes.
      declared.retain = policy->as_string() == "Retain";
    }
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
Result<std::vector<DeclaredResource>> creation_order(const std::vector<DeclaredResource>& declared,
                                                     const ResolveContext& context) {
  std::vector<DeclaredResource> order;
  std::set<std::string> done(context.skipped.begin(), context.skipped.end());
  while (order.size() < declared.size()) {
    bool progressed = false;
    for (const DeclaredResource& resource : declared) {
      if (done.count(resource.logical_id) > 0) continue;
      bool ready = true;
      for (const std::string& dependency : resource.depends_on) {
        ready = ready && done.count(dependency) > 0;
      }
      if (!ready) continue;
      order.push_back(resource);
      done.insert(resource.logical_id);
      progressed = true;
    }
    if (!progressed) {
      std::string cycle;
      for (const DeclaredResource& resource : declared) {
        if (done.count(resource.logical_id) == 0) {
          cycle += (cycle.empty() ? "" : ", ") + resource.logical_id;
        }
      }
      return invalid("circular dependency between resources: " + cycle);
    }
  }
  return order;
}

}  // namespace

Result<StackPlan> plan_stack(JsonValue document,
                             const std::vector<std::pair<std::string, std::string>>& parameters,
                             const std::string& stack_name, const std::string& stack_id,
                             const std::string& region) {
  StackPlan plan;
  plan.stack_name = stack_name;
  plan.stack_id = stack_id;
  plan.document = std::make_unique<JsonValue>(std::move(document));
  const JsonValue& doc = *plan.document;
  if (!doc.is_object()) return invalid("the template is not a mapping");
  if (const JsonValue* description = doc.find("Description");
      description && description->is_string()) {
    plan.description = description->as_string();
  }
  auto values = resolve_parameters(doc, parameters);
  if (!values) return values.take_error();
  plan.context.parameters = pseudo_parameters(region, stack_name, stack_id);
  for (auto& [name, value] : *values) plan.context.parameters[name] = std::move(value);
  plan.context.mappings = doc.find("Mappings");
  if (Status ok = evaluate_conditions(doc, plan.context); !ok) return ok.take_error();
  auto declared = declared_resources(doc, plan.context);
  if (!declared) return declared.take_error();
  auto order = creation_order(*declared, plan.context);
  if (!order) return order.take_error();
  plan.resources = std::move(*order);
  return plan;
}

}  // namespace csv2ddb::local::deploy
