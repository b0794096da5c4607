// What CloudFormation knows of a stack: its status, template, parameters, outputs, resources,
// events and change sets, in the API's terms.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "local/deploy/stack_deployer.hpp"

namespace csv2ddb::local::cloudformation {

using Clock = std::chrono::system_clock;

struct StackEvent {
  std::string event_id;
  std::string logical_id;
  std::string physical_id;
  std::string type;
  std::string status;
  std::string reason;
  Clock::time_point timestamp;
};

struct Parameter {
  std::string key;
  std::string value;
  bool use_previous = false;
};

struct ResourceChange {
  std::string action;  // Add, Modify, Remove
  std::string logical_id;
  std::string physical_id;
  std::string type;
};

struct ChangeSet {
  std::string id;
  std::string name;
  std::string stack_id;
  std::string stack_name;
  std::string type;  // CREATE, UPDATE
  std::string status = "CREATE_COMPLETE";
  std::string status_reason;
  std::string execution_status = "AVAILABLE";
  std::string description;
  std::string template_body;
  std::vector<Parameter> parameters;  // resolved: every value given
  std::vector<std::string> capabilities;
  std::vector<ResourceChange> changes;
  Clock::time_point created;
};

struct Stack {
  std::string id;
  std::string name;
  std::string status;
  std::string status_reason;
  std::string description;
  Clock::time_point created;
  std::optional<Clock::time_point> updated;
  std::string template_body;
  std::vector<Parameter> parameters;
  std::vector<std::string> capabilities;
  std::vector<deploy::StackOutput> outputs;
  std::vector<deploy::StackResource> resources;
  std::vector<StackEvent> events;  // oldest first
  std::vector<ChangeSet> change_sets;
};

struct ChangeSetCreated {
  std::string id;
  std::string stack_id;
};

}  // namespace csv2ddb::local::cloudformation
