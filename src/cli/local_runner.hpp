// The local AWS serving on a thread of this process, with a template deployed into it: what
// `csv2ddb local` runs until Ctrl-C and `csv2ddb demo` runs for one import.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/result.hpp"
#include "local/deploy/stack_deployer.hpp"
#include "local/local_aws.hpp"

namespace csv2ddb::cli {

class LocalRunner {
 public:
  // Binds and starts serving. Errors: the server's (BindFailed...).
  static Result<std::unique_ptr<LocalRunner>> start(const local::LocalAwsOptions& options);
  ~LocalRunner();

  std::string endpoint_url() const { return aws_->endpoint_url(); }
  std::uint16_t port() const { return aws_->port(); }
  std::string console_url() const { return aws_->console_url(); }
  Result<local::deploy::StackOutputs> deploy(const local::deploy::DeployOptions& options);
  // The stacks an earlier run created through the CloudFormation API, deployed again.
  void restore_stacks();
  // Stops the functions and the server (from any one thread, any number of times); wait()
  // then returns.
  void stop();
  // Blocks until the server has stopped. Called by one thread only.
  void wait();

 private:
  explicit LocalRunner(std::unique_ptr<local::LocalAws> aws);
  std::unique_ptr<local::LocalAws> aws_;
  std::once_flag stopped_;
  std::thread serving_;
};

// The bootstrap built beside this csv2ddb executable (the build folder's top).
std::string bootstrap_beside_executable();

}  // namespace csv2ddb::cli
