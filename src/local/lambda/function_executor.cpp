#include "local/lambda/function_executor.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <future>

#include "aws/lambda_wire.hpp"
#include "local/http/http_server.hpp"
#include "local/lambda/function_process.hpp"
#include "local/request_id.hpp"
#include "model/json.hpp"

namespace csv2ddb::local::lambda {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr std::size_t kLogTailBytes = 4096;  // what LogType=Tail returns
constexpr auto kWatchdogPeriod = std::chrono::milliseconds(25);
constexpr auto kShutdownGrace = std::chrono::seconds(2);

// Lambda's own errors (timeouts, crashes) carry no stack trace.
std::string error_document(std::string_view type, std::string_view message) {
  return aws::encode_lambda_error(message, type, false);
}

std::int64_t epoch_ms(std::chrono::system_clock::time_point at) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
}

std::uint64_t file_size(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 ? static_cast<std::uint64_t>(info.st_size) : 0;
}

std::string read_range(const std::string& path, std::uint64_t from, std::uint64_t to) {
  if (to <= from) return "";
  if (to - from > kLogTailBytes) from = to - kLogTailBytes;
  std::ifstream in(path, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(from));
  std::string out(static_cast<std::size_t>(to - from), '\0');
  in.read(out.data(), static_cast<std::streamsize>(out.size()));
  out.resize(static_cast<std::size_t>(in.gcount()));
  return out;
}

std::string seconds_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", seconds);
  return text;
}

}  // namespace

struct FunctionExecutor::Invocation {
  std::string request_id;
  std::string payload;
  std::string trace_id;
  std::string client_context;
  bool async = false;
  int attempt = 1;
  bool journaled = false;  // kept in the AsyncJournal until it ends
  std::uint64_t sequence = 0;
  std::function<void(InvocationResult)> answer;  // synchronous invocations
  SteadyClock::time_point started{};
  SteadyClock::time_point deadline{};
  std::uint64_t log_offset = 0;
};

struct FunctionExecutor::Environment {
  int id = 0;
  std::unique_ptr<RuntimeApiHandler> handler;
  std::unique_ptr<HttpServer> server;
  std::thread server_thread;
  std::optional<FunctionProcess> process;
  std::thread exit_watcher;
  std::shared_ptr<Invocation> current;
  bool ready = false;    // has asked for work at least once
  bool waiting = false;  // blocked in next()
  bool dead = false;     // timed out, exited or stopping: never given work again
  std::string init_error;
  SteadyClock::time_point started{};
};

FunctionExecutor::FunctionExecutor(FunctionConfig config, ExecutorSettings settings)
    : config_(std::move(config)),
      settings_(std::move(settings)),
      journal_(settings_.queue_dir.empty() ? std::string()
                                           : settings_.queue_dir + "/" + config_.name) {
  maximum_retry_attempts_ = config_.maximum_retry_attempts;
  on_failure_destination_ = config_.on_failure_destination;
  watchdog_ = std::thread([this] { watchdog(); });
}

void FunctionExecutor::set_event_invoke_config(int maximum_retry_attempts,
                                               std::string on_failure_destination) {
  std::lock_guard lock(mutex_);
  maximum_retry_attempts_ = maximum_retry_attempts;
  on_failure_destination_ = std::move(on_failure_destination);
}

// Called with mutex_ held, or before any other thread knows the executor.
int FunctionExecutor::max_async_retries() const {
  return std::min(maximum_retry_attempts_, static_cast<int>(settings_.async_retry_delays.size()));
}

namespace {

JournaledEvent journal_entry(const std::string& request_id, const std::string& payload,
                             const std::string& trace_id, int attempt, bool started,
                             std::uint64_t sequence) {
  JournaledEvent event;
  event.sequence = sequence;
  event.request_id = request_id;
  event.payload = payload;
  event.trace_id = trace_id;
  event.attempt = attempt;
  event.started = started;
  return event;
}

}  // namespace

void FunctionExecutor::recover_queued_events() {
  int retries = 0;
  {
    std::lock_guard lock(mutex_);
    if (recovered_) return;
    recovered_ = true;
    retries = max_async_retries();
  }
  for (JournaledEvent& event : journal_.load()) {
    // An attempt cut off by the stop failed, as a crash of the function would.
    if (event.started) {
      ++event.attempt;
      event.started = false;
    }
    if (event.attempt > retries + 1) {
      --event.attempt;  // the attempts made
      append_log("csv2ddb local: asynchronous invocation " + event.request_id +
                 " was cut off by a stop on its last attempt\n");
      send_to_failure_destination(event, error_document("Runtime.ExitError",
                                                        "csv2ddb local stopped during the "
                                                        "invocation"));
      journal_.remove(event.request_id);
      continue;
    }
    (void)journal_.save(event);
    auto invocation = std::make_shared<Invocation>();
    invocation->request_id = event.request_id;
    invocation->payload = std::move(event.payload);
    invocation->trace_id = std::move(event.trace_id);
    invocation->async = true;
    invocation->attempt = event.attempt;
    invocation->journaled = true;
    invocation->sequence = event.sequence;
    append_log("csv2ddb local: asynchronous invocation " + invocation->request_id +
               " queued again after a restart (attempt " + std::to_string(event.attempt) + ")\n");
    std::lock_guard lock(mutex_);
    enqueue_locked(std::move(invocation));
  }
}

void FunctionExecutor::send_to_failure_destination(const JournaledEvent& event,
                                                   const std::string& error) {
  FunctionConfig target = config_;
  {
    std::lock_guard lock(mutex_);
    target.on_failure_destination = on_failure_destination_;
  }
  if (target.on_failure_destination.empty() || !settings_.deliver_failure) return;
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char when[64];
  std::strftime(when, sizeof when, "%Y/%m/%d/%Y-%m-%dT%H.%M.%S", &utc);
  const std::string key = "aws/lambda/async/" + config_.name + "/" + when + "-" + new_uuid();
  const std::string record = failure_record(event, config_.arn, "RetriesExhausted", error);
  if (Status sent = settings_.deliver_failure(target, key, record); !sent) {
    append_log("csv2ddb local: the record of failed invocation " + event.request_id +
               " could not be delivered to " + target.on_failure_destination + ": " +
               sent.error().message + "\n");
    return;
  }
  append_log("csv2ddb local: the record of failed invocation " + event.request_id + " went to " +
             target.on_failure_destination + " as " + key + "\n");
}

FunctionExecutor::~FunctionExecutor() {
  shutdown();
}

std::string FunctionExecutor::log_path() const {
  return settings_.logs_dir + "/" + config_.name + ".log";
}

void FunctionExecutor::append_log(const std::string& text) {
  std::lock_guard lock(log_mutex_);
  std::ofstream out(log_path(), std::ios::app | std::ios::binary);
  out << text;
}

InvocationResult FunctionExecutor::invoke(std::string payload, std::string trace_id,
                                          std::string client_context) {
  auto promise = std::make_shared<std::promise<InvocationResult>>();
  std::future<InvocationResult> answer = promise->get_future();
  auto invocation = std::make_shared<Invocation>();
  invocation->request_id = new_uuid();
  invocation->payload = std::move(payload);
  invocation->trace_id = std::move(trace_id);
  invocation->client_context = std::move(client_context);
  invocation->answer = [promise](InvocationResult result) {
    promise->set_value(std::move(result));
  };
  {
    std::lock_guard lock(mutex_);
    if (stopping_) {
      return InvocationResult{true, error_document("ServiceException", "the function is stopping"),
                              ""};
    }
    // A reserved concurrency is a hard limit: a synchronous call past it is throttled, not
    // queued (asynchronous events wait, as Lambda's queue holds them).
    if (config_.reserved_concurrency && running_ + pending_.size() >= concurrency_limit()) {
      return InvocationResult{false, "", "", true};
    }
    enqueue_locked(invocation);
  }
  return answer.get();
}

std::string FunctionExecutor::invoke_async(std::string payload, std::string trace_id,
                                           std::function<void(const InvocationResult&)> on_final) {
  auto invocation = std::make_shared<Invocation>();
  invocation->request_id = new_uuid();
  invocation->payload = std::move(payload);
  invocation->trace_id = std::move(trace_id);
  invocation->async = true;
  if (on_final) {
    invocation->answer = [on_final = std::move(on_final)](InvocationResult result) {
      on_final(result);
    };
  } else if (journal_.enabled()) {
    // Kept before it is accepted: a stop from here on queues it again at the next start. (The
    // deployer's own invocations, which wait on on_final, end with their deploy.)
    JournaledEvent event = journal_entry(invocation->request_id, invocation->payload,
                                         invocation->trace_id, 1, false, 0);
    std::lock_guard lock(mutex_);
    if (stopping_) return invocation->request_id;
    if (Status saved = journal_.save(event); saved) {
      invocation->journaled = true;
      invocation->sequence = event.sequence;
    } else {
      append_log("csv2ddb local: " + saved.error().message + "\n");
    }
    enqueue_locked(invocation);
    return invocation->request_id;
  }
  std::lock_guard lock(mutex_);
  if (!stopping_) enqueue_locked(invocation);
  return invocation->request_id;
}

void FunctionExecutor::enqueue_locked(std::shared_ptr<Invocation> invocation) {
  pending_.push_back(std::move(invocation));
  maybe_start_environment_locked();
  work_ready_.notify_all();
}

std::size_t default_max_environments() {
  const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
  return std::clamp<std::size_t>(2 * cores, 4, 64);
}

std::size_t FunctionExecutor::concurrency_limit() const {
  if (config_.reserved_concurrency) return static_cast<std::size_t>(*config_.reserved_concurrency);
  return settings_.max_environments;
}

void FunctionExecutor::maybe_start_environment_locked() {
  std::size_t available = 0;  // waiting for work, or still starting
  for (const auto& [id, environment] : environments_) {
    if (!environment->dead && !environment->current) ++available;
  }
  if (pending_.size() > available && environments_.size() < concurrency_limit()) {
    start_environment_locked();
  }
}

void FunctionExecutor::start_environment_locked() {
  auto environment = std::make_unique<Environment>();
  environment->id = next_environment_id_++;
  environment->started = SteadyClock::now();
  RuntimeApiBackend& backend = *this;  // a private base: convert here, where it is visible
  environment->handler = std::make_unique<RuntimeApiHandler>(backend, environment->id);
  HttpServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.worker_threads = 2;  // one long-polls next, one takes the answer
  auto server = HttpServer::listen(options, *environment->handler);
  Result<FunctionProcess> process =
      server ? FunctionProcess::start(ProcessSpec{config_.command,
                                                  process_environment((*server)->port()),
                                                  config_.task_root, log_path()})
             : Result<FunctionProcess>(server.error());
  if (!process) {
    // Lambda's answer when the bootstrap cannot run: the invocation that needed it fails (the
    // watchdog finishes it, outside the lock).
    append_log("csv2ddb local: " + process.error().message + "\n");
    if (!pending_.empty()) {
      start_failures_.emplace_back(pending_.front(), process.error().message);
      pending_.pop_front();
      ++running_;
    }
    return;
  }
  environment->server = std::move(*server);
  HttpServer* raw_server = environment->server.get();
  environment->server_thread = std::thread([raw_server] { raw_server->run(); });
  environment->process = *process;
  const int id = environment->id;
  const FunctionProcess watched = *process;
  environment->exit_watcher = std::thread([this, id, watched] { on_exit(id, watched.wait()); });
  ++counters_.environments_started;
  environments_[id] = std::move(environment);
}

std::vector<std::pair<std::string, std::string>> FunctionExecutor::process_environment(
    std::uint16_t port) const {
  const std::string stream = "2026/01/01/[$LATEST]" + new_request_id().substr(0, 32);
  std::vector<std::pair<std::string, std::string>> env = {
      {"AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + std::to_string(port)},
      {"_HANDLER", config_.handler},
      {"AWS_REGION", settings_.region},
      {"AWS_DEFAULT_REGION", settings_.region},
      {"AWS_LAMBDA_FUNCTION_NAME", config_.name},
      {"AWS_LAMBDA_FUNCTION_MEMORY_SIZE", std::to_string(config_.memory_mb)},
      {"AWS_LAMBDA_FUNCTION_VERSION", "$LATEST"},
      {"AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand"},
      {"AWS_LAMBDA_LOG_GROUP_NAME", config_.log_group},
      {"AWS_LAMBDA_LOG_STREAM_NAME", stream},
      {"AWS_ACCESS_KEY_ID", config_.credentials.access_key_id},
      {"AWS_SECRET_ACCESS_KEY", config_.credentials.secret_access_key},
      {"AWS_SESSION_TOKEN", config_.credentials.session_token},
      {"AWS_ENDPOINT_URL", settings_.endpoint_url},
      {"LAMBDA_TASK_ROOT", config_.task_root},
      {"LAMBDA_RUNTIME_DIR", config_.task_root},
      {"TZ", ":UTC"},
      {"LANG", "en_US.UTF-8"},
      {"PATH", "/usr/local/bin:/usr/bin:/bin"},
  };
  const std::size_t reserved = env.size();
  for (const auto& [name, value] : config_.variables) {
    bool taken = false;
    for (std::size_t i = 0; i < reserved; ++i) taken = taken || env[i].first == name;
    if (!taken) env.emplace_back(name, value);
  }
  for (const auto& variable : config_.host_environment) env.push_back(variable);
  for (const auto& variable : settings_.passthrough_environment) env.push_back(variable);
  return env;
}

std::optional<AssignedInvocation> FunctionExecutor::next(int id) {
  std::unique_lock lock(mutex_);
  const auto found = environments_.find(id);
  if (found == environments_.end()) return std::nullopt;
  Environment& environment = *found->second;
  environment.ready = true;
  if (environment.current) {
    // The runtime asked for more work without answering: Lambda counts that as a failure.
    std::shared_ptr<Invocation> unanswered = std::move(environment.current);
    lock.unlock();
    finish(unanswered,
           InvocationResult{true,
                            error_document("Runtime.NoResponse",
                                           "the runtime asked for the next event without "
                                           "answering this one"),
                            ""},
           0);
    lock.lock();
  }
  environment.waiting = true;
  work_ready_.wait(lock, [&] { return stopping_ || environment.dead || !pending_.empty(); });
  environment.waiting = false;
  if (stopping_ || environment.dead) return std::nullopt;
  std::shared_ptr<Invocation> invocation = pending_.front();
  pending_.pop_front();
  ++running_;
  environment.current = invocation;
  invocation->started = SteadyClock::now();
  invocation->deadline = invocation->started + std::chrono::seconds(config_.timeout_seconds);
  invocation->log_offset = file_size(log_path());
  if (invocation->journaled) {
    JournaledEvent started =
        journal_entry(invocation->request_id, invocation->payload, invocation->trace_id,
                      invocation->attempt, true, invocation->sequence);
    (void)journal_.save(started);
  }
  lock.unlock();
  append_log("START RequestId: " + invocation->request_id + " Version: $LATEST\n");
  AssignedInvocation assigned;
  assigned.request_id = invocation->request_id;
  assigned.payload = invocation->payload;
  assigned.function_arn = config_.arn;
  assigned.trace_id = invocation->trace_id;
  assigned.client_context = invocation->client_context;
  assigned.deadline_epoch_ms =
      epoch_ms(std::chrono::system_clock::now() + std::chrono::seconds(config_.timeout_seconds));
  return assigned;
}

Status FunctionExecutor::respond(int id, const std::string& request_id, std::string payload) {
  std::unique_lock lock(mutex_);
  const auto found = environments_.find(id);
  if (found == environments_.end() || !found->second->current ||
      found->second->current->request_id != request_id) {
    return make_error("InvalidRequestID", "Invalid request ID");
  }
  std::shared_ptr<Invocation> invocation = std::move(found->second->current);
  const long memory = found->second->process ? found->second->process->peak_rss_mb() : 0;
  lock.unlock();
  finish(invocation, InvocationResult{false, std::move(payload), ""}, memory);
  return {};
}

Status FunctionExecutor::fail(int id, const std::string& request_id, std::string error_document) {
  std::unique_lock lock(mutex_);
  const auto found = environments_.find(id);
  if (found == environments_.end() || !found->second->current ||
      found->second->current->request_id != request_id) {
    return make_error("InvalidRequestID", "Invalid request ID");
  }
  std::shared_ptr<Invocation> invocation = std::move(found->second->current);
  const long memory = found->second->process ? found->second->process->peak_rss_mb() : 0;
  lock.unlock();
  finish(invocation, InvocationResult{true, std::move(error_document), ""}, memory);
  return {};
}

void FunctionExecutor::init_error(int id, std::string error_document) {
  std::lock_guard lock(mutex_);
  const auto found = environments_.find(id);
  if (found != environments_.end()) found->second->init_error = std::move(error_document);
}

void FunctionExecutor::on_exit(int id, const std::string& reason) {
  std::shared_ptr<Invocation> interrupted;
  std::shared_ptr<Invocation> never_started;
  std::string init_error;
  {
    std::lock_guard lock(mutex_);
    const auto found = environments_.find(id);
    if (found == environments_.end()) return;
    std::unique_ptr<Environment> environment = std::move(found->second);
    environments_.erase(found);
    environment->dead = true;
    environment->server->stop();
    interrupted = std::move(environment->current);
    // A runtime that dies before asking for work fails the invocation it was started for;
    // otherwise a broken bootstrap would be restarted forever.
    if (!environment->ready && !stopping_ && !pending_.empty()) {
      never_started = pending_.front();
      pending_.pop_front();
      ++running_;
      init_error = environment->init_error;
    }
    exited_.push_back(std::move(environment));
    work_ready_.notify_all();  // its next(), if waiting, returns
    if (!stopping_) maybe_start_environment_locked();
  }
  append_log("csv2ddb local: the runtime exited (" + reason + ")\n");
  if (interrupted) {
    finish(interrupted,
           InvocationResult{true,
                            error_document("Runtime.ExitError",
                                           "RequestId: " + interrupted->request_id +
                                               " Error: Runtime exited with error: " + reason),
                            ""},
           0);
  }
  if (never_started) {
    if (init_error.empty()) {
      init_error =
          error_document("Runtime.ExitError", "RequestId: " + never_started->request_id +
                                                  " Error: Runtime exited with error: " + reason);
    }
    finish(never_started, InvocationResult{true, init_error, ""}, 0);
  }
}

void FunctionExecutor::finish(const std::shared_ptr<Invocation>& invocation,
                              InvocationResult result, long max_memory_mb) {
  const auto now = SteadyClock::now();
  const double ms =
      invocation->started == SteadyClock::time_point{}
          ? 0.0
          : std::chrono::duration<double, std::milli>(now - invocation->started).count();
  char report[256];
  std::snprintf(report, sizeof report,
                "END RequestId: %s\nREPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: "
                "%.0f ms\tMemory Size: %d MB\tMax Memory Used: %ld MB\n",
                invocation->request_id.c_str(), invocation->request_id.c_str(), ms,
                ms < 1 ? 1.0 : ms + 0.999, config_.memory_mb, max_memory_mb);
  std::string lines = report;
  if (result.function_error) {
    lines = "csv2ddb local: RequestId " + invocation->request_id + " failed: " + result.payload +
            "\n" + lines;
  }
  append_log(lines);
  if (!invocation->async) {
    result.log_tail = read_range(log_path(), invocation->log_offset, file_size(log_path()));
  }

  std::function<void(InvocationResult)> answer;
  bool retrying = false;
  bool cut_off = false;  // by a stop: the journal keeps it for the next start
  int attempts_allowed = 1;
  {
    std::lock_guard lock(mutex_);
    --running_;
    ++counters_.invocations;
    if (result.function_error) ++counters_.errors;
    cut_off = stopping_ && invocation->journaled;
    attempts_allowed = max_async_retries() + 1;
    retrying = invocation->async && result.function_error && !stopping_ &&
               invocation->attempt < attempts_allowed;
    if (retrying) {
      const auto delay = settings_.async_retry_delays[invocation->attempt - 1];
      ++invocation->attempt;
      ++counters_.async_retries;
      invocation->started = {};
      delayed_.emplace(now + delay, invocation);
    } else if (!cut_off) {
      answer = std::move(invocation->answer);
    }
    idle_.notify_all();
  }
  if (cut_off) return;
  const JournaledEvent event =
      journal_entry(invocation->request_id, invocation->payload, invocation->trace_id,
                    invocation->attempt, false, invocation->sequence);
  if (invocation->async && result.function_error) {
    bool has_destination = false;
    {
      std::lock_guard lock(mutex_);
      has_destination = !on_failure_destination_.empty();
    }
    append_log("csv2ddb local: asynchronous invocation " + invocation->request_id +
               (retrying ? " failed; retried as Lambda retries it (attempt " +
                               std::to_string(invocation->attempt) + " of " +
                               std::to_string(attempts_allowed) + ")\n"
                : has_destination ? " failed on its last attempt\n"
                                  : " failed on its last attempt; the event is dropped\n"));
    if (!retrying) send_to_failure_destination(event, result.payload);
  }
  if (invocation->journaled) {
    if (retrying) {
      JournaledEvent next = event;
      (void)journal_.save(next);
    } else {
      journal_.remove(invocation->request_id);
    }
  }
  if (answer) answer(std::move(result));
}

void FunctionExecutor::watchdog() {
  std::unique_lock lock(mutex_);
  while (true) {
    const auto now = SteadyClock::now();
    std::vector<std::shared_ptr<Invocation>> timed_out;
    for (auto& [id, environment] : environments_) {
      if (environment->current && now >= environment->current->deadline) {
        timed_out.push_back(std::move(environment->current));
        environment->dead = true;
        environment->process->kill_group();
        ++counters_.timeouts;
      } else if (!environment->ready && !environment->dead &&
                 now - environment->started > settings_.init_timeout) {
        environment->dead = true;
        environment->process->kill_group();
      }
    }
    while (!delayed_.empty() && delayed_.begin()->first <= now) {
      pending_.push_back(delayed_.begin()->second);
      delayed_.erase(delayed_.begin());
      maybe_start_environment_locked();
      work_ready_.notify_all();
    }
    std::vector<std::unique_ptr<Environment>> to_join = std::move(exited_);
    exited_.clear();
    std::vector<std::pair<std::shared_ptr<Invocation>, std::string>> not_started =
        std::move(start_failures_);
    start_failures_.clear();
    const bool done = stopping_ && environments_.empty() && to_join.empty() &&
                      not_started.empty() && running_ == 0;
    lock.unlock();
    for (const auto& invocation : timed_out) {
      const std::string message = "Task timed out after " +
                                  seconds_text(static_cast<double>(config_.timeout_seconds)) +
                                  " seconds";
      append_log(message + "\n");
      finish(invocation,
             InvocationResult{
                 true,
                 error_document("Sandbox.Timedout",
                                "RequestId: " + invocation->request_id + " Error: " + message),
                 ""},
             0);
    }
    for (const auto& [invocation, message] : not_started) {
      finish(invocation,
             InvocationResult{true, error_document("Runtime.InvalidEntrypoint", message), ""}, 0);
    }
    for (auto& environment : to_join) {
      if (environment->exit_watcher.joinable()) environment->exit_watcher.join();
      if (environment->server_thread.joinable()) environment->server_thread.join();
    }
    if (done) return;
    std::this_thread::sleep_for(kWatchdogPeriod);
    lock.lock();
  }
}

bool FunctionExecutor::wait_idle(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return idle_.wait_for(lock, timeout,
                        [&] { return pending_.empty() && delayed_.empty() && running_ == 0; });
}

void FunctionExecutor::shutdown() {
  std::vector<std::shared_ptr<Invocation>> dropped;
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !watchdog_.joinable()) return;
    stopping_ = true;
    // Journaled events stay on disk for the next start; the others fail now.
    for (auto& invocation : pending_) {
      if (!invocation->journaled) dropped.push_back(invocation);
    }
    for (auto& [due, invocation] : delayed_) {
      if (!invocation->journaled) dropped.push_back(invocation);
    }
    pending_.clear();
    delayed_.clear();
    running_ += dropped.size();
    for (auto& [id, environment] : environments_) {
      environment->dead = true;
      environment->process->terminate_group();
    }
    work_ready_.notify_all();
  }
  for (const auto& invocation : dropped) {
    finish(invocation,
           InvocationResult{true, error_document("ServiceException", "csv2ddb local stopped"), ""},
           0);
  }
  const auto give_up = SteadyClock::now() + kShutdownGrace;
  while (true) {
    std::unique_lock lock(mutex_);
    if (environments_.empty()) break;
    if (SteadyClock::now() >= give_up) {
      for (auto& [id, environment] : environments_) environment->process->kill_group();
    }
    lock.unlock();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (watchdog_.joinable()) watchdog_.join();
}

ExecutorCounters FunctionExecutor::counters() const {
  std::lock_guard lock(mutex_);
  return counters_;
}

}  // namespace csv2ddb::local::lambda
