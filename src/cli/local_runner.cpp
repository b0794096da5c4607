#include "cli/local_runner.hpp"

#include <unistd.h>

#include <filesystem>
#include <mutex>

namespace csv2ddb::cli {

Result<std::unique_ptr<LocalRunner>> LocalRunner::start(const local::LocalAwsOptions& options) {
  auto aws = local::LocalAws::start(options);
  if (!aws) return aws.take_error();
  return std::unique_ptr<LocalRunner>(new LocalRunner(std::move(*aws)));
}

LocalRunner::LocalRunner(std::unique_ptr<local::LocalAws> aws) : aws_(std::move(aws)) {
  serving_ = std::thread([this] { aws_->run(); });
}

LocalRunner::~LocalRunner() {
  stop();
  wait();
}

Result<local::deploy::StackOutputs> LocalRunner::deploy(
    const local::deploy::DeployOptions& options) {
  local::ControlPlane control = aws_->control_plane();
  auto outputs = local::deploy::deploy_stack(control, options);
  // Events a previous run accepted and did not finish go on now that the functions and their
  // configuration (failure destinations included) are back.
  if (outputs) control.lambda.resume_queued_events();
  return outputs;
}

void LocalRunner::restore_stacks() {
  aws_->restore_stacks();
  aws_->control_plane().lambda.resume_queued_events();
}

void LocalRunner::stop() {
  std::call_once(stopped_, [this] { aws_->stop(); });
}

void LocalRunner::wait() {
  if (serving_.joinable()) serving_.join();
}

std::string bootstrap_beside_executable() {
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "bootstrap";
  return (self.parent_path() / "bootstrap").string();
}

}  // namespace csv2ddb::cli
