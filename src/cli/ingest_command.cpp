// csv2ddb ingest: the engine from a laptop. Reads a CSV (path, "-" or s3://), writes its rows to
// a DynamoDB table through BatchWriteItem, and accounts for every row in the report it prints.
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>

#include "adapters/dynamodb_table_writer.hpp"
#include "adapters/s3_object_source.hpp"
#include "aws/environment.hpp"
#include "aws/service_clients.hpp"
#include "cli/args.hpp"
#include "cli/checkpoint_file.hpp"
#include "cli/commands.hpp"
#include "cli/destination_store.hpp"
#include "cli/progress_display.hpp"
#include "csv/byte_source.hpp"
#include "ingest/ingestor.hpp"
#include "ingest/json_array_reader.hpp"
#include "ingest/output_keys.hpp"

namespace csv2ddb::cli {
namespace {

constexpr const char* kUsage =
    R"(usage: csv2ddb ingest INPUT --table NAME [--endpoint-url URL] [--region R] [--profile P]
                       [--key SCHEMA] [--types SPEC|strings|infer] [--delimiter C] [--header a,b,c]
                       [--concurrency N] [--max-wcu N] [--no-adaptive] [--no-spread]
                       [--json-copy DEST]
                       [--unprocessed DEST] [--rejected DEST] [--report DEST]
                       [--checkpoint PATH] [--resume] [--dry-run]

Writes every row of a CSV file (plain, gzip or zstd; a path, - for standard input, or
s3://bucket/key) to a DynamoDB table with BatchWriteItem, retrying throttling, server errors
and UnprocessedItems with exponential backoff and jitter. Every row ends up written, rejected
(with its line and reason) or unprocessed (saved for a re-run); the report says how many.

  --table NAME        the table (its key schema is read with DescribeTable)
  --endpoint-url URL  the endpoint of every AWS service the command calls (DynamoDB, and S3
                      for s3:// paths), e.g. csv2ddb local's; AWS_ENDPOINT_URL_DYNAMODB or
                      AWS_ENDPOINT_URL_S3, when set, wins for its own service, and
                      AWS_ENDPOINT_URL stands in when there is no flag
  --region R          the region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile's)
  --profile P         a profile of ~/.aws/credentials and ~/.aws/config
  --key SCHEMA        use this key schema instead of DescribeTable's (hash[:type][,range[:type]])
  --types MODE        strings (default), infer, or a spec such as price:N,active:BOOL
  --delimiter C       , ; : | tab or space (default ,)
  --header a,b,c      column names, when the file has no header row
  --concurrency N     parallel writer lanes, each with one request in flight (default 32); the
                      same key always uses the same lane, so the last row for a key wins
  --max-wcu N         never send more than N write units a second (1 per started KB per item)
  --no-adaptive       do not pace on throttling (by default the rate is cut when the table
                      throttles and grows back while it does not, as the AWS SDKs' adaptive mode)
  --no-spread         send rows in input order (by default up to 65536 rows, 8 MB, are held
                      and sent in turns of partition key, so that input sorted by partition key
                      writes many partitions at once; rows of one key keep their order)
  --json-copy DEST    write the JSON copy {"data":[...]} to DEST (a path or s3://bucket/key)
  --unprocessed DEST  where rows still unwritten after the last retry go
                      (default ./<input>.unprocessed.json, created only when there are some)
  --rejected DEST     where rejected rows go, as JSON Lines {"line":N,"reason":...,"fields":[...]}
                      (default ./<input>.rejected.jsonl, created only when there are some)
  --report DEST       also write the report there
  --checkpoint PATH   where the resume point is kept (default ./<input>.checkpoint.json); it is
                      written every few seconds and on Ctrl-C, and removed when the run completes
  --resume            continue from the checkpoint (refused if the input changed since)
  --dry-run           read, map and validate the whole file; write nothing to the table
                      (with --key and no s3:// path it calls no AWS service at all, so it
                      needs no credentials or region)

INPUT may also be an unprocessed file of an earlier run (a JSON array of items, named
*.unprocessed.json or starting with '['): its items are written again (re-drive).

Ctrl-C stops reading, finishes the requests in flight, saves the checkpoint and exits with 130;
run the same command with --resume to continue. A progress line is shown when stderr is a
terminal.

Prints the report (JSON) on stdout and a summary on stderr. Exit status: 0 when every row was
written, rejected or skipped; 3 when some rows are unprocessed (saved, see --unprocessed);
1 when the run could not be accounted (unreadable input, no such table, access denied);
2 for a wrong command line.
)";

constexpr int kExitUnprocessed = 3;
constexpr int kExitInterrupted = 130;

std::atomic<bool> g_interrupted{false};

extern "C" void on_sigint(int) {
  g_interrupted = true;
  std::signal(SIGINT, SIG_DFL);  // a second Ctrl-C stops at once
}

// The command line again, for "resume with: ...".
std::string resume_command(const std::vector<std::string>& argv) {
  std::string command = "csv2ddb ingest";
  bool has_resume = false;
  for (const std::string& arg : argv) {
    has_resume = has_resume || arg == "--resume";
    const bool plain = arg.find_first_of(" \t'\"$`\\") == std::string::npos && !arg.empty();
    command += plain ? " " + arg : " '" + arg + "'";
  }
  if (!has_resume) command += " --resume";
  return command;
}

// Reads the first bytes of `source` (to tell CSV from an item array) and gives them back.
Result<std::unique_ptr<csv::ByteSource>> peek(std::unique_ptr<csv::ByteSource> source,
                                              std::string& first_bytes) {
  first_bytes.resize(256);
  std::size_t filled = 0;
  while (filled < first_bytes.size()) {
    Result<std::size_t> got =
        source->read(first_bytes.data() + filled, first_bytes.size() - filled);
    if (!got) return got.take_error();
    if (*got == 0) break;
    filled += *got;
  }
  first_bytes.resize(filled);
  return ingest::prepend_bytes(first_bytes, std::move(source));
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

int fail(const std::string& message) {
  std::cerr << "csv2ddb ingest: " << message << "\n";
  return kExitFailure;
}

// Run-time failures carry the service's error code (ResourceNotFoundException, AccessDenied...),
// which is what a person searches for.
int fail(const Error& error) {
  return fail(error.to_string());
}

int usage(const std::string& message) {
  std::cerr << "csv2ddb ingest: " << message << "\n";
  return kExitUsage;
}

// "data/offers.csv.gz" -> "offers", "-" -> "stdin": the name default outputs are called after.
std::string input_stem(const std::string& input) {
  if (input == "-") return "stdin";
  std::string name = input.substr(input.find_last_of('/') + 1);
  return std::string(ingest::strip_csv_suffix(name));
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

}  // namespace

int run_ingest(const std::vector<std::string>& argv) {
  auto args = Args::parse(argv,
                          {{"table"},
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
                           {"report"},
                           {"dry-run", false}},
                          "ingest");
  if (!args) return usage(args.error().message);
  if (args->help()) {
    std::cout << kUsage;
    return kExitOk;
  }
  if (args->positional().size() != 1) {
    return usage("expected one INPUT (a path, - or s3://bucket/key); see 'csv2ddb ingest --help'");
  }
  const std::string input = args->positional().front();
  const auto table = args->get("table");
  if (!table || table->empty()) return usage("--table is required");

  ingest::IngestOptions options;
  options.table = *table;
  options.dry_run = args->has("dry-run");
  if (auto key = args->get("key")) {
    auto schema = model::parse_key_schema(*key);
    if (!schema) return usage(schema.error().message);
    options.key_schema = *schema;
  }
  auto typing = ingest::parse_typing(args->get("types").value_or("strings"));
  if (!typing) return usage(typing.error().message);
  options.typing = *typing;
  auto delimiter = csv::parse_delimiter(args->get("delimiter").value_or(","));
  if (!delimiter) return usage(delimiter.error().message);
  options.reader.dialect.delimiter = *delimiter;
  if (auto header = args->get("header")) options.header = split_commas(*header);
  auto lanes = args->get_int("concurrency", 32, 1, 1024);
  if (!lanes) return usage(lanes.error().message);
  options.lanes = static_cast<std::size_t>(*lanes);
  const ingest::LaneQueueSize queue_size = ingest::lane_queue_size(options.lanes);
  options.lane_queue_capacity = queue_size.items;
  options.lane_queue_bytes = queue_size.bytes;
  auto max_wcu = args->get_int("max-wcu", 0, 0, 100'000'000);
  if (!max_wcu) return usage(max_wcu.error().message);
  ingest::PacerConfig pacing;
  pacing.max_wcu = static_cast<double>(*max_wcu);
  pacing.adaptive = !args->has("no-adaptive");
  if (pacing.adaptive || pacing.max_wcu > 0) options.pacing = pacing;
  if (args->has("no-spread")) options.spread.reset();
  const bool resume = args->has("resume");
  if (resume && args->has("json-copy")) {
    return usage("--resume cannot make a --json-copy of the whole file; run without --resume");
  }
  if (resume && input == "-") return usage("--resume needs a file or s3:// input, not -");

  const bool from_s3 = input.rfind("s3://", 0) == 0;
  const std::string stem = input_stem(input);
  const std::vector<std::pair<std::string, std::optional<std::string>>> wanted = {
      {"json-copy", args->get("json-copy")},
      {"unprocessed", args->get("unprocessed").value_or(stem + ".unprocessed.json")},
      {"rejected", args->get("rejected").value_or(stem + ".rejected.jsonl")},
      {"report", args->get("report")},
  };
  // A dry run that knows the key schema and touches no s3:// path never calls AWS: it must not
  // need a region or credentials (a check of a file on a laptop without an AWS setup).
  bool calls_aws = !options.dry_run || !options.key_schema || from_s3;
  for (const auto& [name, destination] : wanted) {
    calls_aws = calls_aws || (destination && destination->rfind("s3://", 0) == 0);
  }
  // The HTTP limits are ServiceClientsOptions' defaults (production_http_options() and
  // kDynamoDbRequestTimeout), the same as the Lambda handlers'.
  std::optional<aws::ServiceClients> clients;
  if (calls_aws) {
    aws::ServiceClientsOptions client_options;
    client_options.region = args->get("region").value_or("");
    client_options.endpoint_url = args->get("endpoint-url").value_or("");
    client_options.profile = args->get("profile").value_or("");
    auto created = aws::ServiceClients::create(aws::Environment::process(), client_options);
    if (!created) return fail(created.error());
    clients = std::move(created).value();
  }

  // Outputs: each to its own destination; rejected and unprocessed rows always go somewhere.
  DestinationStore destinations(clients ? clients->s3() : nullptr);
  for (const auto& [name, destination] : wanted) {
    if (!destination) continue;
    if (auto added = destinations.add(name, *destination); !added) {
      return usage("--" + name + ": " + added.error().message);
    }
  }
  options.outputs.store = &destinations;
  options.outputs.json_copy_key = args->has("json-copy") ? "json-copy" : "";
  options.outputs.unprocessed_key = "unprocessed";
  options.outputs.rejected_key = "rejected";
  options.outputs.report_key = args->has("report") ? "report" : "";

  Result<std::unique_ptr<csv::ByteSource>> source =
      from_s3 ? adapters::open_s3_source(clients->s3(), input) : csv::open_file_source(input);
  if (!source) return fail(source.error());
  // How the input looks now: a checkpoint is only valid for the same bytes.
  std::string identity;
  std::uint64_t input_bytes = 0;
  if (const auto* object = dynamic_cast<const adapters::S3ObjectSource*>(source->get())) {
    identity = "etag=" + object->etag();
    input_bytes = object->size();
  } else if (input != "-") {
    auto found = file_identity(input);
    if (!found) return fail(found.error());
    identity = *found;
    input_bytes = static_cast<std::uint64_t>(std::stoull(identity.substr(5)));
  }
  const bool compressed = input.ends_with(".gz") || input.ends_with(".zst");
  auto decompressed = csv::open_decompressed(std::move(*source));
  if (!decompressed) return fail(decompressed.error());
  std::string first_bytes;
  auto peeked = peek(std::move(*decompressed), first_bytes);
  if (!peeked) return fail(peeked.error());
  const bool item_array = ingest::looks_like_item_array(input, first_bytes);
  if (item_array) {
    options.input_format = ingest::InputFormat::kItemArray;
    if (resume) return usage("--resume is for CSV input; re-drive the unprocessed file again");
  }

  // Checkpoints: CSV from a file or S3, not a dry run.
  const std::string checkpoint_path = args->get("checkpoint").value_or(stem + ".checkpoint.json");
  const bool checkpointing = !item_array && !options.dry_run && input != "-";
  if (resume) {
    auto checkpoint = read_checkpoint(checkpoint_path);
    if (!checkpoint) return fail(checkpoint.error());
    if (checkpoint->input != input || checkpoint->table != options.table) {
      return fail("the checkpoint " + checkpoint_path + " is for " + checkpoint->input + " -> " +
                  checkpoint->table + ", not " + input + " -> " + options.table);
    }
    if (checkpoint->identity != identity) {
      return fail(input + " changed since the checkpoint was written (" + checkpoint->identity +
                  ", now " + identity + "); run without --resume to start over");
    }
    options.resume = checkpoint->point;
  }
  std::optional<Error> checkpoint_error;
  if (checkpointing) {
    options.on_checkpoint = [&](const ingest::ResumePoint& point) {
      CheckpointFile file{input, identity, options.table, point};
      if (Status written = write_checkpoint(checkpoint_path, file); !written) {
        checkpoint_error = written.error();
      }
    };
  }
  options.interrupt = &g_interrupted;
  g_interrupted = false;
  std::signal(SIGINT, on_sigint);

  ProgressDisplay display(::isatty(STDERR_FILENO) == 1, compressed ? 0 : input_bytes);
  OfflineTableWriter offline_writer;
  std::optional<adapters::DynamoDbTableWriter> dynamodb_writer;
  if (clients) dynamodb_writer.emplace(clients->dynamodb());
  ingest::TableWriter& table_writer =
      dynamodb_writer ? static_cast<ingest::TableWriter&>(*dynamodb_writer) : offline_writer;
  auto outcome = ingest::run_ingest(
      std::move(*peeked), table_writer, options,
      [&display](const ingest::Progress& progress) { display.update(progress); });
  std::signal(SIGINT, SIG_DFL);
  display.finish();
  if (!outcome) return fail(outcome.error());
  const ingest::Report* report = &outcome->report;
  if (checkpoint_error)
    std::cerr << "csv2ddb ingest: warning: " << checkpoint_error->to_string() << "\n";

  if (outcome->end == ingest::RunOutcome::End::kInterrupted) {
    std::cout << report->to_json() << "\n" << std::flush;
    std::cerr << "csv2ddb ingest: interrupted: " << report->rows_read
              << " rows accounted for before the checkpoint";
    if (outcome->checkpoint && checkpointing) {
      std::cerr << " (line " << outcome->checkpoint->line << ", byte "
                << outcome->checkpoint->byte_offset << ", saved in " << checkpoint_path
                << ")\n  resume with: " << resume_command(argv) << "\n";
    } else {
      std::cerr << "; nothing to resume from, run the command again\n";
    }
    return kExitInterrupted;
  }
  if (checkpointing) std::remove(checkpoint_path.c_str());

  std::cout << report->to_json() << "\n" << std::flush;
  char timing[96];
  std::snprintf(timing, sizeof timing, "%.2f s, %.0f rows/s", report->seconds,
                report->seconds > 0 ? static_cast<double>(report->rows_read) / report->seconds : 0);
  std::cerr << "csv2ddb ingest: " << input << " -> " << options.table
            << (options.dry_run ? " (dry run)" : "") << ": " << report->rows_read
            << " rows read: " << report->rows_written
            << (options.dry_run ? " would be written, " : " written, ") << report->rows_rejected
            << " rejected, " << report->rows_unprocessed << " unprocessed, " << report->rows_skipped
            << " skipped; " << timing << "\n";
  if (report->rows_rejected > 0) {
    std::cerr << "  rejected rows: " << destinations.locate("rejected") << "\n";
  }
  if (report->rows_unprocessed > 0) {
    std::cerr << "  unprocessed rows: " << destinations.locate("unprocessed")
              << " (feed it back with csv2ddb ingest once the table accepts writes)\n";
    return kExitUnprocessed;
  }
  return kExitOk;
}

}  // namespace csv2ddb::cli
