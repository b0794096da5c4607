// The whole local AWS assembled: storage in the data folder, the services, the router, the
// authenticator and the HTTP server. `csv2ddb local` is a thin command line around this, and
// tests can run one in-process.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "aws/sigv4.hpp"
#include "common/result.hpp"
#include "local/fault_spec.hpp"
#include "local/request_auth.hpp"

namespace csv2ddb::local {

struct LocalAwsOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 4566;
  std::string data_dir = "./csv2ddb-local-data";
  AuthMode auth = AuthMode::kOpen;
  std::vector<aws::Credentials> known_keys = {{"test", "test", ""}};
  FaultSpec faults;
  std::uint64_t seed = 1;
  std::size_t worker_threads = 8;
  std::string region = "us-east-1";
};

class LocalAws {
 public:
  // Opens the data folder and binds the port; serving starts with run().
  static Result<std::unique_ptr<LocalAws>> start(const LocalAwsOptions& options);
  ~LocalAws();

  std::uint16_t port() const;
  // Serves until stop() (from another thread or a signal handler).
  void run();
  void stop();

  class Parts;

 private:
  explicit LocalAws(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace csv2ddb::local
