#include "ingest/ingest_run.hpp"

#include <chrono>

#include "ingest/csv_record_source.hpp"
#include "ingest/item_array_source.hpp"
#include "ingest/json_lines_source.hpp"
#include "model/dynamodb_json.hpp"
#include "model/json.hpp"

namespace csv2ddb::ingest {
namespace {

// Progress is reported every 8,192 rows, and offered every 256 rows and while the reader waits
// for a full lane: given when a quarter of a second (on the run's clock) passed since the last.
// A table that takes 1,000 rows a second showed nothing for half a minute by rows alone.
constexpr std::uint64_t kProgressEveryRows = 8192;
constexpr std::uint64_t kProgressCheckEveryRows = 256;
constexpr std::chrono::milliseconds kProgressEvery{250};
// Per-item writes (update, conditions) have one row in each request where a batch has 25, so a
// run keeps more of them in flight: 8 lanes for each lane asked for (32 -> 256 requests), which
// measured at 10 ms of latency brings them past a quarter of batch puts' rows/s
// (bench/README.md). More lanes cost a thread and a connection each, not memory: they share
// the queue budget.
constexpr std::size_t kItemLanesPerLane = 8;
// Room for one item at DynamoDB's limit in every per-item lane queue.
constexpr std::size_t kMinItemLaneBytes = std::size_t{512} * 1024;
// How often the reader folds the lanes' finished batches into the resume point: often enough
// that the per-lane lists stay short, rarely enough to cost nothing per row.
constexpr std::uint64_t kCheckpointEveryRows = 2048;
// How often the reader looks at the lanes while they drain their queues after the input ended.
constexpr std::chrono::milliseconds kDrainPollInterval{50};

// The rows and costs of the runs before a resumed one: what its report adds to its own.
Counts carried(const ResumePoint& base) {
  Counts counts = base;
  counts.bytes_read = 0;  // the reader's own count covers the bytes before the point
  return counts;
}

}  // namespace

IngestRun::IngestRun(TableWriter& table, const IngestOptions& options,
                     const ProgressCallback& progress)
    : table_(table),
      options_(options),
      progress_(progress),
      hand_over_mode_(options.stop_mode == StopMode::kHandOver),
      clock_(options.clock != nullptr ? *options.clock : default_clock()),
      sleeper_(options.sleeper != nullptr ? *options.sleeper : default_sleeper()),
      outputs_(options.outputs),
      base_(options.resume.value_or(ResumePoint{})) {}

Result<RunOutcome> IngestRun::run(std::unique_ptr<csv::ByteSource> input) {
  if (Status opened = open(std::move(input)); !opened) return opened.take_error();
  pump();
  drain();
  return settle();
}

// ---- open ----

Status IngestRun::open(std::unique_ptr<csv::ByteSource> input) {
  source_name_ = options_.source_name.empty() ? input->name() : options_.source_name;
  if (options_.key_schema) {
    schema_ = *options_.key_schema;
  } else {
    Result<model::KeySchema> described = table_.describe_key_schema(options_.table);
    if (!described) return described.take_error();
    schema_ = std::move(*described);
  }
  if (hand_over_mode_ && (options_.input_format == InputFormat::kItemArray || options_.dry_run)) {
    return make_error("InvalidOptions", "a hand-over needs a resumable input and a real run");
  }
  if (Status opened = open_source(std::move(input)); !opened) return opened;
  const std::vector<std::string>& columns = source_->header();
  Result<WritePlan> plan = make_write_plan(options_.mode, options_.condition, schema_,
                                           columns.empty() ? nullptr : &columns);
  if (!plan) return plan.take_error();
  plan_ = std::move(*plan);
  if (options_.resume_outputs) {
    if (Status resumed = outputs_.resume(*options_.resume_outputs); !resumed) return resumed;
  }
  if (options_.journals != nullptr && !options_.dry_run) {
    if (Status journaled = outputs_.journal_to(*options_.journals); !journaled) return journaled;
  }
  lanes_.emplace(table_, lane_setup(), clock_, sleeper_, buffers_);
  if (options_.on_checkpoint && !options_.dry_run && source_->resumable()) {
    tracker_.emplace(lanes_->count(), options_.resume, outputs_.journaled());
    lanes_->context().log_completions = true;
  }
  if (options_.resume && outputs_.journaled()) {
    if (Status carried = carry_over_outputs(); !carried) return carried;
  }
  // A slow table holds the reader up in a full lane's queue for seconds: progress goes on.
  lanes_->set_wait_hook([this] { offer_progress(); }, kProgressEvery);
  lanes_->start();
  if (options_.spread && !options_.dry_run) spreader_.emplace(schema_, *options_.spread, &buffers_);
  last_checkpoint_ = clock_.now();
  return {};
}

// The outputs start with the entries the interrupted run kept for the rows before the point,
// which must be the rows the point counts as set aside. Keys given up then stay given up.
Status IngestRun::carry_over_outputs() {
  auto given_up = [this](std::string_view entry, bool is_delete) -> Status {
    Result<model::JsonValue> parsed = model::parse_json(entry);
    if (!parsed) return parsed.take_error();
    Result<model::Item> item = model::decode_plain_item(*parsed, schema_);
    if (!item) return item.take_error();
    lanes_->remember_given_up(plan_item(*item, schema_, 0, {}, is_delete));
    return {};
  };
  Result<Counts> carried = outputs_.carry_over(base_.line, given_up);
  if (!carried) return carried.take_error();
  if (carried->rows_rejected != base_.rows_rejected ||
      carried->rows_unprocessed != base_.rows_unprocessed ||
      carried->rows_conflicts != base_.rows_conflicts) {
    return make_error(
        "InvalidCheckpoint",
        "the outputs kept with the checkpoint hold " + std::to_string(carried->rows_rejected) +
            " rejected, " + std::to_string(carried->rows_unprocessed) + " unprocessed and " +
            std::to_string(carried->rows_conflicts) + " conflicting rows before line " +
            std::to_string(base_.line) + "; the checkpoint counts " +
            std::to_string(base_.rows_rejected) + ", " + std::to_string(base_.rows_unprocessed) +
            " and " + std::to_string(base_.rows_conflicts));
  }
  return {};
}

Status IngestRun::open_source(std::unique_ptr<csv::ByteSource> input) {
  if (options_.input_format == InputFormat::kItemArray) {
    source_ = std::make_unique<ItemArraySource>(std::move(input), schema_);
    return {};
  }
  if (options_.input_format != InputFormat::kCsv) {
    JsonLinesOptions json;
    json.format = options_.input_format;
    json.schema = schema_;
    json.typing = options_.typing;
    json.resume = options_.resume ? &*options_.resume : nullptr;
    json.starts_at_resume = options_.source_starts_at_resume;
    Result<std::unique_ptr<JsonLinesSource>> opened =
        JsonLinesSource::open(std::move(input), std::move(json));
    if (!opened) return opened.take_error();
    source_ = std::move(*opened);
    return {};
  }
  CsvSourceOptions csv;
  csv.reader = options_.reader;
  csv.schema = schema_;
  csv.typing = options_.typing;
  csv.header = options_.header;
  csv.resume = options_.resume ? &*options_.resume : nullptr;
  csv.starts_at_resume = options_.source_starts_at_resume;
  Result<std::unique_ptr<CsvRecordSource>> opened = CsvRecordSource::open(std::move(input), csv);
  if (!opened) return opened.take_error();
  source_ = std::move(*opened);
  return {};
}

LaneSetup IngestRun::lane_setup() {
  LaneSetup setup;
  setup.table = options_.table;
  setup.schema = schema_;
  setup.lanes = options_.dry_run ? 0 : std::max<std::size_t>(options_.lanes, 1);
  setup.queue_capacity = options_.lane_queue_capacity;
  setup.queue_bytes = options_.lane_queue_bytes;
  if (plan_.per_item()) {
    // One request per row: as many lanes again per lane as keep a batch lane's items in flight
    // between them (write_plan.hpp), sharing the same queue budget.
    setup.lanes *= kItemLanesPerLane;
    setup.queue_capacity = std::max<std::size_t>(setup.queue_capacity / kItemLanesPerLane, 8);
    setup.queue_bytes = std::max(setup.queue_bytes / kItemLanesPerLane, kMinItemLaneBytes);
  }
  setup.limits = options_.batch_limits;
  setup.max_given_up_keys = options_.max_given_up_keys;
  setup.retry = options_.retry;
  setup.random = options_.random;
  setup.pacing = options_.pacing;
  setup.plan = &plan_;
  setup.unprocessed = outputs_.unprocessed();
  setup.unprocessed_deletes = outputs_.unprocessed_deletes();
  setup.rejected = outputs_.rejected();
  setup.conflicts = outputs_.conflicts();
  return setup;
}

// ---- pump ----

void IngestRun::pump() {
  SourceRecord record;
  while (!should_stop()) {
    Result<bool> more = source_->next(record);
    if (!more) {
      input_error_ = more.take_error();
      break;
    }
    if (!*more) break;
    if (options_.share && !accounts_for(record)) {
      if (output_error_) break;
      continue;
    }
    last_line_ = record.line;
    const RowMark mark{record.offset, record.line, base_.rows_read + read_.rows_read,
                       base_.rows_skipped + read_.rows_skipped};
    // A hand-over stops after reading the record, so that it is where the next run starts.
    if (hand_over_mode_ && stop_asked()) {
      handed_over_at_ = mark;
      break;
    }
    if (tracker_) tracker_->record_read(mark);
    ++read_.rows_read;
    account(record, mark);
    if (output_error_) break;
    if (read_.rows_read % kCheckpointEveryRows == 0) checkpoint_now();
    if (read_.rows_read % kProgressEveryRows == 0) {
      report_progress();
    } else if (read_.rows_read % kProgressCheckEveryRows == 0) {
      offer_progress();
    }
  }
}

void IngestRun::account(SourceRecord& record, const RowMark& mark) {
  switch (record.kind) {
    case SourceRecord::Kind::kSkipped:
      ++read_.rows_skipped;
      return;
    case SourceRecord::Kind::kRejected:
      if (tracker_) tracker_->row_rejected(mark);
      reject(record.rejection);
      return;
    case SourceRecord::Kind::kItem:
      if (std::optional<std::string> missing = plan_.missing_value(record.item)) {
        if (tracker_) tracker_->row_rejected(mark);
        record.rejection.line = record.line;
        record.rejection.reason =
            "the condition needs a value for '" + *missing + "' and the row has none";
        record.rejection.fields.clear();
        reject(record.rejection);
        return;
      }
      if (!options_.share || options_.share->owns_offset(record.offset)) {
        copy(record.item, record.line);
      }
      if (options_.dry_run) {
        ++read_.rows_written;
        return;
      }
      // false: stopping, which ends the loop
      queue(record.item, record.line, mark, record.is_delete || plan_.mode == WriteMode::kDelete);
      return;
  }
}

// A share's run accounts for the items of its keys and the other records of its byte range; it
// still copies the items of its byte range that another share writes (share.hpp).
bool IngestRun::accounts_for(SourceRecord& record) {
  const bool in_range = options_.share->owns_offset(record.offset);
  if (record.kind != SourceRecord::Kind::kItem) return in_range;
  key_scratch_.clear();
  model::append_key_fingerprint(key_scratch_, record.item, schema_);
  if (options_.share->owns_key(share_key_hash(key_scratch_))) return true;
  // The copy holds what the mapper made of the row, unless its condition lacks a value (then
  // the row is rejected, by the share of its key, and has no copy).
  if (in_range && !plan_.missing_value(record.item)) copy(record.item, record.line);
  return false;
}

void IngestRun::reject(const Rejection& rejection) {
  ++read_.rows_rejected;
  OutputSink* sink = outputs_.rejected();
  if (sink == nullptr) return;
  if (Status added = sink->add(rejection); !added) output_error_ = added.take_error();
}

void IngestRun::copy(const model::Item& item, std::uint64_t line) {
  OutputSink* sink = outputs_.json_copy();
  if (sink == nullptr) return;
  if (Status added = sink->add(item, line); !added) output_error_ = added.take_error();
}

bool IngestRun::queue(const model::Item& item, std::uint64_t line, const RowMark& mark,
                      bool is_delete) {
  // The source reuses `item` for the next record: it is planned (encoded) here, not moved.
  if (!spreader_) {
    return dispatch(plan_item(item, schema_, line, buffers_.take(), is_delete), &mark);
  }
  spreader_->push(item, line, tracker_ ? &mark : nullptr, is_delete);
  while (spreader_->should_pop()) {
    if (!release_one_from_window()) return false;
  }
  return true;
}

bool IngestRun::release_one_from_window() {
  if (!spreader_->pop(window_row_)) return true;
  return dispatch(std::move(window_row_.planned), window_row_.mark ? &*window_row_.mark : nullptr);
}

bool IngestRun::dispatch(PlannedItem&& planned, const RowMark* mark) {
  const std::optional<std::size_t> lane = lanes_->push(std::move(planned));
  if (!lane) return false;
  if (tracker_ && mark != nullptr) tracker_->item_queued(*lane, *mark);
  return true;
}

// A hand-over always keeps the run's first record, so that a chain of runs always moves.
bool IngestRun::stop_asked() const {
  if (options_.interrupt != nullptr && options_.interrupt->load()) {
    return !hand_over_mode_ || read_.rows_read > 0;
  }
  return read_.rows_read > 0 && options_.stop_requested && options_.stop_requested();
}

// Ctrl-C (kCheckpoint) stops before reading the next record; a hand-over after reading it
// (pump).
bool IngestRun::should_stop() {
  if (lanes_->context().stopping) return true;
  if (!hand_over_mode_ && stop_asked()) interrupted_ = true;
  return interrupted_;
}

std::optional<RowMark> IngestRun::held_in_window() {
  return spreader_ ? spreader_->oldest_mark() : std::nullopt;
}

void IngestRun::checkpoint_now() {
  if (!tracker_) return;
  std::optional<ResumePoint> point = tracker_->update(lanes_->lanes(), held_in_window());
  if (!tracker_->following()) lanes_->context().log_completions = false;
  if (!point) return;
  const auto now = clock_.now();
  if (now - last_checkpoint_ >= options_.checkpoint_interval) {
    last_checkpoint_ = now;
    save_checkpoint(*point);
  }
}

void IngestRun::save_checkpoint(ResumePoint point) {
  // The entries the point counts reach the journals before the checkpoint that counts them.
  if (Status flushed = outputs_.flush_journals(); !flushed) {
    if (!output_error_) output_error_ = flushed.take_error();
    return;
  }
  point.header = source_->header();
  options_.on_checkpoint(point);
}

void IngestRun::offer_progress() {
  if (!progress_ || clock_.now() - last_progress_ < kProgressEvery) return;
  report_progress();
}

void IngestRun::report_progress() {
  if (!progress_) return;
  last_progress_ = clock_.now();
  const LaneContext& context = lanes_->context();
  Progress progress;
  progress.rows_read = base_.rows_read + read_.rows_read;
  progress.rows_written =
      base_.rows_written + (options_.dry_run ? read_.rows_written : context.rows_written.load());
  progress.rows_rejected = read_.rows_rejected;
  progress.bytes_read = source_->bytes_consumed();
  progress.units_written = context.units_written.load();
  progress.requests = context.requests.load();
  progress.throttles = context.throttles.load();
  progress_(progress);
}

// ---- drain ----

void IngestRun::drain() {
  LaneContext& context = lanes_->context();
  if (output_error_) context.fail(*output_error_);
  // The end of the input, or a hand-over: what the window holds goes to the lanes too. A file
  // that fits in the window is read at once and written from here: checkpoints, progress and
  // Ctrl-C go on as in the reading loop.
  if (spreader_ && !interrupted_ && !context.stopping && !output_error_) {
    std::uint64_t released = 0;
    while (!spreader_->empty() && !should_stop() && release_one_from_window()) {
      if (++released % kCheckpointEveryRows == 0) checkpoint_now();
      if (released % kProgressEveryRows == 0) {
        report_progress();
      } else if (released % kProgressCheckEveryRows == 0) {
        offer_progress();
      }
    }
  }
  // Ctrl-C: drop what waits in the queues, finish what is being sent.
  if (interrupted_ && !context.stopping) {
    lanes_->interrupt();
  } else {
    lanes_->close();
    // The lanes may hold a whole small file (32 lanes queue 32k rows): while they write it,
    // checkpoints, progress and Ctrl-C go on as in the reading loop. A hand-over lets them send
    // everything, by definition.
    while (!lanes_->wait(kDrainPollInterval)) {
      if (!interrupted_ && !hand_over_mode_ && !context.stopping && stop_asked()) {
        interrupted_ = true;
        lanes_->interrupt();
      }
      checkpoint_now();
      report_progress();
    }
  }
  lanes_->join();
}

// ---- settle ----

Report IngestRun::new_report() const {
  Report report;
  report.source = source_name_;
  report.table = options_.table;
  report.dry_run = options_.dry_run;
  report.note = options_.report_note;
  return report;
}

double IngestRun::elapsed_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
}

Result<RunOutcome> IngestRun::settle() {
  if (output_error_) {
    outputs_.abort();
    return std::move(*output_error_);
  }
  const Counts lanes = lanes_->totals();
  if (std::optional<Error> failure = lanes_->context().failure()) {
    return settle_failed(std::move(*failure), lanes);
  }
  if (input_error_) return settle_failed(std::move(*input_error_), lanes);
  if (interrupted_) return settle_interrupted(lanes);
  Report report = new_report();
  static_cast<Counts&>(report) = carried(base_) + read_ + lanes;
  report.bytes_read = source_->bytes_consumed();
  if (!report.balanced()) {
    outputs_.abort();
    return make_error("InternalError", "row accounting does not balance: " + report.to_json());
  }
  report.seconds = elapsed_seconds() + base_.seconds;
  if (handed_over_at_) return settle_handed_over(std::move(report));
  return settle_finished(std::move(report));
}

// Reports what the checkpoint covers: the rows before it and their outcomes. The outputs are
// not committed: the resumed run writes them whole, from their journals (when they are kept)
// and the rest of the input.
Result<RunOutcome> IngestRun::settle_interrupted(const Counts& lanes) {
  RunOutcome outcome;
  outcome.end = RunOutcome::End::kInterrupted;
  outcome.max_lane_queue_depth = lanes_->max_queue_depth();
  if (tracker_) outcome.checkpoint = tracker_->update(lanes_->lanes(), held_in_window());
  if (outcome.checkpoint) save_checkpoint(*outcome.checkpoint);
  outputs_.abort();
  const ResumePoint covered = outcome.checkpoint.value_or(base_);
  Report& report = outcome.report = new_report();
  report.rows_read = covered.rows_read;
  report.rows_written = covered.rows_written;
  report.rows_rejected = covered.rows_rejected;
  report.rows_unprocessed = covered.rows_unprocessed;
  report.rows_conflicts = covered.rows_conflicts;
  report.rows_skipped = covered.rows_skipped;
  if (!tracker_) {  // no checkpoint: report what the lanes did, rows read or not
    report.rows_written += lanes.rows_written;
    report.rows_read = report.rows_written;
  }
  report.requests = lanes.requests;
  report.retries = lanes.retries;
  report.throttles = lanes.throttles;
  report.consumed_wcu = lanes.consumed_wcu;
  report.bytes_read = source_->bytes_consumed();
  if (!report.balanced()) {
    return make_error("InternalError", "row accounting does not balance: " + report.to_json());
  }
  report.seconds = elapsed_seconds();
  return outcome;
}

// The input or the table failed the run. What was accounted before is reported, with the
// reason, and its outputs are committed: a failed run leaves a report a person finds. After a
// table failure the rows still queued are in no count, so the report's rows_read is the rows
// accounted, and it balances.
Result<RunOutcome> IngestRun::settle_failed(Error error, const Counts& lanes) {
  if (options_.report_failure && !options_.report_failure(error)) {
    outputs_.abort();
    return error;
  }
  RunOutcome outcome;
  outcome.end = RunOutcome::End::kFailed;
  outcome.max_lane_queue_depth = lanes_->max_queue_depth();
  Report& report = outcome.report = new_report();
  static_cast<Counts&>(report) = carried(base_) + read_ + lanes;
  report.rows_read = report.rows_written + report.rows_rejected + report.rows_unprocessed +
                     report.rows_skipped + report.rows_conflicts;
  report.bytes_read = source_->bytes_consumed();
  report.seconds = elapsed_seconds() + base_.seconds;
  const bool input_failed = !lanes_->context().failure();
  report.failure = Report::Failure{error.to_string(),
                                   input_failed ? std::optional(last_line_ + 1) : std::nullopt};
  outcome.failure = std::move(error);
  if (Status finished = outputs_.finish(report); !finished) {
    outputs_.abort();
    return finished.take_error();
  }
  return outcome;
}

// Every row read was sent to its end (the lanes drained): the point is the next record.
Result<RunOutcome> IngestRun::settle_handed_over(Report report) {
  report.bytes_read = handed_over_at_->offset;
  Result<SuspendedOutputs> suspended = outputs_.suspend();
  if (!suspended) {
    outputs_.abort();
    return suspended.take_error();
  }
  RunOutcome outcome;
  outcome.end = RunOutcome::End::kHandedOver;
  outcome.max_lane_queue_depth = lanes_->max_queue_depth();
  HandOver& hand_over = outcome.hand_over.emplace();
  static_cast<Counts&>(hand_over.point) = report;
  hand_over.point.byte_offset = handed_over_at_->offset;
  hand_over.point.line = handed_over_at_->line;
  hand_over.point.header = source_->header();
  hand_over.outputs = std::move(*suspended);
  outcome.report = std::move(report);
  return outcome;
}

Result<RunOutcome> IngestRun::settle_finished(Report report) {
  if (Status finished = outputs_.finish(report); !finished) {
    outputs_.abort();
    return finished.take_error();
  }
  if (progress_) {
    Progress last;
    static_cast<Counts&>(last) = report;
    last.units_written = lanes_->context().units_written.load();
    progress_(last);
  }
  RunOutcome outcome;
  outcome.max_lane_queue_depth = lanes_->max_queue_depth();
  outcome.report = std::move(report);
  return outcome;
}

}  // namespace csv2ddb::ingest
