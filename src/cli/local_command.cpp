// csv2ddb local: the local AWS on one port (see src/local/local_aws.hpp).
#include <pthread.h>
#include <signal.h>

#include <cstdlib>
#include <iostream>
#include <thread>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/local_runner.hpp"

namespace csv2ddb::cli {
namespace {

constexpr const char* kUsage =
    R"(usage: csv2ddb local [--host 127.0.0.1] [--port 4566] [--data-dir DIR]
                     [--template FILE] [--param KEY=VALUE ...] [--stack-name NAME]
                     [--bootstrap PATH | --lambda-zip ZIP]
                     [--auth open|strict] [--fault SPEC] [--seed N] [--region R]
                     [--threads N] [--lambda-concurrency N] [--lambda-retry-delays MS,MS]
                     [--role NAME=POLICY_FILE ...] [--oidc-key PEM] [--sso-token TOKEN ...]
                     [--min-session-seconds N] [--idle-timeout S] [--stall-timeout S]
                     [--max-connections N] [--body-memory-mb N]

Serves S3, DynamoDB, Lambda, STS and the SSO portal on one local port, backed by SQLite
and files in the data folder. Once listening it prints one line, 'csv2ddb local listening on
http://HOST:PORT'.
With --template it then deploys that CloudFormation template into itself (buckets, tables,
roles and their policies, functions, permissions, custom resources), prints the stack's
outputs and 'csv2ddb local: stack NAME is ready', and serves. Functions run as separate
processes with Lambda's environment and their role's credentials; their logs are in
DIR/lambda/logs/FUNCTION.log. Stops cleanly on Ctrl-C or SIGTERM; every acknowledged write
survives a restart.

  --host H        address to bind (default 127.0.0.1)
  --port N        port (default 4566; 0 picks a free port)
  --data-dir DIR  where tables, objects and function logs live (default ./csv2ddb-local-data)
  --template FILE a CloudFormation template to deploy (YAML or JSON), e.g. deploy/template.yaml
  --param K=V     a template parameter (repeat for more)
  --stack-name N  the stack's name (default csv2ddb): generated resource names start with it
  --bootstrap P   the bootstrap every function runs (default: the one beside csv2ddb)
  --lambda-zip Z  run the functions from a packaged zip instead (deploy/package.sh); an arm64
                  zip runs under qemu-aarch64-static
  --auth MODE     open (default): any access key, signatures of known keys checked;
                  strict: known keys only. The known key is test/test.
  --fault SPEC    injected trouble: throttle=R (DynamoDB writes), slowdown=R (S3 writes),
                  unprocessed=R (BatchWriteItem items), error=R, drop=R, latency=MS; e.g.
                  throttle=0.1,unprocessed=0.2,error=0.05,drop=0.01,latency=10 (rates from 0
                  to 1, latency in ms); and a DynamoDB-like write capacity: capacity=N (write
                  units a second per table) and partition=N (per hash-key value, as DynamoDB's
                  1,000 per partition), each a token bucket holding one second; what does not
                  fit comes back in UnprocessedItems, or as
                  ProvisionedThroughputExceededException when nothing of a call fits
  --seed N        seed for the fault draws (default 1)
  --region R      region shown in ARNs (default us-east-1)
  --threads N     worker threads running requests (default 8)
  --lambda-concurrency N   execution environments per function without a reserved concurrency
                  (default twice the cores, 4 to 64; ReservedConcurrentExecutions is the limit
                  of a function that has one)
  --lambda-retry-delays MS,MS  delays before Lambda's two retries of a failed asynchronous
                  invocation (default 1000,2000; Lambda itself waits about 1 and 2 minutes)
  --role NAME=POLICY_FILE  a role (arn:aws:iam::000000000000:role/NAME) with that IAM policy,
                  beside the template's: STS AssumeRole and the SSO portal issue its sessions,
                  whose requests the policy restricts (repeat for more)
  --oidc-key PEM  the RSA public key that signs web identity tokens (RS256 JWTs) for
                  AssumeRoleWithWebIdentity; without it web identity is refused
  --sso-token T   a bearer token the SSO portal accepts, as `aws sso login` caches it (repeat)
  --min-session-seconds N  the shortest session STS issues (default 900, as AWS; tests lower
                  it to see credentials expire and be renewed)
  --idle-timeout S     close a keep-alive connection idle this long (default 60 s)
  --stall-timeout S    end a request whose head takes longer, or whose body or answer moves
                  no byte for this long (default 20 s; the body is answered RequestTimeout)
  --max-connections N  connections at once (default 1000); beyond it, and when descriptors
                  run out, new clients wait in the kernel's backlog
  --body-memory-mb N   request bodies held in memory at once, over all connections (default
                  512); a request that would pass it is answered 503 (SlowDown for S3,
                  ServiceUnavailable for the others) before its body is read
)";

int usage_error(const std::string& message) {
  std::cerr << "csv2ddb local: " << message << "\n";
  return kExitUsage;
}

// Sanitizer settings of a development build reach the functions' bootstraps too.
std::vector<std::pair<std::string, std::string>> passthrough_environment() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const char* name : {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"}) {
    if (const char* value = std::getenv(name)) out.emplace_back(name, value);
  }
  return out;
}

Result<local::LocalAwsOptions> local_options(const Args& args) {
  local::LocalAwsOptions options;
  options.host = args.get("host").value_or(options.host);
  options.data_dir = args.get("data-dir").value_or(options.data_dir);
  options.region = args.get("region").value_or(options.region);
  auto port = args.get_int("port", 4566, 0, 65535);
  if (!port) return port.take_error();
  options.port = static_cast<std::uint16_t>(*port);
  auto seed = args.get_int("seed", 1, 0, INT64_MAX);
  if (!seed) return seed.take_error();
  options.seed = static_cast<std::uint64_t>(*seed);
  auto threads = args.get_int("threads", 8, 1, 256);
  if (!threads) return threads.take_error();
  options.worker_threads = static_cast<std::size_t>(*threads);
  auto auth = local::parse_auth_mode(args.get("auth").value_or("open"));
  if (!auth) return auth.take_error();
  options.auth = *auth;
  auto faults = local::parse_fault_spec(args.get("fault").value_or(""));
  if (!faults) return faults.take_error();
  options.faults = *faults;
  auto concurrency =
      args.get_int("lambda-concurrency",
                   static_cast<std::int64_t>(local::lambda::default_max_environments()), 1, 256);
  if (!concurrency) return concurrency.take_error();
  options.lambda.max_environments = static_cast<std::size_t>(*concurrency);
  if (auto delays = args.get("lambda-retry-delays")) {
    options.lambda.async_retry_delays.clear();
    std::size_t start = 0;
    while (start <= delays->size()) {
      const auto comma = delays->find(',', start);
      const std::string item = delays->substr(start, comma - start);
      char* end = nullptr;
      const long ms = std::strtol(item.c_str(), &end, 10);
      if (item.empty() || *end != '\0' || ms < 0 || ms > 3600000) {
        return make_error("Usage", "--lambda-retry-delays takes milliseconds such as 1000,2000");
      }
      options.lambda.async_retry_delays.emplace_back(ms);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  options.lambda.passthrough_environment = passthrough_environment();
  for (const std::string& role : args.get_all("role")) {
    const auto equals = role.find('=');
    if (equals == std::string::npos || equals == 0 || equals + 1 == role.size()) {
      return make_error("Usage", "--role takes NAME=POLICY_FILE, not '" + role + "'");
    }
    options.roles.emplace_back(role.substr(0, equals), role.substr(equals + 1));
  }
  options.oidc_key_file = args.get("oidc-key").value_or("");
  options.sso_tokens = args.get_all("sso-token");
  auto min_session = args.get_int("min-session-seconds", 900, 1, 43200);
  if (!min_session) return min_session.take_error();
  options.min_session_seconds = static_cast<int>(*min_session);
  auto idle = args.get_int("idle-timeout", 60, 1, 86400);
  if (!idle) return idle.take_error();
  auto stall = args.get_int("stall-timeout", 20, 1, 86400);
  if (!stall) return stall.take_error();
  auto max_connections = args.get_int("max-connections", 1000, 1, 1000000);
  if (!max_connections) return max_connections.take_error();
  options.idle_timeout = std::chrono::seconds(*idle);
  options.stall_timeout = std::chrono::seconds(*stall);
  options.max_connections = static_cast<std::size_t>(*max_connections);
  auto budget = args.get_int("body-memory-mb", 512, 1, 1 << 20);
  if (!budget) return budget.take_error();
  options.body_memory_budget = static_cast<std::uint64_t>(*budget) * 1024 * 1024;
  return options;
}

Result<local::deploy::DeployOptions> deploy_options(const Args& args,
                                                    const std::string& template_path) {
  local::deploy::DeployOptions deploy;
  deploy.template_path = template_path;
  deploy.stack_name = args.get("stack-name").value_or(deploy.stack_name);
  for (const std::string& param : args.get_all("param")) {
    const auto equals = param.find('=');
    if (equals == std::string::npos || equals == 0) {
      return make_error("Usage", "--param takes KEY=VALUE, not '" + param + "'");
    }
    deploy.parameters.emplace_back(param.substr(0, equals), param.substr(equals + 1));
  }
  if (args.has("bootstrap") && args.has("lambda-zip")) {
    return make_error("Usage", "give --bootstrap or --lambda-zip, not both");
  }
  deploy.code.bootstrap = args.get("bootstrap").value_or(bootstrap_beside_executable());
  deploy.code.zip = args.get("lambda-zip").value_or("");
  return deploy;
}

}  // namespace

int run_local(const std::vector<std::string>& argv) {
  auto args = Args::parse(argv,
                          {{"host"},
                           {"port"},
                           {"data-dir"},
                           {"auth"},
                           {"fault"},
                           {"seed"},
                           {"region"},
                           {"threads"},
                           {"template"},
                           {"param", true, true},
                           {"stack-name"},
                           {"bootstrap"},
                           {"lambda-zip"},
                           {"lambda-concurrency"},
                           {"lambda-retry-delays"},
                           {"role", true, true},
                           {"oidc-key"},
                           {"sso-token", true, true},
                           {"min-session-seconds"},
                           {"idle-timeout"},
                           {"stall-timeout"},
                           {"max-connections"},
                           {"body-memory-mb"}},
                          "local");
  if (!args) return usage_error(args.error().message);
  if (args->help()) {
    std::cout << kUsage;
    return kExitOk;
  }
  if (!args->positional().empty()) {
    return usage_error("unexpected argument '" + args->positional().front() +
                       "' (see 'csv2ddb local --help')");
  }
  auto options = local_options(*args);
  if (!options) return usage_error(options.error().message);
  std::optional<local::deploy::DeployOptions> stack;
  if (auto template_path = args->get("template")) {
    auto deploy = deploy_options(*args, *template_path);
    if (!deploy) return usage_error(deploy.error().message);
    stack = std::move(*deploy);
  } else if (args->has("param")) {
    return usage_error("--param needs --template");
  }

  // SIGINT and SIGTERM are taken by one thread (sigwait), so no other thread is interrupted
  // and the stop request is an ordinary call. Blocked before any thread starts: all inherit
  // (the functions' processes get a clean mask, see lambda/function_process.cpp).
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto runner = LocalRunner::start(*options);
  if (!runner) {
    std::cerr << "csv2ddb local: " << runner.error().message << "\n";
    return kExitFailure;
  }
  std::thread signal_waiter([&] {
    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    (*runner)->stop();
  });
  std::cout << "csv2ddb local listening on http://" << options->host << ":" << (*runner)->port()
            << "\ncsv2ddb local console at " << (*runner)->console_url() << std::endl;
  int status = kExitOk;
  if (stack) {
    std::cerr << "csv2ddb local: deploying " << stack->template_path << " as stack "
              << stack->stack_name << "\n";
    stack->progress = [](const std::string& line) { std::cerr << "  " << line << "\n"; };
    auto outputs = (*runner)->deploy(*stack);
    if (!outputs) {
      std::cerr << "csv2ddb local: the stack " << stack->stack_name
                << " failed: " << outputs.error().to_string() << "\n";
      status = kExitFailure;
      pthread_kill(signal_waiter.native_handle(), SIGTERM);
    } else {
      std::cout << "Outputs:\n";
      for (const auto& [name, value] : outputs->outputs) {
        std::cout << "  " << name << ": " << value << "\n";
      }
      std::cout << "csv2ddb local: stack " << stack->stack_name << " is ready; function logs in "
                << options->data_dir << "/lambda/logs" << std::endl;
    }
  }
  if (status == kExitOk) (*runner)->restore_stacks();
  (*runner)->wait();
  pthread_kill(signal_waiter.native_handle(), SIGTERM);  // wakes the waiter if still waiting
  signal_waiter.join();
  return status;
}

}  // namespace csv2ddb::cli
