// The long part of each stack operation, on its own thread: executing a change set (create or
// update, rolled back on a failure), deleting a stack, and deploying the saved stacks again at
// start. The registry's lock is held only to read and record, never while resources change.
#include <set>

#include "local/cloudformation/stack_registry.hpp"
#include "local/deploy/template_document.hpp"

namespace csv2ddb::local::cloudformation {
namespace {

// Functions run the zip their Code names in the local S3, as `aws cloudformation package`
// uploaded it.
const deploy::FunctionCode kCodeFromTemplate{"", "", true};

std::string failed_list(const std::string& verb, const std::string& logical_id) {
  return "The following resource(s) failed to " + verb + ": [" + logical_id + "]. ";
}

// The resources of `before` that `after` no longer has.
std::vector<deploy::StackResource> dropped(const std::vector<deploy::StackResource>& before,
                                           const std::vector<deploy::StackResource>& after) {
  std::set<std::string> kept;
  for (const deploy::StackResource& resource : after) kept.insert(resource.logical_id);
  std::vector<deploy::StackResource> out;
  for (const deploy::StackResource& resource : before) {
    if (kept.count(resource.logical_id) == 0) out.push_back(resource);
  }
  return out;
}

struct Built {
  deploy::StackBuild build;
  std::string description;
  std::string failed_resource;  // "" when the failure is not a resource's
};

Built build_from(ControlPlane& control, const std::string& template_body,
                 const std::vector<Parameter>& parameters, const std::string& stack_name,
                 const std::string& stack_id, const deploy::EventSink& events) {
  Built out;
  auto document = deploy::parse_template(template_body);
  if (!document) {
    out.build.failure = document.take_error();
    return out;
  }
  auto plan = deploy::plan_stack(std::move(*document), parameter_pairs(parameters), stack_name,
                                 stack_id, control.region);
  if (!plan) {
    out.build.failure = plan.take_error();
    return out;
  }
  out.description = plan->description;
  out.build = deploy::build_stack(control, *plan, kCodeFromTemplate, events);
  if (out.build.failure && out.build.created.size() < plan->resources.size()) {
    out.failed_resource = plan->resources[out.build.created.size()].logical_id;
  }
  return out;
}

}  // namespace

void StackRegistry::run_change(std::string stack_id, ChangeSet change) {
  ControlPlane control = control_();
  Stack before;
  {
    std::lock_guard lock(mutex_);
    before = *find_locked(stack_id);
  }
  const bool create = change.type == "CREATE";
  const deploy::EventSink events = sink_for(stack_id);
  Built built =
      build_from(control, change.template_body, change.parameters, before.name, stack_id, events);
  if (!built.build.failure) {
    const auto removed = dropped(before.resources, built.build.created);
    if (!removed.empty()) {
      {
        std::lock_guard lock(mutex_);
        set_status(*find_locked(stack_id), "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", "");
      }
      (void)deploy::delete_stack_resources(control, before.name, stack_id, removed, events);
    }
    std::lock_guard lock(mutex_);
    Stack& stack = *find_locked(stack_id);
    stack.template_body = change.template_body;
    stack.parameters = change.parameters;
    stack.capabilities = change.capabilities;
    stack.description = built.description;
    stack.outputs = std::move(built.build.outputs);
    stack.resources = std::move(built.build.created);
    if (!create) stack.updated = Clock::now();
    for (ChangeSet& one : stack.change_sets) {
      if (one.id == change.id) one.execution_status = "EXECUTE_COMPLETE";
    }
    set_status(stack, create ? "CREATE_COMPLETE" : "UPDATE_COMPLETE", "");
    return;
  }

  const std::string verb = create ? "create" : "update";
  const std::string reason = built.failed_resource.empty()
                                 ? built.build.failure->message
                                 : failed_list(verb, built.failed_resource);
  {
    std::lock_guard lock(mutex_);
    Stack& stack = *find_locked(stack_id);
    for (ChangeSet& one : stack.change_sets) {
      if (one.id == change.id) one.execution_status = "EXECUTE_FAILED";
    }
    if (create) {  // a failed stack keeps the template it was created from
      stack.template_body = change.template_body;
      stack.parameters = change.parameters;
      stack.capabilities = change.capabilities;
    }
    set_status(stack, create ? "ROLLBACK_IN_PROGRESS" : "UPDATE_ROLLBACK_IN_PROGRESS",
               reason + "Rollback requested by user.");
  }
  if (create) {
    auto left = deploy::delete_stack_resources(control, before.name, stack_id,
                                               std::move(built.build.created), events);
    std::lock_guard lock(mutex_);
    Stack& stack = *find_locked(stack_id);
    stack.resources = left;
    // The reason stays with the ROLLBACK_IN_PROGRESS event, as CloudFormation keeps it.
    set_status(stack, left.empty() ? "ROLLBACK_COMPLETE" : "ROLLBACK_FAILED", "");
    return;
  }
  // An update goes back to the template and parameters the stack had, and removes what the
  // failed update added.
  Built restored =
      build_from(control, before.template_body, before.parameters, before.name, stack_id, events);
  (void)deploy::delete_stack_resources(control, before.name, stack_id,
                                       dropped(built.build.created, before.resources), events);
  std::lock_guard lock(mutex_);
  set_status(*find_locked(stack_id),
             restored.build.failure ? "UPDATE_ROLLBACK_FAILED" : "UPDATE_ROLLBACK_COMPLETE", "");
}

void StackRegistry::run_delete(std::string stack_id) {
  ControlPlane control = control_();
  Stack stack;
  {
    std::lock_guard lock(mutex_);
    stack = *find_locked(stack_id);
  }
  auto left = deploy::delete_stack_resources(control, stack.name, stack_id, stack.resources,
                                             sink_for(stack_id));
  std::lock_guard lock(mutex_);
  Stack& now = *find_locked(stack_id);
  now.resources = left;
  if (left.empty()) {
    set_status(now, "DELETE_COMPLETE", "");
    return;
  }
  std::string names;
  for (const deploy::StackResource& resource : left) {
    if (resource.retain) continue;
    names += (names.empty() ? "" : ", ") + resource.logical_id;
  }
  set_status(now, "DELETE_FAILED", failed_list("delete", names));
}

void StackRegistry::restore() {
  std::vector<Stack> saved;
  {
    std::lock_guard lock(mutex_);
    for (const Stack& stack : stacks_) {
      if (stack.status == "CREATE_COMPLETE" || stack.status == "UPDATE_COMPLETE" ||
          stack.status == "UPDATE_ROLLBACK_COMPLETE") {
        saved.push_back(stack);
      }
    }
  }
  ControlPlane control = control_();
  for (const Stack& stack : saved) {
    Built built =
        build_from(control, stack.template_body, stack.parameters, stack.name, stack.id, {});
    std::lock_guard lock(mutex_);
    Stack& now = *find_locked(stack.id);
    if (built.build.failure) {
      now.status_reason =
          "csv2ddb local could not deploy it again: " + built.build.failure->message;
      continue;
    }
    now.outputs = std::move(built.build.outputs);
    now.resources = std::move(built.build.created);
  }
}

}  // namespace csv2ddb::local::cloudformation
