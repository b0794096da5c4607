// The whole local AWS assembled: storage in the data folder, the services, the router, the
// authenticator and the HTTP server. `csv2ddb local` is a thin command line around this, and
// tests can run one in-process.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "aws/sigv4.hpp"
#include "common/result.hpp"
#include "local/fault_spec.hpp"
#include "local/iam/identity_store.hpp"
#include "local/lambda/lambda_service.hpp"
#include "local/request_auth.hpp"

namespace csv2ddb::local {

// What the template deployer drives in-process: IAM and Lambda's control plane have no API
// here, so roles, their session keys and functions are registered directly. Buckets and tables
// are created through the S3 and DynamoDB APIs at `endpoint_url`, as CloudFormation would.
struct ControlPlane {
  iam::IdentityStore& identities;
  RequestAuthenticator& authenticator;
  lambda::LambdaService& lambda;
  // One DynamoDB operation in-process ("CreateTable", request JSON): the response or error.
  std::function<Result<std::string>(std::string_view operation, std::string_view body)>
      dynamodb_call;
  std::string endpoint_url;
  std::string region;
  aws::Credentials admin;  // a known key with every permission (the first of known_keys)
  std::string data_dir;
};

struct LocalAwsOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 4566;
  std::string data_dir = "./csv2ddb-local-data";
  AuthMode auth = AuthMode::kOpen;
  std::vector<aws::Credentials> known_keys = {{"test", "test", ""}};
  FaultSpec faults;
  std::uint64_t seed = 1;
  std::size_t worker_threads = 8;
  // The HTTP server's limits (http_server.hpp): idle and stall timeouts, connections at once.
  std::chrono::milliseconds idle_timeout{60000};
  std::chrono::milliseconds stall_timeout{20000};
  std::size_t max_connections = 1000;
  std::uint64_t body_memory_budget = 512ULL * 1024 * 1024;
  std::string region = "us-east-1";
  // STS and the SSO portal: the RSA public key (PEM file) web identity tokens are checked
  // against, the bearer tokens the portal accepts, roles beside the template's (name and IAM
  // policy file), and the shortest session STS issues (AWS: 900 s).
  std::string oidc_key_file;
  std::vector<std::string> sso_tokens;
  std::vector<std::pair<std::string, std::string>> roles;  // NAME, POLICY_FILE
  int min_session_seconds = 900;
  // Lambda: how many environments each function may run at once, the delays of Lambda's two
  // retries of a failed asynchronous invocation, and variables passed on to every function.
  lambda::ExecutorSettings lambda;
};

class LocalAws {
 public:
  // Opens the data folder and binds the port; serving starts with run().
  static Result<std::unique_ptr<LocalAws>> start(const LocalAwsOptions& options);
  ~LocalAws();

  std::uint16_t port() const;
  std::string endpoint_url() const;
  ControlPlane control_plane();
  // The web console's address, with its token when one is needed (not on the loopback).
  std::string console_url() const;
  // Deploys again the stacks the CloudFormation API created in an earlier run (their functions
  // live in this process); after the --template deploy.
  void restore_stacks();
  // Serves until stop(), which another thread calls (not a signal handler: stop() waits up to
  // a few seconds for the functions' processes to end).
  void run();
  void stop();

  class Parts;

 private:
  explicit LocalAws(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace csv2ddb::local
