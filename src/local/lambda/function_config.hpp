// A function as the local AWS knows it: what the template (or a test) declared, plus how this
// machine starts its bootstrap and the credentials of its execution role.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "aws/sigv4.hpp"

namespace csv2ddb::local::lambda {

struct FunctionConfig {
  std::string name;
  std::string arn;  // arn:aws:lambda:REGION:ACCOUNT:function:NAME
  std::string runtime = "provided.al2023";
  std::string handler;
  std::string role_arn;
  std::string description;
  std::string architecture = "x86_64";  // as declared: x86_64 or arm64
  int memory_mb = 128;
  int timeout_seconds = 3;
  std::vector<std::pair<std::string, std::string>> variables;  // Environment.Variables
  // How this machine starts the function's bootstrap (argv), and its LAMBDA_TASK_ROOT.
  std::vector<std::string> command;
  std::vector<std::pair<std::string, std::string>> host_environment;  // e.g. CSV2DDB_EMULATOR
  std::string task_root;
  std::uint64_t code_size = 0;
  aws::Credentials credentials;  // a session of the execution role
  std::string log_group;         // /aws/lambda/NAME unless the template says otherwise
  // AWS::Lambda::EventInvokeConfig: retries of a failed asynchronous invocation (0 to 2) and
  // where the record of one that failed them all goes (an S3 bucket's ARN; "" for nowhere).
  int maximum_retry_attempts = 2;
  std::string on_failure_destination;
  // ReservedConcurrentExecutions: at most this many environments at once, and a synchronous
  // invocation past it is throttled (429), as Lambda does. Unset: the machine's limit
  // (ExecutorSettings::max_environments), and invocations past it wait their turn.
  std::optional<int> reserved_concurrency;
};

// A statement of the function's resource policy (AWS::Lambda::Permission, AddPermission).
struct InvokePermission {
  std::string sid;
  std::string action = "lambda:InvokeFunction";
  std::string principal;  // "s3.amazonaws.com", an account id, or an ARN
  std::string source_arn;
  std::string source_account;
};

}  // namespace csv2ddb::local::lambda
