// csv2ddb local: the local AWS on one port (see src/local/local_aws.hpp).
#include <pthread.h>
#include <signal.h>

#include <iostream>
#include <thread>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "local/local_aws.hpp"

namespace csv2ddb::cli {
namespace {

constexpr const char* kUsage =
    R"(usage: csv2ddb local [--host 127.0.0.1] [--port 4566] [--data-dir DIR]
                     [--auth open|strict] [--fault SPEC] [--seed N] [--region R]
                     [--threads N]

Serves DynamoDB and S3 on one local port: tables in SQLite, objects as files in the data
folder. Lambda: not served yet. Once listening it prints one line,
'csv2ddb local listening on http://HOST:PORT'.
Stops cleanly on Ctrl-C or SIGTERM; every acknowledged write survives a restart.

  --host H        address to bind (default 127.0.0.1)
  --port N        port (default 4566; 0 picks a free port)
  --data-dir DIR  where tables and objects live (default ./csv2ddb-local-data)
  --auth MODE     open (default): any access key, signatures of known keys checked;
                  strict: known keys only. The known key is test/test.
  --fault SPEC    injected trouble, e.g. throttle=0.1,unprocessed=0.2,error=0.05,drop=0.01,
                  latency=10 (rates from 0 to 1, latency in ms)
  --seed N        seed for the fault draws (default 1)
  --region R      region shown in ARNs (default us-east-1)
  --threads N     worker threads running requests (default 8)
)";

int usage_error(const std::string& message) {
  std::cerr << "csv2ddb local: " << message << "\n";
  return kExitUsage;
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
                           {"param", true, true}},
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
  if (args->has("template") || args->has("param")) {
    return usage_error("--template and --param are not supported yet");
  }
  local::LocalAwsOptions options;
  options.host = args->get("host").value_or(options.host);
  options.data_dir = args->get("data-dir").value_or(options.data_dir);
  options.region = args->get("region").value_or(options.region);
  auto port = args->get_int("port", 4566, 0, 65535);
  if (!port) return usage_error(port.error().message);
  options.port = static_cast<std::uint16_t>(*port);
  auto seed = args->get_int("seed", 1, 0, INT64_MAX);
  if (!seed) return usage_error(seed.error().message);
  options.seed = static_cast<std::uint64_t>(*seed);
  auto threads = args->get_int("threads", 8, 1, 256);
  if (!threads) return usage_error(threads.error().message);
  options.worker_threads = static_cast<std::size_t>(*threads);
  auto auth = local::parse_auth_mode(args->get("auth").value_or("open"));
  if (!auth) return usage_error(auth.error().message);
  options.auth = *auth;
  auto faults = local::parse_fault_spec(args->get("fault").value_or(""));
  if (!faults) return usage_error(faults.error().message);
  options.faults = *faults;

  // SIGINT and SIGTERM are taken by one thread (sigwait), so no other thread is interrupted
  // and the stop request is an ordinary call. Blocked before any thread starts: all inherit.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto server = local::LocalAws::start(options);
  if (!server) {
    std::cerr << "csv2ddb local: " << server.error().message << "\n";
    return kExitFailure;
  }
  std::thread signal_waiter([&] {
    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    (*server)->stop();
  });
  std::cout << "csv2ddb local listening on http://" << options.host << ":" << (*server)->port()
            << std::endl;
  (*server)->run();
  pthread_kill(signal_waiter.native_handle(), SIGTERM);  // wakes the waiter if still waiting
  signal_waiter.join();
  return kExitOk;
}

}  // namespace csv2ddb::cli
