// csv2ddb demo: the README's main job, the whole system on this machine. It starts the local
// AWS, deploys the project's CloudFormation template into it, makes a sample CSV, uploads it
// through the S3 API, waits for the import function that the bucket's notification starts,
// and shows the report, a few items of the table and where the outputs are.
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "aws/environment.hpp"
#include "aws/service_clients.hpp"
#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/embedded_template.hpp"
#include "cli/local_runner.hpp"
#include "model/dynamodb_json.hpp"
#include "model/json.hpp"

namespace csv2ddb::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kUsage = R"(usage: csv2ddb demo [--rows N] [--dir DIR] [--port N] [--serve]

Runs the whole pipeline on this machine: starts the local AWS (S3, DynamoDB and Lambda on
127.0.0.1) in DIR (default ./csv2ddb-demo), deploys the project's CloudFormation template into
it (bucket, table, roles, the import and notification functions), makes a sample CSV of N
offers (default 10000), uploads it to the bucket, waits for the import and prints its report,
a few items of the table and where the outputs are, with the web console's address. Then it
stops the local AWS (the command it prints runs it again with the same data), or with --serve
keeps it running, console included, until Ctrl-C.

  --rows N   sample rows (default 10000)
  --dir DIR  where the data, the sample and the logs go (default ./csv2ddb-demo)
  --port N   the local AWS's port (default 0: a free one)
  --serve    keep the local AWS and its console running after the demo
)";

constexpr const char* kBucket = "csv2ddb-demo-imports";
constexpr const char* kKey = "offers.csv";
constexpr auto kImportTimeout = std::chrono::seconds(960);  // the function's 900 s, and margin

int fail(const std::string& message) {
  std::cerr << "csv2ddb demo: " << message << "\n";
  return kExitFailure;
}

Result<aws::ServiceClients> clients_for(const std::string& endpoint) {
  aws::Environment env = aws::Environment::from_map({{"AWS_ACCESS_KEY_ID", "test"},
                                                     {"AWS_SECRET_ACCESS_KEY", "test"},
                                                     {"AWS_REGION", "us-east-1"},
                                                     {"AWS_ENDPOINT_URL", endpoint},
                                                     {"AWS_EC2_METADATA_DISABLED", "true"}});
  return aws::ServiceClients::create(env, aws::ServiceClientsOptions{});
}

Result<std::string> read_object(aws::S3Client& s3, const std::string& key) {
  std::string body;
  auto got = s3.get_object(kBucket, key, {}, [&body](std::string_view chunk) -> Status {
    body.append(chunk);
    return {};
  });
  if (!got) return got.take_error();
  return body;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Waits for the import's report object; fails early when the function has given up.
Result<std::string> wait_for_report(aws::S3Client& s3, const fs::path& import_log) {
  const std::string report_key = "reports/" + std::string(kKey) + ".report.json";
  const auto give_up = std::chrono::steady_clock::now() + kImportTimeout;
  while (std::chrono::steady_clock::now() < give_up) {
    if (auto report = read_object(s3, report_key)) return report;
    if (read_file(import_log).find("failed on its last attempt") != std::string::npos) {
      return make_error("ImportFailed",
                        "the import function failed; its log: " + import_log.string());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return make_error("ImportTimeout", "no report after " + std::to_string(kImportTimeout.count()) +
                                         " s; the import function's log: " + import_log.string());
}

void print_report(const std::string& report_json) {
  auto report = model::parse_json(report_json);
  if (!report) {
    std::cout << report_json << "\n";
    return;
  }
  const char* fields[] = {"rows_read",    "rows_written", "rows_rejected", "rows_unprocessed",
                          "rows_skipped", "bytes_read",   "seconds",       "requests",
                          "retries",      "throttles",    "consumed_wcu"};
  for (const char* field : fields) {
    if (const model::JsonValue* value = report->find(field)) {
      std::cout << "     " << field << ": " << value->as_string() << "\n";
    }
  }
}

}  // namespace

int run_demo(const std::vector<std::string>& argv) {
  auto args = Args::parse(argv, {{"rows"}, {"dir"}, {"port"}, {"serve", false}}, "demo");
  if (!args) {
    std::cerr << "csv2ddb demo: " << args.error().message << "\n";
    return kExitUsage;
  }
  if (args->help()) {
    std::cout << kUsage;
    return kExitOk;
  }
  auto rows = args->get_int("rows", 10000, 1, 100'000'000);
  auto port = args->get_int("port", 0, 0, 65535);
  if (!rows || !port) {
    std::cerr << "csv2ddb demo: " << (rows ? port.error() : rows.error()).message << "\n";
    return kExitUsage;
  }
  const fs::path dir = fs::absolute(args->get("dir").value_or("csv2ddb-demo"));
  const fs::path data_dir = dir / "local-data";
  std::error_code ec;
  fs::remove_all(data_dir, ec);  // a fresh stack each run
  fs::create_directories(data_dir, ec);
  if (ec) return fail("cannot create " + data_dir.string() + ": " + ec.message());
  const fs::path template_path = dir / "template.yaml";
  std::ofstream(template_path, std::ios::binary) << embedded_template();

  // With --serve the demo waits for Ctrl-C: the signals are blocked before any thread starts,
  // so that every thread inherits the mask and only sigwait() takes them.
  const bool serve = args->has("serve");
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  if (serve) pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  local::LocalAwsOptions options;
  options.port = static_cast<std::uint16_t>(*port);
  options.data_dir = data_dir.string();
  auto runner = LocalRunner::start(options);
  if (!runner) return fail(runner.error().to_string());
  const std::string endpoint = (*runner)->endpoint_url();
  std::cout << "1. The local AWS serves S3, DynamoDB and Lambda on " << endpoint << "\n"
            << "   csv2ddb local console at " << (*runner)->console_url() << "\n";

  local::deploy::DeployOptions deploy;
  deploy.template_path = template_path.string();
  deploy.parameters = {{"S3BucketName", kBucket}};
  deploy.code.bootstrap = bootstrap_beside_executable();
  std::cout << "2. Deploying the CloudFormation template (" << template_path.string() << ")\n";
  deploy.progress = [](const std::string& line) { std::cout << "     " << line << "\n"; };
  auto outputs = (*runner)->deploy(deploy);
  if (!outputs) return fail("deploy: " + outputs.error().to_string());
  std::string table = "csv2ddb-offers";
  for (const auto& [name, value] : outputs->outputs) {
    if (name == "DynamoDBTableName") table = value;
  }

  const fs::path csv = dir / "offers.csv";
  std::cout << "3. make-csv: " << *rows << " sample offers -> " << csv.string() << "\n";
  if (int status = run_make_csv({"--rows", std::to_string(*rows), "--output", csv.string()});
      status != 0) {
    return status;
  }
  auto clients = clients_for(endpoint);
  if (!clients) return fail(clients.error().to_string());
  const auto started = std::chrono::steady_clock::now();
  std::cout << "4. PutObject s3://" << kBucket << "/" << kKey << " (" << fs::file_size(csv, ec)
            << " bytes)\n";
  if (auto put = clients->s3()->put_object(kBucket, kKey, read_file(csv), "text/csv"); !put) {
    return fail("upload: " + put.error().to_string());
  }
  const fs::path import_log = data_dir / "lambda" / "logs" / "csv2ddb-import.log";
  std::cout << "5. The bucket's notification starts the import function; waiting for its report\n";
  auto report = wait_for_report(*clients->s3(), import_log);
  if (!report) return fail(report.error().message);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  char elapsed[32];
  std::snprintf(elapsed, sizeof elapsed, "%.2f", seconds);
  std::cout << "   imported in " << elapsed << " s from upload to report:\n";
  print_report(*report);

  std::cout << "6. A few items of the table " << table << ":\n";
  if (auto page = clients->dynamodb()->scan(table, std::nullopt, 3)) {
    for (const model::Item& item : page->items) {
      std::string line;
      model::append_plain_item(line, item);
      std::cout << "     " << line << "\n";
    }
  }
  std::cout << "7. Outputs in the bucket:\n";
  if (auto listed = clients->s3()->list_all(kBucket, "")) {
    for (const auto& object : *listed) {
      std::cout << "     s3://" << kBucket << "/" << object.key << " (" << object.size
                << " bytes)\n";
    }
  }
  std::cout << "   function logs: " << (data_dir / "lambda" / "logs").string() << "\n\n"
            << "To keep the local AWS running on this data and use it with awscli:\n"
            << "  csv2ddb local --data-dir " << data_dir.string() << " --template "
            << template_path.string() << " --param S3BucketName=" << kBucket << "\n"
            << "  export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test "
               "AWS_DEFAULT_REGION=us-east-1\n"
            << "  aws --endpoint-url http://127.0.0.1:4566 s3 cp my.csv s3://" << kBucket << "/\n";
  if (serve) {
    std::cout << "\nThe local AWS keeps running on " << endpoint
              << "; its console: " << (*runner)->console_url() << "\nCtrl-C stops it." << std::endl;
    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
  }
  (*runner)->stop();
  return kExitOk;
}

}  // namespace csv2ddb::cli
