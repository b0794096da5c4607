#include "ingest/ingestor.hpp"

#include <chrono>

#include "ingest/json_copy_sink.hpp"
#include "ingest/rejected_sink.hpp"
#include "ingest/unprocessed_sink.hpp"
#include "ingest/writer_lane.hpp"

namespace csv2ddb::ingest {
namespace {

constexpr std::uint64_t kProgressEveryRows = 8192;

// The outcome sinks of one run; each present only when its output is wanted.
struct Sinks {
  std::optional<JsonCopySink> json_copy;
  std::optional<UnprocessedSink> unprocessed;
  std::optional<RejectedSink> rejected;

  explicit Sinks(const IngestOutputs& outputs) {
    if (outputs.store == nullptr) return;
    if (!outputs.json_copy_key.empty()) json_copy.emplace(*outputs.store, outputs.json_copy_key);
    if (!outputs.unprocessed_key.empty()) {
      unprocessed.emplace(*outputs.store, outputs.unprocessed_key);
    }
    if (!outputs.rejected_key.empty()) rejected.emplace(*outputs.store, outputs.rejected_key);
  }

  void abort() {
    if (json_copy) json_copy->abort();
    if (unprocessed) unprocessed->abort();
    if (rejected) rejected->abort();
  }

  Status finish() {
    if (json_copy) {
      if (Status status = json_copy->finish(); !status) return status;
    }
    if (unprocessed) {
      if (Status status = unprocessed->finish(); !status) return status;
    }
    if (rejected) {
      if (Status status = rejected->finish(); !status) return status;
    }
    return {};
  }
};

// The header: the given list, or the first non-blank record.
Result<std::optional<std::vector<std::string>>> read_header(csv::CsvReader& reader,
                                                            const IngestOptions& options) {
  if (options.header) return std::optional<std::vector<std::string>>(*options.header);
  csv::Record record;
  while (true) {
    Result<bool> more = reader.next(record);
    if (!more) return more.take_error();
    if (!*more) return std::optional<std::vector<std::string>>();  // empty input
    if (record.error != csv::RecordErrorKind::kNone) {
      return make_error("InvalidHeader", "the header (line " + std::to_string(record.line) +
                                             ") cannot be read: " + record.error_message);
    }
    if (!record.blank()) break;
  }
  return std::optional<std::vector<std::string>>(
      std::vector<std::string>(record.fields.begin(), record.fields.end()));
}

Status write_report(const IngestOutputs& outputs, const Report& report) {
  if (outputs.store == nullptr || outputs.report_key.empty()) return {};
  Result<std::unique_ptr<ObjectWriter>> writer =
      outputs.store->create(outputs.report_key, "application/json");
  if (!writer) return writer.take_error();
  if (Status written = (*writer)->write(report.to_json() + "\n"); !written) return written;
  return (*writer)->commit();
}

}  // namespace

Result<Report> run_ingest(std::unique_ptr<csv::ByteSource> source, TableWriter& table,
                          const IngestOptions& options, const ProgressCallback& progress,
                          IngestDiagnostics* diagnostics) {
  const auto started = std::chrono::steady_clock::now();
  Report report;
  report.source = options.source_name.empty() ? source->name() : options.source_name;
  report.table = options.table;
  report.dry_run = options.dry_run;

  model::KeySchema schema;
  if (options.key_schema) {
    schema = *options.key_schema;
  } else {
    Result<model::KeySchema> described = table.describe_key_schema(options.table);
    if (!described) return described.take_error();
    schema = std::move(described.value());
  }

  csv::CsvReader reader(std::move(source), options.reader);
  Result<std::optional<std::vector<std::string>>> header = read_header(reader, options);
  if (!header) return header.take_error();
  std::optional<RowMapper> mapper;
  if (header->has_value()) {
    Result<RowMapper> created = RowMapper::create(std::move(**header), schema, options.typing);
    if (!created) return created.take_error();
    mapper.emplace(std::move(created.value()));
  }

  Sinks sinks(options.outputs);
  RetryPolicy policy(options.retry,
                     options.random != nullptr ? *options.random : default_random_source());
  LaneContext context(table, options.table, schema, policy,
                      options.sleeper != nullptr ? *options.sleeper : default_sleeper());
  context.limits = options.batch_limits;
  context.unprocessed = sinks.unprocessed ? &*sinks.unprocessed : nullptr;
  context.rejected = sinks.rejected ? &*sinks.rejected : nullptr;
  std::vector<std::unique_ptr<WriterLane>> lanes;
  const std::size_t lane_count = options.lanes == 0 ? 1 : options.lanes;
  if (!options.dry_run) {
    for (std::size_t i = 0; i < lane_count; ++i) {
      lanes.push_back(std::make_unique<WriterLane>(context, options.lane_queue_capacity));
    }
    // On the first failure, stop the reader's pushes and the lanes' pops at once.
    context.on_stop = [&lanes] {
      for (auto& lane : lanes) lane->abort();
    };
    for (auto& lane : lanes) lane->start();
  }

  auto report_progress = [&] {
    if (!progress) return;
    progress(Progress{report.rows_read,
                      options.dry_run ? report.rows_written : context.rows_written.load(),
                      report.rows_rejected, reader.bytes_consumed()});
  };

  std::optional<Error> read_error;
  if (mapper) {
    csv::Record record;
    model::Item item;
    Rejection rejection;
    while (!context.stopping) {
      Result<bool> more = reader.next(record);
      if (!more) {
        read_error = more.take_error();
        break;
      }
      if (!*more) break;
      ++report.rows_read;
      switch (mapper->map(record, item, rejection)) {
        case RowMapper::Outcome::kSkipped:
          ++report.rows_skipped;
          break;
        case RowMapper::Outcome::kRejected:
          ++report.rows_rejected;
          if (sinks.rejected) {
            if (Status added = sinks.rejected->add(rejection); !added) {
              read_error = added.take_error();
            }
          }
          break;
        case RowMapper::Outcome::kItem: {
          if (sinks.json_copy) {
            if (Status added = sinks.json_copy->add(item); !added) read_error = added.take_error();
          }
          if (options.dry_run) {
            ++report.rows_written;
            break;
          }
          PlannedItem planned;
          planned.fingerprint = model::key_fingerprint(item, schema);
          planned.line = record.line;
          planned.request_bytes = estimate_request_bytes(item);
          planned.item = std::move(item);
          item = model::Item{};
          const std::size_t lane = lane_for(planned.fingerprint, lanes.size());
          if (!lanes[lane]->push(std::move(planned))) break;  // stopping: the loop ends
          break;
        }
      }
      if (read_error) break;
      if (report.rows_read % kProgressEveryRows == 0) report_progress();
    }
  }
  if (read_error) context.fail(*read_error);

  for (auto& lane : lanes) lane->close();
  for (auto& lane : lanes) lane->join();
  if (std::optional<Error> failure = context.failure()) {
    sinks.abort();
    return std::move(*failure);
  }

  for (const auto& lane : lanes) {
    const LaneStats& stats = lane->stats();
    report.rows_written += stats.written;
    report.rows_unprocessed += stats.unprocessed;
    report.rows_rejected += stats.rejected;
    report.requests += stats.requests;
    report.retries += stats.retries;
    report.throttles += stats.throttles;
    report.consumed_wcu += stats.consumed_wcu;
    if (diagnostics != nullptr) {
      diagnostics->max_lane_queue_depth =
          std::max(diagnostics->max_lane_queue_depth, lane->queue_high_water());
    }
  }
  report.bytes_read = reader.bytes_consumed();
  if (!report.balanced()) {
    sinks.abort();
    return make_error("InternalError", "row accounting does not balance: " + report.to_json());
  }
  if (Status finished = sinks.finish(); !finished) {
    sinks.abort();
    return finished.take_error();
  }
  report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (Status written = write_report(options.outputs, report); !written) {
    return written.take_error();
  }
  if (progress) {
    progress(
        Progress{report.rows_read, report.rows_written, report.rows_rejected, report.bytes_read});
  }
  return report;
}

}  // namespace csv2ddb::ingest
