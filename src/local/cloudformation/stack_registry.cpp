#include "local/cloudformation/stack_registry.hpp"

#include <utility>

#include "local/cloudformation/stack_records.hpp"
#include "local/request_id.hpp"

namespace csv2ddb::local::cloudformation {
namespace {

// How long ExecuteChangeSet and DeleteStack wait for the operation before answering: a stack
// of this project's template takes a second or two, and awscli's waiters poll every 30 s.
constexpr auto kAnswerWait = std::chrono::seconds(25);

Error validation(const std::string& message) {
  return make_error("ValidationError", message);
}

bool is_live(const Stack& stack) {
  return stack.status != "DELETE_COMPLETE";
}

bool in_progress(const Stack& stack) {
  return stack.status.ends_with("_IN_PROGRESS") && stack.status != "REVIEW_IN_PROGRESS";
}

// A stack whose create failed (or is still changing) can only be deleted.
bool updatable(const Stack& stack) {
  return !in_progress(stack) && stack.status != "ROLLBACK_COMPLETE" &&
         stack.status != "ROLLBACK_FAILED" && stack.status != "CREATE_FAILED" &&
         stack.status != "DELETE_FAILED";
}

}  // namespace

StackRegistry::StackRegistry(std::function<ControlPlane()> control, std::string data_dir)
    : control_(std::move(control)), file_(data_dir + "/cloudformation/stacks.json") {
  if (auto loaded = load_stacks(file_)) stacks_ = std::move(*loaded);
}

StackRegistry::~StackRegistry() {
  for (std::thread& operation : operations_) {
    if (operation.joinable()) operation.join();
  }
}

Stack* StackRegistry::find_locked(const std::string& name_or_id) {
  return const_cast<Stack*>(std::as_const(*this).find_locked(name_or_id));
}

const Stack* StackRegistry::find_locked(const std::string& name_or_id) const {
  // Newest first: a name may have been used by a deleted stack before.
  for (auto it = stacks_.rbegin(); it != stacks_.rend(); ++it) {
    if (it->id == name_or_id) return &*it;
    if (it->name == name_or_id && is_live(*it)) return &*it;
  }
  return nullptr;
}

Result<Stack> StackRegistry::find(const std::string& stack) const {
  std::lock_guard lock(mutex_);
  const Stack* found = find_locked(stack);
  if (found == nullptr) return validation("Stack with id " + stack + " does not exist");
  return *found;
}

Result<std::vector<Stack>> StackRegistry::describe_stacks(const std::string& stack) const {
  if (!stack.empty()) {
    auto found = find(stack);
    if (!found) return found.take_error();
    return std::vector<Stack>{std::move(*found)};
  }
  std::lock_guard lock(mutex_);
  std::vector<Stack> out;
  for (const Stack& one : stacks_) {
    if (is_live(one)) out.push_back(one);
  }
  return out;
}

Result<ChangeSetCreated> StackRegistry::create_change_set(const ChangeSetRequest& request) {
  const std::string type = request.type.empty() ? "CREATE" : request.type;
  if (type != "CREATE" && type != "UPDATE") {
    return validation("ChangeSetType " + type + " is not supported (CREATE or UPDATE)");
  }
  std::optional<Stack> existing;
  if (auto found = find(request.stack_name)) existing = std::move(*found);
  if (type == "CREATE" && existing && existing->status != "REVIEW_IN_PROGRESS") {
    return make_error("AlreadyExistsException",
                      "Stack [" + request.stack_name + "] already exists");
  }
  if (type == "UPDATE" && (!existing || existing->status == "REVIEW_IN_PROGRESS")) {
    return validation("Stack [" + request.stack_name + "] does not exist");
  }
  if (type == "UPDATE" && !updatable(*existing)) {
    return validation("Stack:" + existing->id + " is in " + existing->status +
                      " state and can not be updated.");
  }
  const std::string stack_id =
      existing ? existing->id : deploy::new_stack_id(control_().region, request.stack_name);
  auto planned =
      plan_change_set(request, type, existing ? &*existing : nullptr, stack_id, control_().region);
  if (!planned) return planned.take_error();
  ChangeSet change_set = std::move(*planned);
  change_set.id = "arn:aws:cloudformation:" + control_().region + ":" +
                  std::string(iam::kAccountId) + ":changeSet/" + request.change_set_name + "/" +
                  new_uuid();
  change_set.created = Clock::now();
  change_set.stack_id = stack_id;
  change_set.stack_name = request.stack_name;

  std::lock_guard lock(mutex_);
  Stack* stack = find_locked(stack_id);
  if (stack == nullptr) {
    Stack made;
    made.id = stack_id;
    made.name = request.stack_name;
    made.status = "REVIEW_IN_PROGRESS";
    made.status_reason = "User Initiated";
    made.created = change_set.created;
    stacks_.push_back(std::move(made));
    stack = &stacks_.back();
    record(*stack, {stack->name, "AWS::CloudFormation::Stack", stack->id, "REVIEW_IN_PROGRESS",
                    "User Initiated"});
  }
  for (const ChangeSet& other : stack->change_sets) {
    if (other.name == request.change_set_name) {
      return make_error("AlreadyExistsException",
                        "ChangeSet " + request.change_set_name + " already exists");
    }
  }
  stack->change_sets.push_back(change_set);
  return ChangeSetCreated{change_set.id, stack_id};
}

Result<ChangeSet> StackRegistry::describe_change_set(const std::string& change_set,
                                                     const std::string& stack_name) {
  std::lock_guard lock(mutex_);
  for (auto it = stacks_.rbegin(); it != stacks_.rend(); ++it) {
    if (!stack_name.empty() && it->name != stack_name && it->id != stack_name) continue;
    for (const ChangeSet& one : it->change_sets) {
      if (one.id == change_set || one.name == change_set) return one;
    }
  }
  return make_error("ChangeSetNotFound", "ChangeSet [" + change_set + "] does not exist");
}

Status StackRegistry::execute_change_set(const std::string& change_set,
                                         const std::string& stack_name) {
  auto found = describe_change_set(change_set, stack_name);
  if (!found) return found.take_error();
  std::string stack_id;
  {
    std::lock_guard lock(mutex_);
    for (Stack& stack : stacks_) {
      for (ChangeSet& one : stack.change_sets) {
        if (one.id != found->id) continue;
        if (one.status != "CREATE_COMPLETE" || one.execution_status != "AVAILABLE") {
          return make_error("InvalidChangeSetStatus",
                            "ChangeSet [" + one.id +
                                "] cannot be executed in its current status "
                                "of [" +
                                one.status + "]");
        }
        if (in_progress(stack)) {
          return validation("Stack:" + stack.id + " is in " + stack.status +
                            " state and can not be updated.");
        }
        one.execution_status = "EXECUTE_IN_PROGRESS";
        stack_id = stack.id;
        set_status(stack, one.type == "CREATE" ? "CREATE_IN_PROGRESS" : "UPDATE_IN_PROGRESS",
                   "User Initiated");
      }
    }
  }
  start([this, stack_id, change = *found] { run_change(stack_id, change); });
  return {};
}

Status StackRegistry::delete_stack(const std::string& stack_name) {
  std::string stack_id;
  {
    std::lock_guard lock(mutex_);
    Stack* stack = find_locked(stack_name);
    // CloudFormation answers a delete of a stack that does not exist with success.
    if (stack == nullptr || !is_live(*stack)) return {};
    if (in_progress(*stack)) {
      if (stack->status == "DELETE_IN_PROGRESS") return {};
      return validation("Stack [" + stack->name + "] cannot be deleted while in status " +
                        stack->status);
    }
    stack_id = stack->id;
    set_status(*stack, "DELETE_IN_PROGRESS", "User Initiated");
  }
  start([this, stack_id] { run_delete(stack_id); });
  return {};
}

void StackRegistry::start(std::function<void()> operation) {
  std::unique_lock lock(mutex_);
  ++running_;
  operations_.emplace_back([this, operation = std::move(operation)] {
    operation();
    std::lock_guard done(mutex_);
    --running_;
    finished_.notify_all();
  });
  finished_.wait_for(lock, kAnswerWait, [this] { return running_ == 0; });
}

deploy::EventSink StackRegistry::sink_for(const std::string& stack_id) {
  return [this, stack_id](const deploy::ResourceEvent& event) {
    std::lock_guard lock(mutex_);
    if (Stack* stack = find_locked(stack_id)) record(*stack, event);
  };
}

void StackRegistry::record(Stack& stack, const deploy::ResourceEvent& event) {
  stack.events.push_back({new_uuid(), event.logical_id, event.physical_id, event.type, event.status,
                          event.reason, Clock::now()});
}

void StackRegistry::set_status(Stack& stack, const std::string& status, const std::string& reason) {
  stack.status = status;
  stack.status_reason = reason;
  record(stack, {stack.name, "AWS::CloudFormation::Stack", stack.id, status, reason});
  if (!status.ends_with("_IN_PROGRESS")) save_locked();
}

void StackRegistry::save_locked() const {
  (void)save_stacks(file_, stacks_);  // the stack's state in memory stays right either way
}

}  // namespace csv2ddb::local::cloudformation
