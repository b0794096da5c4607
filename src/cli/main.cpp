// csv2ddb: CSV files into Amazon DynamoDB. Dispatches to the subcommands; the only place
// (besides the Lambda loop and the server's request boundary) that catches exceptions.
#include <exception>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "cli/commands.hpp"

namespace {

constexpr const char* kUsage = R"(usage: csv2ddb COMMAND [OPTIONS]

Commands:
  make-csv   write sample offers as CSV
  convert    turn a CSV file into DynamoDB JSON Lines (the format of DynamoDB's import from S3)
  ingest     write a CSV file into a DynamoDB table, accounting for every row
  local      serve S3 and DynamoDB on localhost (the local AWS)
  demo       the end-to-end demo on this machine

Run 'csv2ddb COMMAND --help' for a command's options.
)";

using Command = int (*)(const std::vector<std::string>&);

}  // namespace

int main(int argc, char** argv) {
  const std::map<std::string, Command> commands = {
      {"make-csv", csv2ddb::cli::run_make_csv}, {"convert", csv2ddb::cli::run_convert},
      {"ingest", csv2ddb::cli::run_ingest},     {"demo", csv2ddb::cli::run_demo},
      {"local", csv2ddb::cli::run_local},
  };
  if (argc < 2) {
    std::cerr << kUsage;
    return csv2ddb::cli::kExitUsage;
  }
  const std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    std::cout << kUsage;
    return csv2ddb::cli::kExitOk;
  }
  auto command = commands.find(name);
  if (command == commands.end()) {
    std::cerr << "csv2ddb: unknown command '" << name << "'\n\n" << kUsage;
    return csv2ddb::cli::kExitUsage;
  }
  try {
    return command->second(std::vector<std::string>(argv + 2, argv + argc));
  } catch (const std::exception& e) {
    std::cerr << "csv2ddb " << name << ": internal error: " << e.what() << "\n";
    return csv2ddb::cli::kExitFailure;
  }
}
