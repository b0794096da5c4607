// The stacks the CloudFormation API manages, with their change sets and events, as
// CloudFormation keeps them: a CREATE change set makes a stack in REVIEW_IN_PROGRESS; executing
// it creates the resources (deploy/stack_deployer.hpp) and, on a failure, rolls them back;
// an UPDATE deploys the new template over the stack and removes what it no longer declares; a
// delete removes the resources as CloudFormation does (Retain kept, a non-empty bucket
// DELETE_FAILED). Stacks are saved in the data folder and their functions come back when
// csv2ddb local starts again (restore()).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/result.hpp"
#include "local/cloudformation/change_sets.hpp"
#include "local/cloudformation/stack_types.hpp"
#include "local/local_aws.hpp"

namespace csv2ddb::local::cloudformation {

class StackRegistry {
 public:
  StackRegistry(std::function<ControlPlane()> control, std::string data_dir);
  ~StackRegistry();

  // Errors are CloudFormation's: ValidationError (with its messages),
  // InsufficientCapabilitiesException, AlreadyExistsException, ChangeSetNotFound,
  // InvalidChangeSetStatus.
  Result<ChangeSetCreated> create_change_set(const ChangeSetRequest& request);
  Result<ChangeSet> describe_change_set(const std::string& change_set, const std::string& stack);
  // Starts the change and waits a while for it to end (so that a waiter's first look usually
  // finds the stack complete); the stack's status says how it went.
  Status execute_change_set(const std::string& change_set, const std::string& stack);
  Status delete_stack(const std::string& stack);
  // Every live stack when `stack` is empty.
  Result<std::vector<Stack>> describe_stacks(const std::string& stack) const;
  // A stack by name or id, deleted ones too (by id only, as CloudFormation).
  Result<Stack> find(const std::string& stack) const;

  // Deploys the saved stacks again (their functions live in this process); at start.
  void restore();

 private:
  const Stack* find_locked(const std::string& name_or_id) const;
  Stack* find_locked(const std::string& name_or_id);
  void record(Stack& stack, const deploy::ResourceEvent& event);
  void set_status(Stack& stack, const std::string& status, const std::string& reason);
  void run_change(std::string stack_id, ChangeSet change_set);
  void run_delete(std::string stack_id);
  void start(std::function<void()> operation);
  void save_locked() const;
  deploy::EventSink sink_for(const std::string& stack_id);

  std::function<ControlPlane()> control_;
  std::string file_;
  mutable std::mutex mutex_;
  std::condition_variable finished_;
  std::vector<Stack> stacks_;  // deleted ones too, by creation
  std::vector<std::thread> operations_;
  std::size_t running_ = 0;
};

}  // namespace csv2ddb::local::cloudformation
