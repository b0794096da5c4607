// csv2ddb: CSV files into Amazon DynamoDB. Dispatches to the subcommands; the only place
// (besides the Lambda loop and the server's request boundary) that catches exceptions.
#include <exception>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "aws/debug_log.hpp"
#include "cli/commands.hpp"

namespace {

constexpr const char* kUsage = R"(usage: csv2ddb [--version] [--debug] COMMAND [OPTIONS]

Commands:
  make-csv   write sample offers as CSV
  convert    turn a CSV file into DynamoDB JSON Lines (the format of DynamoDB's import from S3)
  ingest     write CSV, DynamoDB JSON or JSON Lines files into a DynamoDB table, accounting for
             every row
  whoami     the identity your AWS credentials resolve to (as aws sts get-caller-identity)
  local      serve S3, DynamoDB, Lambda and STS on localhost (the local AWS)
  demo       the end-to-end demo on this machine

Run 'csv2ddb help COMMAND' (or 'csv2ddb COMMAND --help') for a command's options.
--debug logs every AWS request and response (secrets redacted) and credential fetches to
standard error.
)";

using Command = int (*)(const std::vector<std::string>&);

// Takes --debug out of the arguments before "--" (it applies to every command) and turns the
// log on.
std::vector<std::string> take_debug_flag(std::vector<std::string> args) {
  std::vector<std::string> kept;
  bool options_ended = false;
  for (auto& arg : args) {
    if (!options_ended && arg == "--debug") {
      csv2ddb::aws::enable_debug_log();
      continue;
    }
    options_ended = options_ended || arg == "--";
    kept.push_back(std::move(arg));
  }
  return kept;
}

}  // namespace

int main(int argc, char** argv) {
  const std::map<std::string, Command> commands = {
      {"make-csv", csv2ddb::cli::run_make_csv}, {"convert", csv2ddb::cli::run_convert},
      {"ingest", csv2ddb::cli::run_ingest},     {"demo", csv2ddb::cli::run_demo},
      {"local", csv2ddb::cli::run_local},       {"whoami", csv2ddb::cli::run_whoami},
  };
  std::vector<std::string> args = take_debug_flag(std::vector<std::string>(argv + 1, argv + argc));
  if (args.empty()) {
    std::cerr << kUsage;
    return csv2ddb::cli::kExitUsage;
  }
  std::string name = args.front();
  args.erase(args.begin());
  if (name == "--version" || name == "version") {
    std::cout << "csv2ddb " << CSV2DDB_VERSION << "\n";
    return csv2ddb::cli::kExitOk;
  }
  if (name == "--help" || name == "-h" || name == "help") {
    if (args.empty()) {
      std::cout << kUsage;
      return csv2ddb::cli::kExitOk;
    }
    name = args.front();  // help COMMAND is COMMAND --help
    args = {"--help"};
  }
  auto command = commands.find(name);
  if (command == commands.end()) {
    std::cerr << "csv2ddb: unknown command '" << name << "'\n\n" << kUsage;
    return csv2ddb::cli::kExitUsage;
  }
  try {
    return command->second(args);
  } catch (const std::exception& e) {
    std::cerr << "csv2ddb " << name << ": internal error: " << e.what() << "\n";
    return csv2ddb::cli::kExitFailure;
  }
}
