// Runs one function as Lambda does: execution environments (a bootstrap process each, with its
// own Runtime API listener) started on demand up to a concurrency limit and reused while warm;
// a queue of invocations; each invocation's timeout enforced by stopping its environment;
// asynchronous invocations retried twice on error, as Lambda retries them (sooner: the delays
// are seconds here, not minutes); START, END and REPORT lines in the function's log beside
// what the bootstrap writes.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/result.hpp"
#include "local/lambda/async_journal.hpp"
#include "local/lambda/function_config.hpp"
#include "local/lambda/runtime_api.hpp"

namespace csv2ddb::local::lambda {

struct InvocationResult {
  bool function_error = false;  // X-Amz-Function-Error: Unhandled
  std::string payload;          // the function's response, or Lambda's error document
  std::string log_tail;         // the invocation's log lines, at most the last 4 KB
  bool throttled = false;       // past the reserved concurrency: 429, the function never ran
};

// Environments per function when neither --lambda-concurrency nor the function's reserved
// concurrency says: two per core (an import's environment waits on the network about half the
// time), at least 4 and at most 64.
std::size_t default_max_environments();

struct ExecutorSettings {
  std::string endpoint_url;  // the function's AWS_ENDPOINT_URL: the local AWS itself
  std::string region = "us-east-1";
  std::string logs_dir;  // <name>.log per function
  std::size_t max_environments = default_max_environments();
  std::vector<std::chrono::milliseconds> async_retry_delays = {std::chrono::seconds(1),
                                                               std::chrono::seconds(2)};
  std::chrono::milliseconds init_timeout{10000};  // Lambda's 10 s for a runtime to start
  // Variables of csv2ddb local's own environment handed on (sanitizer settings).
  std::vector<std::pair<std::string, std::string>> passthrough_environment;
  // Where accepted asynchronous events are kept (a folder per function; "" keeps none).
  std::string queue_dir;
  // Puts the record of an event that failed its last attempt into the function's on-failure
  // destination (bucket ARN, key, record); errors are logged by the executor.
  std::function<Status(const FunctionConfig&, const std::string& key, const std::string& record)>
      deliver_failure;
};

struct ExecutorCounters {
  std::uint64_t invocations = 0;  // attempts run to an end
  std::uint64_t errors = 0;
  std::uint64_t timeouts = 0;
  std::uint64_t async_retries = 0;
  std::uint64_t environments_started = 0;
};

class FunctionExecutor : private RuntimeApiBackend {
 public:
  FunctionExecutor(FunctionConfig config, ExecutorSettings settings);
  ~FunctionExecutor() override;
  FunctionExecutor(const FunctionExecutor&) = delete;
  FunctionExecutor& operator=(const FunctionExecutor&) = delete;

  const FunctionConfig& config() const { return config_; }
  std::string log_path() const;

  // RequestResponse: blocks until the function answers, fails or times out.
  InvocationResult invoke(std::string payload, std::string trace_id, std::string client_context);
  // Event: queued; returns the request id at once. `on_final`, when given, is called once the
  // invocation has succeeded or failed its last attempt (CloudFormation's deployer waits on it).
  std::string invoke_async(std::string payload, std::string trace_id,
                           std::function<void(const InvocationResult&)> on_final = {});
  // True once nothing is queued, waiting for a retry or running (false after `timeout`).
  bool wait_idle(std::chrono::milliseconds timeout);
  // Retries of failed asynchronous invocations and the on-failure destination (an S3 bucket
  // ARN, "" for none), as AWS::Lambda::EventInvokeConfig sets them.
  void set_event_invoke_config(int maximum_retry_attempts, std::string on_failure_destination);
  // Queues what the journal kept from a previous run (once; later calls do nothing).
  void recover_queued_events();
  // Stops every environment (SIGTERM, then SIGKILL after a grace period); queued invocations
  // fail, except the journaled asynchronous ones, which the next start queues again. Called
  // by the destructor.
  void shutdown();
  ExecutorCounters counters() const;

 private:
  struct Invocation;
  struct Environment;

  std::optional<AssignedInvocation> next(int environment) override;
  Status respond(int environment, const std::string& request_id, std::string payload) override;
  Status fail(int environment, const std::string& request_id, std::string error_document) override;
  void init_error(int environment, std::string error_document) override;

  void enqueue_locked(std::shared_ptr<Invocation> invocation);
  void maybe_start_environment_locked();
  std::size_t concurrency_limit() const;
  void start_environment_locked();
  void on_exit(int environment, const std::string& reason);
  void watchdog();
  // Ends an attempt: log lines, retries of async invocations, the caller's answer. Called
  // without the lock held.
  void finish(const std::shared_ptr<Invocation>& invocation, InvocationResult result,
              long max_memory_mb);
  std::vector<std::pair<std::string, std::string>> process_environment(std::uint16_t port) const;
  void append_log(const std::string& text);
  // The last attempt failed: the record goes to the on-failure destination, if there is one.
  void send_to_failure_destination(const JournaledEvent& event, const std::string& error);
  int max_async_retries() const;

  FunctionConfig config_;
  ExecutorSettings settings_;
  AsyncJournal journal_;
  bool recovered_ = false;
  // EventInvokeConfig (guarded by mutex_).
  int maximum_retry_attempts_ = 2;
  std::string on_failure_destination_;

  mutable std::mutex mutex_;
  std::condition_variable work_ready_;  // environments waiting in next()
  std::condition_variable idle_;        // wait_idle()
  std::deque<std::shared_ptr<Invocation>> pending_;
  std::multimap<std::chrono::steady_clock::time_point, std::shared_ptr<Invocation>> delayed_;
  std::map<int, std::unique_ptr<Environment>> environments_;
  std::vector<std::unique_ptr<Environment>> exited_;  // joined by the watchdog
  // Invocations whose environment could not start, with the reason: failed by the watchdog.
  std::vector<std::pair<std::shared_ptr<Invocation>, std::string>> start_failures_;
  std::size_t running_ = 0;  // invocations assigned, not finished
  int next_environment_id_ = 1;
  std::uint64_t next_request_number_ = 1;
  bool stopping_ = false;
  ExecutorCounters counters_;
  std::mutex log_mutex_;
  std::thread watchdog_;
};

}  // namespace csv2ddb::local::lambda
