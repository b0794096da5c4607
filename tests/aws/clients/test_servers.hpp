// Fixture code for the service clients' tests: servers on 127.0.0.1 only, on free ports, that
// the tests start and stop. Three kinds:
//  - ChildServer: another implementation as a child process (dynalite, s3rver), killed in the
//    destructor;
//  - FakeHttpServer: an in-process server whose handler answers each request, for failures
//    real servers do not produce on demand (500 once, throttling, stalls, bad signatures);
//  - run_command: awscli and friends, for cross-checks.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "aws/aws_caller.hpp"
#include "aws/s3_client.hpp"
#include "aws/sigv4.hpp"

namespace csv2ddb::aws::testing {

// A port on 127.0.0.1 that nothing listened on a moment ago.
int pick_free_port();
// True once something accepts connections on 127.0.0.1:port (polls until `timeout`).
bool wait_for_port(int port, std::chrono::milliseconds timeout);

class ChildServer {
 public:
  // Starts argv (argv[0] a path) with stdout/stderr to `log_path` and `env` added to this
  // process's environment, and waits for the port.
  ChildServer(std::vector<std::string> argv, int port, std::string log_path,
              const std::map<std::string, std::string>& env = {});
  ~ChildServer();
  ChildServer(const ChildServer&) = delete;
  ChildServer& operator=(const ChildServer&) = delete;

  bool ready() const { return ready_; }
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string log() const;  // what it printed, for failure messages

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  bool ready_ = false;
  std::string log_path_;
};

// The npm test servers in tools/node_modules/.bin; "" when not installed.
std::string tool_path(const std::string& name);
// dynalite with instant table creation and deletion; nullptr (and `why`) when it cannot start.
std::unique_ptr<ChildServer> start_dynalite(std::string* why);
// s3rver storing into `directory`. It knows the access key S3RVER and refuses others, but does
// not verify SigV4 signatures.
std::unique_ptr<ChildServer> start_s3rver(const std::string& directory, std::string* why);
// PutObject into s3rver, then waits until the object reads back whole. s3rver answers a PUT
// once the body has passed its MD5 transform, before its file write has finished
// (lib/stores/filesystem.js, putObject), so a GET right after may read a short file; S3 itself
// is read-after-write consistent. The object's ETag, or an error when it never reads back whole
// (within ~2 s).
Result<std::string> put_into_s3rver(aws::S3Client& s3, const std::string& bucket,
                                    const std::string& key, const std::string& body,
                                    const std::string& content_type = "");

// A fresh empty folder under the system's temp folder, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct ReceivedRequest {
  std::string method;
  std::string target;  // path and query as sent
  HeaderList headers;
  std::string body;
  const std::string* header(std::string_view name) const;
};

// What the fake server does with a request.
struct FakeResponse {
  int status = 200;
  HeaderList headers;
  std::string body;
  bool stall = false;  // hold the connection without answering until the server stops
  bool drop = false;   // close the connection without answering
};
FakeResponse dynamodb_error_response(int status, std::string_view code, std::string_view message);

class FakeHttpServer {
 public:
  using Handler = std::function<FakeResponse(const ReceivedRequest&)>;
  explicit FakeHttpServer(Handler handler);
  ~FakeHttpServer();
  FakeHttpServer(const FakeHttpServer&) = delete;
  FakeHttpServer& operator=(const FakeHttpServer&) = delete;

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<ReceivedRequest> requests() const;

 private:
  void serve();
  void handle(int connection);

  Handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::condition_variable stop_signal_;
  std::vector<ReceivedRequest> requests_;
  std::thread thread_;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
// Runs argv with extra environment variables (added to this process's), no shell involved.
CommandResult run_command(const std::vector<std::string>& argv,
                          const std::map<std::string, std::string>& env = {});
// /usr/bin/aws (awscli v2 from Debian) when present, else "".
std::string awscli_path();
// The environment awscli needs to talk to a local server with these keys.
std::map<std::string, std::string> awscli_env(const std::string& key, const std::string& secret);

// A caller for one service at `url` with fixed credentials and instant, recorded backoff.
struct TestCallerOptions {
  std::string access_key = "test";
  std::string secret_key = "test";
  std::string region = "us-east-1";
  RetryConfig retry;
  std::chrono::milliseconds timeout{0};
  std::function<SystemTime()> clock;  // the signing time; default the skew-corrected clock
};
class RecordingSleeper final : public Sleeper {
 public:
  void sleep(std::chrono::microseconds duration) override;
  std::vector<std::chrono::microseconds> delays() const;

 private:
  mutable std::mutex mutex_;
  std::vector<std::chrono::microseconds> delays_;
};
std::shared_ptr<AwsCaller> make_test_caller(const std::string& service, ErrorDialect dialect,
                                            const std::string& url,
                                            const TestCallerOptions& options = {},
                                            RecordingSleeper* sleeper = nullptr);
std::shared_ptr<CredentialsChain> fixed_credentials(const std::string& key,
                                                    const std::string& secret);

}  // namespace csv2ddb::aws::testing
