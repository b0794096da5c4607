#include "ingest/ingestor.hpp"

#include <algorithm>
#include <chrono>

#include "csv/header_row.hpp"
#include "ingest/json_array_reader.hpp"
#include "ingest/json_copy_sink.hpp"
#include "ingest/partition_spreader.hpp"
#include "ingest/rejected_sink.hpp"
#include "ingest/unprocessed_sink.hpp"
#include "ingest/writer_lane.hpp"
#include "model/dynamodb_json.hpp"
#include "model/item_size.hpp"
#include "model/json.hpp"

namespace csv2ddb::ingest {
namespace {

constexpr std::uint64_t kProgressEveryRows = 8192;
// How often the reader folds the lanes' finished batches into the resume point: often enough
// that the per-lane lists stay short, rarely enough to cost nothing per row.
constexpr std::uint64_t kCheckpointEveryRows = 2048;
constexpr std::size_t kMaxRejectedElementBytes = 1024;
// How often the reader looks at the lanes while they drain their queues after the input ended.
constexpr std::chrono::milliseconds kDrainPollInterval{50};

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

  // Goes on with the outputs of a run that handed over; they must be the outputs wanted here.
  Status resume(const SuspendedOutputs& outputs) {
    if (json_copy.has_value() != outputs.json_copy.has_value() ||
        unprocessed.has_value() != outputs.unprocessed.has_value() ||
        rejected.has_value() != outputs.rejected.has_value()) {
      return make_error("InvalidResumeOutputs",
                        "the outputs to go on with are not the outputs this run writes");
    }
    if (json_copy) {
      if (Status status = json_copy->resume(*outputs.json_copy); !status) return status;
    }
    if (unprocessed) {
      if (Status status = unprocessed->resume(*outputs.unprocessed); !status) return status;
    }
    if (rejected) {
      if (Status status = rejected->resume(*outputs.rejected); !status) return status;
    }
    return {};
  }

  Result<SuspendedOutputs> suspend() {
    SuspendedOutputs out;
    if (json_copy) {
      Result<SuspendedOutput> suspended = json_copy->suspend();
      if (!suspended) return suspended.take_error();
      out.json_copy = std::move(*suspended);
    }
    if (unprocessed) {
      Result<SuspendedOutput> suspended = unprocessed->suspend();
      if (!suspended) return suspended.take_error();
      out.unprocessed = std::move(*suspended);
    }
    if (rejected) {
      Result<SuspendedOutput> suspended = rejected->suspend();
      if (!suspended) return suspended.take_error();
      out.rejected = std::move(*suspended);
    }
    return out;
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

// One element of a re-driven item array: a plain JSON object typed back into an item.
Result<model::Item> decode_array_element(const std::string& text, const model::KeySchema& schema) {
  Result<model::JsonValue> parsed = model::parse_json(text);
  if (!parsed) return parsed.take_error();
  if (parsed->kind() != model::JsonValue::Kind::kObject) {
    return make_error("ValidationException", "an element of an item file is not a JSON object");
  }
  return model::decode_plain_item(*parsed, schema);
}

Status write_report(const IngestOutputs& outputs, const Report& report) {
  if (outputs.store == nullptr || outputs.report_key.empty()) return {};
  Result<std::unique_ptr<OutputWriter>> writer =
      outputs.store->create(outputs.report_key, "application/json");
  if (!writer) return writer.take_error();
  if (Status written = (*writer)->write(report.to_json() + "\n"); !written) return written;
  return (*writer)->commit();
}

}  // namespace

LaneQueueSize lane_queue_size(std::size_t lanes) {
  constexpr std::size_t kBudgetItems = 32768;
  constexpr std::size_t kBudgetBytes = std::size_t{32} << 20;
  constexpr std::size_t kMinItems = 64;
  constexpr std::size_t kMaxItems = 1024;
  constexpr std::size_t kMinBytes = std::size_t{1} << 20;
  const std::size_t count = std::max<std::size_t>(lanes, 1);
  return LaneQueueSize{std::clamp(kBudgetItems / count, kMinItems, kMaxItems),
                       std::max(kBudgetBytes / count, kMinBytes)};
}

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

  const bool item_array = options.input_format == InputFormat::kItemArray;
  const bool hand_over_mode = options.stop_mode == StopMode::kHandOver;
  if (hand_over_mode && (item_array || diagnostics == nullptr || options.dry_run)) {
    return make_error("InvalidOptions",
                      "a hand-over needs CSV input, a real run and diagnostics to return it in");
  }
  std::optional<csv::CsvReader> reader;
  std::optional<JsonArrayReader> array_reader;
  std::optional<RowMapper> mapper;
  std::vector<std::string> run_header;  // for checkpoints
  if (item_array) {
    array_reader.emplace(std::move(source));
  } else {
    reader.emplace(std::move(source), options.reader);
    // The given list, else the resumed run's, else the file's header row.
    auto header_of_run = [&]() -> Result<std::optional<std::vector<std::string>>> {
      if (options.header) return std::optional<std::vector<std::string>>(*options.header);
      if (options.resume && !options.resume->header.empty()) {
        return std::optional<std::vector<std::string>>(options.resume->header);
      }
      return csv::read_header_row(*reader);
    };
    Result<std::optional<std::vector<std::string>>> header = header_of_run();
    if (!header) return header.take_error();
    if (header->has_value()) run_header = **header;
    if (header->has_value()) {
      Result<RowMapper> created = RowMapper::create(std::move(**header), schema, options.typing);
      if (!created) return created.take_error();
      mapper.emplace(std::move(created.value()));
    }
    if (options.resume && options.source_starts_at_resume) {
      reader->continue_at(options.resume->byte_offset, options.resume->line);
    } else if (options.resume) {
      if (Status skipped = reader->skip_to(options.resume->byte_offset, options.resume->line);
          !skipped) {
        return skipped.take_error();
      }
    }
  }
  auto bytes_consumed = [&] {
    return item_array ? array_reader->bytes_consumed() : reader->bytes_consumed();
  };

  Clock& clock = options.clock != nullptr ? *options.clock : default_clock();
  Sleeper& sleeper = options.sleeper != nullptr ? *options.sleeper : default_sleeper();
  Sinks sinks(options.outputs);
  if (options.resume_outputs) {
    if (Status resumed = sinks.resume(*options.resume_outputs); !resumed) {
      return resumed.take_error();
    }
  }
  RetryPolicy policy(options.retry,
                     options.random != nullptr ? *options.random : default_random_source());
  std::optional<WritePacer> pacer;
  if (options.pacing && !options.dry_run) pacer.emplace(*options.pacing, clock, sleeper);
  LaneContext context(table, options.table, schema, policy, sleeper);
  context.limits = options.batch_limits;
  context.unprocessed = sinks.unprocessed ? &*sinks.unprocessed : nullptr;
  context.rejected = sinks.rejected ? &*sinks.rejected : nullptr;
  context.pacer = pacer ? &*pacer : nullptr;
  BufferPool buffers;
  context.buffers = &buffers;
  context.max_given_up_keys = std::max<std::size_t>(
      options.max_given_up_keys / (options.lanes == 0 ? 1 : options.lanes), 1024);
  std::vector<std::unique_ptr<WriterLane>> lanes;
  const std::size_t lane_count = options.lanes == 0 ? 1 : options.lanes;
  if (!options.dry_run) {
    for (std::size_t i = 0; i < lane_count; ++i) {
      lanes.push_back(std::make_unique<WriterLane>(context, options.lane_queue_capacity,
                                                   options.lane_queue_bytes));
    }
    // On the first failure, stop the reader's pushes and the lanes' pops at once.
    context.on_stop = [&lanes] {
      for (auto& lane : lanes) lane->abort();
    };
  }
  std::optional<CheckpointTracker> tracker;
  if (options.on_checkpoint && !options.dry_run && !item_array) {
    tracker.emplace(lanes.size(), options.resume);
    context.log_completions = true;
  }
  for (auto& lane : lanes) lane->start();

  const ResumePoint base = options.resume.value_or(ResumePoint{});
  auto report_progress = [&] {
    if (!progress) return;
    progress(Progress{
        base.rows_read + report.rows_read,
        base.rows_written + (options.dry_run ? report.rows_written : context.rows_written.load()),
        report.rows_rejected, bytes_consumed(), context.units_written.load()});
  };
  // Rows go through the spreading window, when there is one;
  // checkpoints do not pass the rows it holds (partition_spreader.hpp).
  std::optional<PartitionSpreader> spreader;
  if (options.spread && !options.dry_run) spreader.emplace(schema, *options.spread, &buffers);
  auto held_back = [&]() -> std::optional<RowMark> {
    return spreader ? spreader->oldest_mark() : std::nullopt;
  };
  auto last_checkpoint = clock.now();
  auto save_checkpoint = [&](ResumePoint point) {
    point.header = run_header;
    options.on_checkpoint(point);
  };
  auto checkpoint_now = [&] {
    if (!tracker) return;
    std::optional<ResumePoint> point = tracker->update(lanes, held_back());
    if (!tracker->following()) context.log_completions = false;
    if (!point) return;
    const auto now = clock.now();
    if (now - last_checkpoint >= options.checkpoint_interval) {
      last_checkpoint = now;
      save_checkpoint(*point);
    }
  };

  // Hands an item to its lane; false when the run is stopping.
  auto dispatch = [&](PlannedItem&& planned, const RowMark* mark) {
    const std::size_t lane = lane_for(planned.key_hash, lanes.size());
    if (!lanes[lane]->push(std::move(planned))) return false;
    if (tracker && mark != nullptr) tracker->item_queued(lane, *mark);
    return true;
  };
  // Rows go through the window when there is one.
  SpreadRow spread_row;
  auto release_row = [&] {
    if (!spreader->pop(spread_row)) return true;
    return dispatch(std::move(spread_row.planned), spread_row.mark ? &*spread_row.mark : nullptr);
  };
  // The mapper reuses `item` for the next row: it is planned (encoded) here, not moved.
  auto queue_item = [&](const model::Item& item, std::uint64_t line, const RowMark* mark) {
    if (!spreader) return dispatch(plan_item(item, schema, line, buffers.take()), mark);
    spreader->push(item, line, tracker ? mark : nullptr);
    while (spreader->should_pop()) {
      if (!release_row()) return false;
    }
    return true;
  };

  std::optional<Error> read_error;
  bool interrupted = false;
  // A hand-over always keeps the run's first record, so that a chain of runs always moves.
  auto stop_asked = [&] {
    if (options.interrupt != nullptr && options.interrupt->load()) {
      return !hand_over_mode || report.rows_read > 0;
    }
    return report.rows_read > 0 && options.stop_requested && options.stop_requested();
  };
  // kCheckpoint stops before reading the next record; kHandOver after reading it, so that the
  // record is where the next run starts (its offset and line are the resume point).
  auto should_stop = [&] {
    if (context.stopping) return true;
    if (!hand_over_mode && stop_asked()) interrupted = true;
    return interrupted;
  };
  std::optional<RowMark> handed_over_at;
  auto reject = [&](Rejection& rejection) {
    ++report.rows_rejected;
    if (!sinks.rejected) return;
    if (Status added = sinks.rejected->add(rejection); !added) read_error = added.take_error();
  };
  auto copy_item = [&](const model::Item& item) {
    if (!sinks.json_copy) return;
    if (Status added = sinks.json_copy->add(item); !added) read_error = added.take_error();
  };

  if (mapper) {
    csv::Record record;
    model::Item item;
    Rejection rejection;
    while (!should_stop()) {
      Result<bool> more = reader->next(record);
      if (!more) {
        read_error = more.take_error();
        break;
      }
      if (!*more) break;
      const RowMark mark{record.byte_offset, record.line, base.rows_read + report.rows_read,
                         base.rows_skipped + report.rows_skipped};
      if (hand_over_mode && stop_asked()) {
        handed_over_at = mark;
        break;
      }
      if (tracker) tracker->record_read(mark);
      ++report.rows_read;
      switch (mapper->map(record, item, rejection)) {
        case RowMapper::Outcome::kSkipped:
          ++report.rows_skipped;
          break;
        case RowMapper::Outcome::kRejected:
          if (tracker) tracker->row_not_written(mark);
          reject(rejection);
          break;
        case RowMapper::Outcome::kItem: {
          copy_item(item);
          if (options.dry_run) {
            ++report.rows_written;
            break;
          }
          if (!queue_item(item, record.line, &mark)) break;  // stopping: the loop ends
          break;
        }
      }
      if (read_error) break;
      if (report.rows_read % kCheckpointEveryRows == 0) checkpoint_now();
      if (report.rows_read % kProgressEveryRows == 0) report_progress();
    }
  } else if (array_reader) {
    std::string text;
    model::Item item;
    while (!should_stop()) {
      Result<bool> more = array_reader->next(text);
      if (!more) {
        read_error = more.take_error();
        break;
      }
      if (!*more) break;
      ++report.rows_read;
      Result<model::Item> decoded = decode_array_element(text, schema);
      if (!decoded) {
        Rejection rejection;
        rejection.line = array_reader->elements();  // the element's number in the array
        rejection.reason = decoded.error().message;
        rejection.fields.push_back(model::displayable_utf8(text, kMaxRejectedElementBytes));
        reject(rejection);
      } else {
        item = std::move(decoded.value());
        copy_item(item);
        if (options.dry_run) {
          ++report.rows_written;
        } else if (!queue_item(item, array_reader->elements(), nullptr)) {
          break;
        }
      }
      if (read_error) break;
      if (report.rows_read % kProgressEveryRows == 0) report_progress();
    }
  }
  if (read_error) context.fail(*read_error);
  // The end of the input, or a hand-over: what the window holds goes to the lanes too. A file
  // that fits in the window is read at once and written from here: checkpoints, progress and
  // Ctrl-C go on as in the reading loop.
  if (spreader && !interrupted && !context.stopping && !read_error) {
    std::uint64_t released = 0;
    while (!spreader->empty() && !should_stop() && release_row()) {
      if (++released % kCheckpointEveryRows == 0) checkpoint_now();
      if (released % kProgressEveryRows == 0) report_progress();
    }
  }

  // Ctrl-C: drop what waits in the queues, finish what is being sent.
  auto interrupt_lanes = [&] {
    context.interrupted = true;
    for (auto& lane : lanes) lane->abort();
  };
  if (interrupted && !context.stopping) {
    interrupt_lanes();
  } else {
    for (auto& lane : lanes) lane->close();
    // The lanes may hold a whole small file (32 lanes queue 32k rows): while they write it,
    // checkpoints, progress and Ctrl-C go on as in the reading loop. A hand-over lets them send
    // everything, by definition.
    while (!context.wait_for_lanes(lanes.size(), kDrainPollInterval)) {
      if (!interrupted && !hand_over_mode && !context.stopping && stop_asked()) {
        interrupted = true;
        interrupt_lanes();
      }
      checkpoint_now();
      report_progress();
    }
  }
  for (auto& lane : lanes) lane->join();
  if (std::optional<Error> failure = context.failure()) {
    sinks.abort();
    return std::move(*failure);
  }

  report.bytes_read = bytes_consumed();
  if (interrupted) {
    // Report what the checkpoint covers: the rows before it, all written or skipped. The
    // outputs are not committed; the resumed run writes them for the rest of the input.
    sinks.abort();
    std::optional<ResumePoint> point = tracker ? tracker->update(lanes, held_back()) : std::nullopt;
    if (point) save_checkpoint(*point);
    const ResumePoint covered = point.value_or(base);
    report.rows_read = covered.rows_read;
    report.rows_written = covered.rows_written;
    report.rows_skipped = covered.rows_skipped;
    report.rows_rejected = 0;
    report.rows_unprocessed = 0;
    if (!tracker) {  // no checkpoint: report what the lanes did, rows read or not
      for (const auto& lane : lanes) report.rows_written += lane->stats().written;
      report.rows_read = report.rows_written;
    }
    if (diagnostics != nullptr) {
      diagnostics->interrupted = true;
      diagnostics->checkpoint = point;
    }
  }

  for (const auto& lane : lanes) {
    const LaneStats& stats = lane->stats();
    if (!interrupted) {
      report.rows_written += stats.written;
      report.rows_unprocessed += stats.unprocessed;
      report.rows_rejected += stats.rejected;
    }
    report.requests += stats.requests;
    report.retries += stats.retries;
    report.throttles += stats.throttles;
    report.consumed_wcu += stats.consumed_wcu;
    if (diagnostics != nullptr) {
      diagnostics->max_lane_queue_depth =
          std::max(diagnostics->max_lane_queue_depth, lane->queue_high_water());
    }
  }
  if (!interrupted) {
    report.rows_read += base.rows_read;
    report.rows_written += base.rows_written;
    report.rows_skipped += base.rows_skipped;
    report.rows_rejected += base.rows_rejected;
    report.rows_unprocessed += base.rows_unprocessed;
    report.requests += base.costs.requests;
    report.retries += base.costs.retries;
    report.throttles += base.costs.throttles;
    report.consumed_wcu += base.costs.consumed_wcu;
  }
  if (!report.balanced()) {
    sinks.abort();
    return make_error("InternalError", "row accounting does not balance: " + report.to_json());
  }
  report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (interrupted) return report;
  report.seconds += base.costs.seconds;
  if (handed_over_at) {
    // Every row read was sent to its end (the lanes drained): the point is the next record.
    report.bytes_read = handed_over_at->offset;
    Result<SuspendedOutputs> outputs = sinks.suspend();
    if (!outputs) {
      sinks.abort();
      return outputs.take_error();
    }
    HandOver hand_over;
    hand_over.point.byte_offset = handed_over_at->offset;
    hand_over.point.line = handed_over_at->line;
    hand_over.point.rows_read = report.rows_read;
    hand_over.point.rows_written = report.rows_written;
    hand_over.point.rows_skipped = report.rows_skipped;
    hand_over.point.rows_rejected = report.rows_rejected;
    hand_over.point.rows_unprocessed = report.rows_unprocessed;
    hand_over.point.header = run_header;
    hand_over.point.costs = {report.seconds, report.requests, report.retries, report.throttles,
                             report.consumed_wcu};
    hand_over.outputs = std::move(*outputs);
    diagnostics->hand_over = std::move(hand_over);
    return report;
  }
  if (Status finished = sinks.finish(); !finished) {
    sinks.abort();
    return finished.take_error();
  }
  if (Status written = write_report(options.outputs, report); !written) {
    return written.take_error();
  }
  if (progress) {
    progress(Progress{report.rows_read, report.rows_written, report.rows_rejected,
                      report.bytes_read, context.units_written.load()});
  }
  return report;
}

}  // namespace csv2ddb::ingest
