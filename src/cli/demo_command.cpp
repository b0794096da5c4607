// csv2ddb demo: the main job of the README. Until the local AWS lands, it shows the offline half
// of the pipeline: sample data made, converted to DynamoDB items, rejects and summary shown.
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/args.hpp"
#include "cli/commands.hpp"

namespace csv2ddb::cli {
namespace {
constexpr const char* kUsage = R"(usage: csv2ddb demo [--rows N] [--dir DIR]

Makes a sample CSV of N offers (default 1000) in DIR (default ./csv2ddb-demo), converts it to
DynamoDB JSON Lines, and shows the summary and the first items.
)";
}  // namespace

int run_demo(const std::vector<std::string>& argv) {
  auto args = Args::parse(argv, {{"rows"}, {"dir"}}, "demo");
  if (!args) {
    std::cerr << "csv2ddb demo: " << args.error().message << "\n";
    return kExitUsage;
  }
  if (args->help()) {
    std::cout << kUsage;
    return kExitOk;
  }
  auto rows = args->get_int("rows", 1000, 1, 100'000'000);
  if (!rows) {
    std::cerr << "csv2ddb demo: " << rows.error().message << "\n";
    return kExitUsage;
  }
  const std::filesystem::path dir = args->get("dir").value_or("csv2ddb-demo");
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    std::cerr << "csv2ddb demo: cannot create " << dir << ": " << ec.message() << "\n";
    return kExitFailure;
  }
  const std::string csv = (dir / "offers.csv").string();
  const std::string items = (dir / "offers.jsonl").string();
  const std::string rejects = (dir / "offers.rejected.jsonl").string();

  std::cout << "1. make-csv: " << *rows << " sample offers -> " << csv << "\n";
  if (int status = run_make_csv({"--rows", std::to_string(*rows), "--output", csv}); status != 0) {
    return status;
  }
  std::cout << "2. convert: " << csv << " -> " << items << "\n";
  if (int status = run_convert({csv, "--output", items, "--rejects", rejects}); status != 0) {
    return status;
  }
  std::cout << "3. the first items, as DynamoDB's import from S3 reads them:\n";
  std::ifstream in(items);
  std::string line;
  for (int i = 0; i < 3 && std::getline(in, line); ++i) std::cout << "   " << line << "\n";
  std::cout << "Outputs: " << items << " (items), " << rejects << " (rejected rows)\n";
  return kExitOk;
}

}  // namespace csv2ddb::cli
