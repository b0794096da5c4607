// csv2ddb ingest: the engine from a laptop. Reads files (paths, folders, -, s3:// objects and
// prefixes, DynamoDB exports) in CSV, DynamoDB JSON or JSON Lines, writes their rows to a
// DynamoDB table in the chosen write mode, and accounts for every row in the reports it prints.
// This file turns the command line into a plan; ingest_files.hpp runs it.
#include <atomic>
#include <csignal>
#include <filesystem>
#include <iostream>

#include "adapters/dynamodb_table_writer.hpp"
#include "aws/environment.hpp"
#include "aws/service_clients.hpp"
#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/file_outputs.hpp"
#include "cli/ingest_files.hpp"
#include "cli/input_expansion.hpp"
#include "ingest/ingestor.hpp"
#include "ingest/write_plan.hpp"

namespace csv2ddb::cli {
namespace {

constexpr const char* kUsage =
    R"(usage: csv2ddb ingest INPUT... --table NAME [--format csv|ddb-json|json]
                       [--mode put|delete|update|put-if-absent] [--condition EXPR]
                       [--endpoint-url URL] [--region R] [--profile P]
                       [--key SCHEMA] [--types SPEC|strings|infer] [--delimiter C] [--header a,b,c]
                       [--concurrency N] [--max-wcu N] [--no-adaptive] [--no-spread]
                       [--json-copy DEST] [--unprocessed DEST] [--rejected DEST]
                       [--conflicts DEST] [--report DEST] [--outputs DIR] [--keep-going]
                       [--checkpoint PATH] [--resume] [--dry-run]

Writes every row of the inputs to a DynamoDB table, retrying throttling, server errors and
unprocessed items with exponential backoff and jitter. Every row ends up written, rejected
(with its line and reason), unprocessed (saved for a re-run), skipped (blank) or, with a
condition, a conflict; the report says how many.

INPUT is a path, - for standard input, s3://bucket/key, a folder or s3://bucket/prefix/ (every
file under it, in byte order of their paths or keys), or a DynamoDB table export (the folder or
prefix holding AWSDynamoDB/, or its manifest-summary.json): its data files are checked against
the manifest's MD5 before they are read. Inputs are read in the order given; for one key the
row read last wins, across files as within one. gzip and zstd are read as they come.

  --table NAME        the table (its key schema is read with DescribeTable)
  --format F          csv, ddb-json ({"Item":{...}} per line, or an export's change records)
                      or json (JSON Lines of plain objects); default: told from each file's
                      name and first bytes. A JSON array of items (an unprocessed file of an
                      earlier run) is always re-driven as such.
  --mode M            put (default: whole items replaced, in batches), delete (each row's key,
                      in batches), update (UpdateItem: the row's attributes set, the item's
                      others kept) or put-if-absent (never overwrites an item)
  --condition EXPR    a DynamoDB condition expression checked for each row, with :col the
                      row's value of column col and #col the name col, e.g.
                      'attribute_not_exists(account) OR version < :version'; rows whose
                      condition fails are conflicts: counted, listed, not retried
  --endpoint-url URL  the endpoint of every AWS service the command calls (DynamoDB, and S3
                      for s3:// paths), e.g. csv2ddb local's. As in awscli, the flag wins; without
                      it AWS_ENDPOINT_URL_DYNAMODB / _S3, AWS_ENDPOINT_URL, then the profile's
                      services section and endpoint_url apply (services on different endpoints:
                      use the variables)
  --region R          the region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile's)
  --profile P         a profile of ~/.aws/credentials and ~/.aws/config
  --key SCHEMA        use this key schema instead of DescribeTable's (hash[:type][,range[:type]])
  --types MODE        strings (default), infer, or a spec such as price:N,active:BOOL,tags:SS
                      (CSV columns; for JSON, the spec retypes the attributes it names)
  --delimiter C       , ; : | tab or space (default ,)
  --header a,b,c      column names, when CSV files have no header row
  --concurrency N     parallel writer lanes (default 32), each with one request in flight (8
                      lanes for each in the per-item modes: update, put-if-absent, conditions);
                      the same key always uses the same lane, so the last row for a key wins
  --max-wcu N         never send more than N write units a second (1 per started KB per item)
  --no-adaptive       do not pace on throttling (by default the rate is cut when the table
                      throttles and grows back while it does not, as the AWS SDKs' adaptive mode)
  --no-spread         send rows in input order (by default up to 65536 rows, 8 MB, are held
                      and sent in turns of partition key, so that input sorted by partition key
                      writes many partitions at once; rows of one key keep their order)

One file's outputs (rejected, unprocessed and conflicts files are created only when there are
some rows for them):
  --json-copy DEST    write the JSON copy {"data":[...]} to DEST (a path or s3://bucket/key)
  --unprocessed DEST  rows still unwritten after the last retry (default ./<input>.unprocessed.json)
  --rejected DEST     rejected rows, {"line":N,"reason":...,"fields":[...]} per line
                      (default ./<input>.rejected.jsonl)
  --conflicts DEST    rows whose condition failed, {"line":N,"key":{...}} per line
                      (default ./<input>.conflicts.jsonl)
  --report DEST       also write the report there
Several files (more than one INPUT, or a folder or prefix):
  --outputs DIR       each file's outputs go under DIR (a folder or s3://bucket/prefix/;
                      default .), named after its path or key: DIR/<name>.rejected.jsonl,
                      .unprocessed.json, .conflicts.jsonl and .report.json
  --keep-going        when a file cannot be read, go on with the others (exit status 1 at the
                      end); without it the run stops there, and a file an export's manifest
                      names but that is missing stops it before anything is written

  --checkpoint PATH   where the resume point is kept (default ./<input>.checkpoint.json, or
                      DIR/ingest.checkpoint.json for several files); written every few seconds,
                      at each file's start and on Ctrl-C, removed when the run completes
  --resume            continue from the checkpoint (refused if the file changed since)
  --dry-run           read, map and validate everything; write nothing to the table (with
                      --key and no s3:// path it calls no AWS service, so it needs no
                      credentials or region); with several files, the report lines list
                      each file with its size and format

Ctrl-C (or SIGTERM) stops reading, finishes the requests in flight, saves the checkpoint and
exits with 130 (143 for SIGTERM); run the same command with --resume to continue (with no
checkpoint yet, --resume starts from the beginning and says so). A progress line is shown when stderr is a
terminal.

Prints the report (JSON) on stdout: one file's, or one line per file (with "input", "format"
and "size") then {"total":{...}}; a summary goes to stderr. Exit status: 0 when every row was
written, rejected, skipped or a conflict; 3 when some rows are unprocessed (saved, see
--unprocessed); 1 when a file could not be read or accounted (unreadable input, checksum
mismatch, no such table, access denied); 2 for a wrong command line or a condition that does
not parse or names a column an input does not have.
)";

std::atomic<bool> g_interrupted{false};
std::atomic<int> g_signal{0};

// Ctrl-C, and SIGTERM as containers, systemd and CI stop a job: the same orderly stop, with a
// checkpoint and a report. A second one stops at once.
extern "C" void on_stop_signal(int signal_number) {
  g_signal = signal_number;
  g_interrupted = true;
  std::signal(signal_number, SIG_DFL);
}

// The table writer of a dry run with --key: the engine calls neither method then; if it ever
// did, this says so instead of reaching for AWS.
class OfflineTableWriter final : public ingest::TableWriter {
 public:
  ingest::BatchWriteOutcome batch_put_json(const std::string&,
                                           std::span<const std::string_view>) override {
    ingest::BatchWriteOutcome outcome;
    outcome.status = ingest::BatchWriteOutcome::Status::kFatal;
    outcome.error_code = "DryRun";
    outcome.error_message = "a dry run writes nothing";
    return outcome;
  }
  ingest::BatchWriteOutcome batch_write_json(const std::string& table,
                                             std::span<const ingest::BatchEntry>) override {
    return batch_put_json(table, {});
  }
  ingest::ItemWriteOutcome write_item_json(const std::string&, const ingest::WritePlan&,
                                           std::string_view) override {
    ingest::ItemWriteOutcome outcome;
    outcome.status = ingest::ItemWriteOutcome::Status::kFatal;
    outcome.error_code = "DryRun";
    outcome.error_message = "a dry run writes nothing";
    return outcome;
  }
  Result<model::KeySchema> describe_key_schema(const std::string&) override {
    return make_error("DryRun", "a dry run with --key does not call DescribeTable");
  }
};

int fail(const Error& error) {
  std::cerr << "csv2ddb ingest: " << error.to_string() << "\n";
  return kExitFailure;
}

int usage(const std::string& message) {
  std::cerr << "csv2ddb ingest: " << message << "\n";
  return kExitUsage;
}

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    parts.push_back(text.substr(start, comma - start));
    if (comma == std::string::npos) return parts;
    start = comma + 1;
  }
}

bool is_s3(const std::optional<std::string>& text) {
  return text && text->rfind("s3://", 0) == 0;
}

// The options that shape every file's run: typing, CSV dialect, lanes, pacing, write mode.
// Returns the usage error, or "".
std::string read_run_options(const Args& args, ingest::IngestOptions& options) {
  options.dry_run = args.has("dry-run");
  if (auto key = args.get("key")) {
    auto schema = model::parse_key_schema(*key);
    if (!schema) return schema.error().message;
    options.key_schema = *schema;
  }
  auto typing = ingest::parse_typing(args.get("types").value_or("strings"));
  if (!typing) return typing.error().message;
  options.typing = *typing;
  auto delimiter = csv::parse_delimiter(args.get("delimiter").value_or(","));
  if (!delimiter) return delimiter.error().message;
  options.reader.dialect.delimiter = *delimiter;
  if (auto header = args.get("header")) options.header = split_commas(*header);
  auto lanes = args.get_int("concurrency", 32, 1, 1024);
  if (!lanes) return lanes.error().message;
  options.lanes = static_cast<std::size_t>(*lanes);
  const ingest::LaneQueueSize queue_size = ingest::lane_queue_size(options.lanes);
  options.lane_queue_capacity = queue_size.items;
  options.lane_queue_bytes = queue_size.bytes;
  auto max_wcu = args.get_int("max-wcu", 0, 0, 100'000'000);
  if (!max_wcu) return max_wcu.error().message;
  ingest::PacerConfig pacing;
  pacing.max_wcu = static_cast<double>(*max_wcu);
  pacing.adaptive = !args.has("no-adaptive");
  if (pacing.adaptive || pacing.max_wcu > 0) options.pacing = pacing;
  if (args.has("no-spread")) options.spread.reset();

  const std::string mode_text = args.get("mode").value_or("put");
  const std::optional<ingest::WriteMode> mode = ingest::parse_write_mode(mode_text);
  if (!mode) return "--mode must be put, delete, update or put-if-absent, not '" + mode_text + "'";
  options.mode = *mode;
  options.condition = args.get("condition").value_or("");
  // The expression is checked now, before anything is read: its columns, file by file.
  const model::KeySchema any_table{{"key", model::AttributeType::kS}, std::nullopt};
  auto plan = ingest::make_write_plan(options.mode, options.condition, any_table, nullptr);
  if (!plan) return plan.error().message;
  return {};
}

// The one-file outputs the flags name, with their defaults.
std::vector<std::pair<std::string, std::optional<std::string>>> one_file_destinations(
    const Args& args, const std::string& input) {
  const std::string stem = output_stem(input);
  return {
      {"json-copy", args.get("json-copy")},
      {"unprocessed", args.get("unprocessed").value_or(stem + ".unprocessed.json")},
      {"rejected", args.get("rejected").value_or(stem + ".rejected.jsonl")},
      {"conflicts", args.get("conflicts").value_or(stem + ".conflicts.jsonl")},
      {"unprocessed-deletes", stem + ".unprocessed-deletes.json"},
      {"report", args.get("report")},
  };
}

}  // namespace

namespace {

const std::vector<OptionSpec>& ingest_options() {
  static const std::vector<OptionSpec> kOptions = {{"table"},
                                                   {"format"},
                                                   {"mode"},
                                                   {"condition"},
                                                   {"endpoint-url"},
                                                   {"region"},
                                                   {"profile"},
                                                   {"key"},
                                                   {"types"},
                                                   {"delimiter"},
                                                   {"header"},
                                                   {"concurrency"},
                                                   {"max-wcu"},
                                                   {"no-adaptive", false},
                                                   {"no-spread", false},
                                                   {"checkpoint"},
                                                   {"resume", false},
                                                   {"json-copy"},
                                                   {"unprocessed"},
                                                   {"rejected"},
                                                   {"conflicts"},
                                                   {"report"},
                                                   {"outputs"},
                                                   {"keep-going", false},
                                                   {"dry-run", false}};
  return kOptions;
}

// The AWS clients, when the run needs them: a dry run that knows the key schema and touches no
// s3:// path never calls AWS, so it needs no region or credentials (a check of a file on a
// laptop without an AWS setup). The clients' retry settings reach the lanes too.
Result<std::optional<aws::ServiceClients>> connect_if_needed(const Args& args, IngestPlan& plan) {
  bool calls_aws = !plan.options.dry_run || !plan.options.key_schema;
  for (const std::string& input : args.positional()) calls_aws = calls_aws || is_s3(input);
  for (const char* flag :
       {"json-copy", "unprocessed", "rejected", "conflicts", "report", "outputs"}) {
    calls_aws = calls_aws || is_s3(args.get(flag));
  }
  if (!calls_aws) return std::optional<aws::ServiceClients>();
  aws::ServiceClientsOptions client_options;
  client_options.region = args.get("region").value_or("");
  client_options.endpoint_url = args.get("endpoint-url").value_or("");
  client_options.profile = args.get("profile").value_or("");
  // Every lane keeps its connection; per-item modes run 8 lanes for each (write_plan.hpp).
  client_options.http.max_connections = std::max<long>(
      client_options.http.max_connections, static_cast<long>(plan.options.lanes) * 8 + 8);
  auto created = aws::ServiceClients::create(aws::Environment::process(), client_options);
  if (!created) return created.take_error();
  // AWS_MAX_ATTEMPTS, AWS_RETRY_MODE and the profile's settings.
  plan.options.retry.max_attempts = created->retry().max_attempts;
  plan.options.retry.strategy = created->retry().strategy;
  return std::optional<aws::ServiceClients>(std::move(created).value());
}

// Where the outputs and the checkpoint go: one file's named destinations, or a folder (or
// prefix) for several. A wrong combination of flags is the returned message.
std::string plan_outputs(const Args& args, Expansion& expansion, IngestPlan& plan) {
  if (args.has("outputs")) expansion.several = true;
  if (!expansion.several) {
    plan.destinations = one_file_destinations(args, expansion.files.front().location);
    plan.checkpoint_path =
        args.get("checkpoint")
            .value_or(output_stem(expansion.files.front().location) + ".checkpoint.json");
    return "";
  }
  plan.options.typing.every_column_required = false;
  for (const char* flag : {"json-copy", "unprocessed", "rejected", "conflicts", "report"}) {
    if (args.has(flag)) {
      return std::string("--") + flag + " names one file's output; with several files " +
             "each file's outputs go under --outputs DIR";
    }
  }
  plan.outputs_folder = args.get("outputs").value_or(".");
  if (!is_s3(plan.outputs_folder)) {
    std::error_code error;  // the checkpoint goes there before any output does
    std::filesystem::create_directories(plan.outputs_folder, error);
    if (error) return "--outputs " + plan.outputs_folder + ": " + error.message();
  }
  std::string folder = plan.outputs_folder;
  if (!folder.ends_with('/')) folder.push_back('/');
  plan.checkpoint_path =
      args.get("checkpoint")
          .value_or(is_s3(folder) ? "ingest.checkpoint.json" : folder + "ingest.checkpoint.json");
  return "";
}

// Runs the files with Ctrl-C and SIGTERM caught (an orderly stop with a checkpoint).
int run_with_stop_signals(const Expansion& expansion, const IngestPlan& plan,
                          const std::optional<aws::ServiceClients>& clients) {
  g_interrupted = false;
  g_signal = 0;
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  OfflineTableWriter offline_writer;
  std::optional<adapters::DynamoDbTableWriter> dynamodb_writer;
  if (clients) dynamodb_writer.emplace(clients->dynamodb());
  ingest::TableWriter& writer =
      dynamodb_writer ? static_cast<ingest::TableWriter&>(*dynamodb_writer) : offline_writer;
  const std::shared_ptr<aws::S3Client> s3 = clients ? clients->s3() : nullptr;
  const int status = ingest_files(expansion, plan, s3, writer, g_interrupted);
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  // 128 + the signal, as a shell reports a job stopped by it: 130 for Ctrl-C, 143 for SIGTERM.
  if (status == kExitInterrupted && g_signal == SIGTERM) return 128 + SIGTERM;
  return status;
}

}  // namespace

int run_ingest(const std::vector<std::string>& argv) {
  auto args = Args::parse(argv, ingest_options(), "ingest");
  if (!args) return usage(args.error().message);
  if (args->help()) {
    std::cout << kUsage;
    return kExitOk;
  }
  const std::vector<std::string>& inputs = args->positional();
  if (inputs.empty()) {
    return usage(
        "expected at least one INPUT (a path, a folder, -, or s3://...); see "
        "'csv2ddb ingest --help'");
  }
  const auto table = args->get("table");
  if (!table || table->empty()) return usage("--table is required");

  IngestPlan plan;
  plan.argv = argv;
  plan.options.table = *table;
  if (std::string wrong = read_run_options(*args, plan.options); !wrong.empty()) {
    return usage(wrong);
  }
  if (auto format = args->get("format")) {
    plan.format = ingest::parse_input_format(*format);
    if (!plan.format) return usage("--format must be csv, ddb-json or json, not '" + *format + "'");
  }
  plan.keep_going = args->has("keep-going");
  plan.resume = args->has("resume");
  if (plan.resume && args->has("json-copy")) {
    return usage("--resume cannot make a --json-copy of the whole file; run without --resume");
  }
  if (plan.resume && inputs.size() == 1 && inputs.front() == "-") {
    return usage("--resume needs a file or s3:// input, not -");
  }

  auto clients = connect_if_needed(*args, plan);
  if (!clients) return fail(clients.error());
  Result<Expansion> expansion = expand_inputs(inputs, *clients ? (*clients)->s3() : nullptr);
  if (!expansion) return fail(expansion.error());
  if (std::string wrong = plan_outputs(*args, *expansion, plan); !wrong.empty()) {
    return usage(wrong);
  }
  if (plan.options.dry_run) {
    for (const IgnoredFile& ignored : expansion->ignored) {
      std::cerr << "csv2ddb ingest: not read: " << ignored.location << " (" << ignored.reason
                << ")\n";
    }
  }
  return run_with_stop_signals(*expansion, plan, *clients);
}

}  // namespace csv2ddb::cli
