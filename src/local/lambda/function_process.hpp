// One execution environment's process: the function's `bootstrap` started as Lambda starts it,
// with an exact environment (nothing inherited but what Lambda itself provides), its own
// process group (so a bootstrap script and what it execs die together), and stdout and stderr
// appended to the function's log file, the local stand-in for CloudWatch Logs.
#pragma once

#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

#include "common/result.hpp"

namespace csv2ddb::local::lambda {

struct ProcessSpec {
  std::vector<std::string> argv;  // argv[0] is the executable's path
  std::vector<std::pair<std::string, std::string>> environment;
  std::string working_dir;
  std::string log_path;  // stdout and stderr, appended
};

class FunctionProcess {
 public:
  // Errors: "SpawnFailed" naming the executable and the reason.
  static Result<FunctionProcess> start(const ProcessSpec& spec);

  pid_t pid() const { return pid_; }
  // SIGKILL to the whole process group (a timeout, or the end of a grace period).
  void kill_group() const;
  // SIGTERM to the group (shutdown), as Lambda does before it stops an environment.
  void terminate_group() const;
  // Blocks until the process exits and reaps it; returns a description such as
  // "exit status 1" or "signal 9" (Lambda's words for Runtime.ExitError). Exactly one thread
  // calls this per process.
  std::string wait() const;
  // The process's peak resident memory in MB so far (VmHWM), 0 when unknown.
  long peak_rss_mb() const;

 private:
  explicit FunctionProcess(pid_t pid) : pid_(pid) {}
  pid_t pid_ = -1;
};

}  // namespace csv2ddb::local::lambda
