// csv2ddb make-csv: sample data in the reference generator's shape.
#include <iostream>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/output_file.hpp"
#include "cli/sample_data.hpp"

namespace csv2ddb::cli {
namespace {
constexpr const char* kUsage =
    R"(usage: csv2ddb make-csv [--rows N] [--accounts N] [--output FILE] [--seed N]

Writes sample offers as CSV, with the reference generator's columns:
  account (8 digits), offer_id (12 digits), catalog_id (18 digits), account_type_code
  (2 letters), offer_type_id (8 digits), created and expire (ISO-8601 UTC, expire 7 to 365
  days after created), risk (high, medium or low).
Every (account, offer_id) pair is unique; the same --seed always gives the same file.

  --rows N       rows to write (default 1000)
  --accounts N   distinct accounts the rows are spread over (default 100)
  --output FILE  where to write (default: standard output)
  --seed N       random seed (default 1)
)";
}  // namespace

int run_make_csv(const std::vector<std::string>& argv) {
  auto args = Args::parse(argv, {{"rows"}, {"accounts"}, {"output"}, {"seed"}}, "make-csv");
  if (!args) {
    std::cerr << "csv2ddb make-csv: " << args.error().message << "\n";
    return kExitUsage;
  }
  if (args->help()) {
    std::cout << kUsage;
    return kExitOk;
  }
  if (!args->positional().empty()) {
    std::cerr << "csv2ddb make-csv: unexpected argument '" << args->positional().front()
              << "' (see 'csv2ddb make-csv --help')\n";
    return kExitUsage;
  }
  SampleOptions options;
  auto rows = args->get_int("rows", 1000, 0, static_cast<long long>(kMaxSampleRows));
  auto accounts = args->get_int("accounts", 100, 1, static_cast<long long>(kMaxSampleAccounts));
  auto seed = args->get_int("seed", 1, 0, INT64_MAX);
  for (const auto* value : {&rows, &accounts, &seed}) {
    if (!*value) {
      std::cerr << "csv2ddb make-csv: " << value->error().message << "\n";
      return kExitUsage;
    }
  }
  options.rows = static_cast<std::uint64_t>(*rows);
  options.accounts = static_cast<std::uint64_t>(*accounts);
  options.seed = static_cast<std::uint64_t>(*seed);

  auto output = OutputFile::open(args->get("output").value_or("-"));
  if (!output) {
    std::cerr << "csv2ddb make-csv: " << output.error().message << "\n";
    return kExitFailure;
  }
  Status written =
      write_sample_csv(options, [&](std::string_view chunk) { return (*output)->write(chunk); });
  if (written) written = (*output)->close();
  if (!written) {
    std::cerr << "csv2ddb make-csv: " << written.error().message << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace csv2ddb::cli
