// csv2ddb convert: CSV → DynamoDB JSON Lines, offline. The same record source as ingest (the
// column plan and its rejection rules), so what convert prints is exactly what ingest would write.
#include <chrono>
#include <cstdio>
#include <iostream>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/output_file.hpp"
#include "csv/header_row.hpp"
#include "ingest/counts.hpp"
#include "ingest/csv_record_source.hpp"
#include "ingest/output_sink.hpp"
#include "model/dynamodb_json.hpp"

namespace csv2ddb::cli {
namespace {

constexpr const char* kUsage =
    R"(usage: csv2ddb convert INPUT [--key account:S,offer_id:S] [--types SPEC|strings|infer]
                        [--delimiter C] [--header a,b,c] [--output FILE] [--rejects FILE]

Converts a CSV file (plain, gzip or zstd; "-" for standard input) into DynamoDB JSON Lines,
one {"Item":{...}} per row: the format DynamoDB's import from S3 reads. Rows that cannot
become items are listed with their line number and reason; a summary goes to stderr.

  --key SCHEMA     the table's key: hash[:type][,range[:type]], types S, N or B
                   (default account:S,offer_id:S, the template's table)
  --types MODE     non-key columns: strings (default, as the reference design),
                   infer (plain numbers -> N, true/false -> BOOL), or a spec such as
                   price:N,active:BOOL,tags:SS (set members separated by ';')
  --delimiter C    , ; : | tab or space (default ,)
  --header a,b,c   column names, when the file has no header row
  --output FILE    items file (default: standard output)
  --rejects FILE   rejected rows as JSON Lines {"line":N,"reason":...,"fields":[...]}
                   (default: one line per rejected row on stderr)

Exit status: 0 when the file was converted (even if some rows were rejected), 1 when the file
itself is unusable (unreadable, corrupt compression, bad header), 2 for a wrong command line.
An empty file (or one of blank lines only) is 0 rows, as for ingest.
)";

std::vector<std::string> split_header(const std::string& text) {
  std::vector<std::string> names;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    names.push_back(text.substr(start, comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return names;
}

int fail(const std::string& message) {
  std::cerr << "csv2ddb convert: " << message << "\n";
  return kExitFailure;
}

}  // namespace

int run_convert(const std::vector<std::string>& argv) {
  auto args = Args::parse(
      argv, {{"key"}, {"types"}, {"delimiter"}, {"header"}, {"output"}, {"rejects"}}, "convert");
  if (!args) {
    std::cerr << "csv2ddb convert: " << args.error().message << "\n";
    return kExitUsage;
  }
  if (args->help()) {
    std::cout << kUsage;
    return kExitOk;
  }
  if (args->positional().size() != 1) {
    std::cerr << "csv2ddb convert: expected one INPUT (a path, or - for standard input); see "
                 "'csv2ddb convert --help'\n";
    return kExitUsage;
  }
  const std::string input = args->positional().front();

  auto schema = model::parse_key_schema(args->get("key").value_or("account:S,offer_id:S"));
  auto typing = ingest::parse_typing(args->get("types").value_or("strings"));
  auto delimiter = csv::parse_delimiter(args->get("delimiter").value_or(","));
  for (const Error* error : {schema ? nullptr : &schema.error(), typing ? nullptr : &typing.error(),
                             delimiter ? nullptr : &delimiter.error()}) {
    if (error != nullptr) {
      std::cerr << "csv2ddb convert: " << error->message << "\n";
      return kExitUsage;
    }
  }

  const auto started = std::chrono::steady_clock::now();
  auto input_source = csv::open_input(input);
  if (!input_source) return fail(input_source.error().message);
  ingest::CsvSourceOptions source_options;
  source_options.reader.dialect.delimiter = *delimiter;
  source_options.schema = *schema;
  source_options.typing = *typing;
  if (auto names = args->get("header")) source_options.header = split_header(*names);
  auto source = ingest::CsvRecordSource::open(std::move(*input_source), source_options);
  if (!source) {  // a source error names the input already; a header error does not
    const Error& error = source.error();
    const bool about_the_header =
        error.code == csv::kInvalidHeader || error.code == ingest::kInvalidTypes;
    return fail(about_the_header ? input + ": " + error.message : error.message);
  }
  // An empty file, or one of blank lines only, has no header and no rows: 0 rows, as ingest
  // and the function load it (one rule for every command).

  auto output = OutputFile::open(args->get("output").value_or("-"));
  if (!output) return fail(output.error().message);
  std::unique_ptr<OutputFile> rejects;
  if (auto path = args->get("rejects")) {
    auto opened = OutputFile::open(*path);
    if (!opened) return fail(opened.error().message);
    rejects = std::move(*opened);
  }

  ingest::Counts counts;
  ingest::SourceRecord record;
  std::string line;
  while (true) {
    auto got = (*source)->next(record);
    if (!got) return fail(got.error().message);
    if (!*got) break;
    ++counts.rows_read;
    switch (record.kind) {
      case ingest::SourceRecord::Kind::kItem: {
        ++counts.rows_written;
        line.assign("{\"Item\":");
        model::append_dynamodb_item(line, record.item);
        line.append("}\n");
        if (auto status = (*output)->write(line); !status) return fail(status.error().message);
        break;
      }
      case ingest::SourceRecord::Kind::kSkipped:
        ++counts.rows_skipped;
        break;
      case ingest::SourceRecord::Kind::kRejected:
        ++counts.rows_rejected;
        if (rejects) {
          line.clear();
          ingest::append_rejection_line(line, record.rejection);
          if (auto status = rejects->write(line); !status) return fail(status.error().message);
        } else {
          std::cerr << input << ":" << record.rejection.line
                    << ": rejected: " << record.rejection.reason << "\n";
        }
        break;
    }
  }
  if (auto status = (*output)->close(); !status) return fail(status.error().message);
  if (rejects) {
    if (auto status = rejects->close(); !status) return fail(status.error().message);
  }

  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const double megabytes = static_cast<double>((*source)->bytes_consumed()) / 1e6;
  char rate[64];
  std::snprintf(rate, sizeof rate, "%.1f MB in %.2f s (%.0f MB/s)", megabytes, seconds,
                seconds > 0 ? megabytes / seconds : 0.0);
  std::cerr << "csv2ddb convert: " << input << ": " << counts.rows_read
            << " rows read: " << counts.rows_written << " items, " << counts.rows_rejected
            << " rejected, " << counts.rows_skipped << " skipped (all empty); " << rate << "\n";
  return kExitOk;
}

}  // namespace csv2ddb::cli
