#include "lambda/object_import.hpp"

#include <algorithm>
#include <chrono>

#include "adapters/dynamodb_table_writer.hpp"
#include "aws/error_codes.hpp"
#include "csv/byte_source.hpp"
#include "ingest/ingestor.hpp"
#include "ingest/output_keys.hpp"
#include "ingest/peeked_source.hpp"
#include "lambda/fan_out.hpp"
#include "lambda/hand_over_state.hpp"
#include "lambda/lambda_log.hpp"
#include "lambda/progress_log.hpp"
#include "lambda/writer_sizing.hpp"

namespace csv2ddb::lambda {
namespace {

std::string s3_url(const std::string& bucket, const std::string& key) {
  return "s3://" + bucket + "/" + key;
}

// Each output with the key it is written under.
struct OutputSlot {
  std::optional<ingest::SuspendedOutput> ingest::SuspendedOutputs::*member;
  std::string key;
};

std::vector<OutputSlot> output_slots(const ingest::OutputKeys& keys) {
  return {{&ingest::SuspendedOutputs::json_copy, keys.json_copy},
          {&ingest::SuspendedOutputs::unprocessed, keys.unprocessed},
          {&ingest::SuspendedOutputs::rejected, keys.rejected},
          {&ingest::SuspendedOutputs::conflicts, keys.conflicts},
          {&ingest::SuspendedOutputs::unprocessed_deletes, keys.unprocessed_deletes}};
}

// One invocation's share of a report that includes the invocations before it.
ingest::Report share_since(const ingest::Report& total, const ingest::ResumePoint& before) {
  ingest::Report share = total;
  static_cast<ingest::Counts&>(share) = total.since(before);
  return share;
}

// The object named by an S3 event or a continuation, and what the earlier invocations of its
// chain left. Owns what one file's run needs.
class FileRun {
 public:
  FileRun(const ObjectImport& object, const ImportContext& context)
      : object_(object),
        context_(context),
        keys_(ingest::output_keys_for(object.key)),
        store_(context.clients.s3, object.bucket, "", context.options.part_size,
               context.options.min_part_size) {
    generation_ = object.continuation ? object.continuation->generation : 0;
    if (object.continuation) before_ = object.continuation->resume;
    share_ = object.share          ? object.share
             : object.continuation ? object.continuation->share
                                   : std::nullopt;
    if (share_) {
      // Each attempt of a share writes its own outputs; its continuations go on with them.
      if (share_->attempt.empty()) share_->attempt = new_attempt_id();
      keys_ = place().share_keys(share_->share.index, share_->attempt);
    }
  }

  Result<ObjectOutcome> run();

 private:
  Result<std::unique_ptr<csv::ByteSource>> open_object(std::optional<ObjectOutcome>& ended);
  ingest::IngestOptions run_options(std::chrono::milliseconds reserve);
  std::chrono::milliseconds time_remaining() const {
    return context_.options.time_remaining ? context_.options.time_remaining()
                                           : context_.request.time_remaining();
  }
  Result<std::optional<HandOverState>> read_state();
  ObjectOutcome skipped(std::string reason) const;
  // Ends the chain for good: drops the outputs' uploads and the state, logs why.
  ObjectOutcome stop_chain(const std::string& reason, const ingest::SuspendedOutputs* outputs);
  void discard(const ingest::SuspendedOutputs& outputs, bool only_created_here);
  void delete_incoming_state();
  Result<ObjectOutcome> hand_over(const ingest::Report& report, ingest::HandOver hand_over);
  ObjectOutcome imported(const ingest::Report& report) const;  // the outcome's common part
  ObjectOutcome finished(ingest::Report report);
  // Fan-out (fan_out.hpp): how many shares this object is cut into, the coordinator's events,
  // and a share's end (its marker, and the settling when it is the last).
  std::uint32_t fan_out_shares() const;
  Result<ObjectOutcome> fan_out(std::uint32_t shares);
  Result<ObjectOutcome> finish_share(ingest::Report report);
  void mark_share_failed(const ingest::Report& report);
  FanOutPlace place() const {
    return FanOutPlace{object_.bucket, object_.key, share_->etag, share_->share.count};
  }
  ingest::IngestOutputs outputs();
  void report_failure(const Error& error);
  Error failed(const ingest::Report& report);

  const ObjectImport& object_;
  const ImportContext& context_;
  ingest::OutputKeys keys_;
  adapters::S3OutputStore store_;
  std::uint32_t generation_ = 0;
  std::optional<ShareEvent> share_;  // a share of a fanned-out import
  std::uint64_t object_size_ = 0;
  ingest::ResumePoint before_;  // counts and costs of the earlier invocations
  std::optional<HandOverState> incoming_;
  std::string object_etag_;
  csv::Compression compression_ = csv::Compression::kNone;
  ingest::InputFormat format_ = ingest::InputFormat::kCsv;
};

ingest::IngestOutputs FileRun::outputs() {
  ingest::IngestOutputs where;
  where.store = &store_;
  where.json_copy_key = keys_.json_copy;
  where.unprocessed_key = keys_.unprocessed;
  where.rejected_key = keys_.rejected;
  where.conflicts_key = keys_.conflicts;
  where.unprocessed_deletes_key = keys_.unprocessed_deletes;
  where.report_key = keys_.report;
  return where;
}

ObjectOutcome FileRun::skipped(std::string reason) const {
  ObjectOutcome outcome;
  outcome.kind = ObjectOutcome::Kind::kSkipped;
  outcome.bucket = object_.bucket;
  outcome.key = object_.key;
  outcome.generation = generation_;
  outcome.reason = std::move(reason);
  return outcome;
}

Result<std::optional<HandOverState>> FileRun::read_state() {
  const ContinuationEvent& event = *object_.continuation;
  aws::GetObjectOptions get;
  // The state this chain's previous invocation wrote, not one a second attempt of it wrote
  // since (that attempt started a chain of its own, which goes on instead).
  get.if_match = event.state_etag;
  Result<std::string> bytes =
      context_.clients.s3->get_object_bytes(object_.bucket, event.state_key, get);
  if (!bytes) {
    if (aws::is_precondition_failed(bytes.error()) || aws::is_missing_object(bytes.error())) {
      return std::optional<HandOverState>();
    }
    Error error = bytes.take_error();
    error.message = "reading the hand-over state " + s3_url(object_.bucket, event.state_key) +
                    ": " + error.message;
    return error;
  }
  Result<HandOverState> state = decode_hand_over_state(*bytes);
  if (!state) return state.take_error();
  return std::optional<HandOverState>(std::move(*state));
}

void FileRun::discard(const ingest::SuspendedOutputs& outputs, bool only_created_here) {
  for (const OutputSlot& slot : output_slots(keys_)) {
    const std::optional<ingest::SuspendedOutput>& output = outputs.*slot.member;
    if (!output || output->object.state.empty()) continue;
    if (only_created_here && incoming_) {
      const std::optional<ingest::SuspendedOutput>& inherited = incoming_->outputs.*slot.member;
      // A resumed upload is never replaced, so one that came in is still the chain's.
      if (inherited && !inherited->object.state.empty()) continue;
    }
    if (Status dropped = store_.discard(slot.key, output->object); !dropped) {
      log_line(LogLevel::kWarn, "could not abort an output's upload",
               {{"key", slot.key}, {"error", dropped.error().to_string()}});
    }
  }
}

void FileRun::delete_incoming_state() {
  if (!object_.continuation) return;
  const std::string& key = object_.continuation->state_key;
  if (Status deleted = context_.clients.s3->delete_object(object_.bucket, key); !deleted) {
    // Harmless but for the bytes: nothing reads a state of an earlier generation again.
    log_line(LogLevel::kWarn, "could not delete a hand-over state",
             {{"key", key}, {"error", deleted.error().to_string()}});
  }
}

ObjectOutcome FileRun::stop_chain(const std::string& reason,
                                  const ingest::SuspendedOutputs* outputs) {
  // Suspended outputs carry the uploads they inherited, so they stand for the incoming ones.
  if (outputs != nullptr) {
    discard(*outputs, false);
  } else if (incoming_) {
    discard(incoming_->outputs, false);
  }
  delete_incoming_state();
  log_line(LogLevel::kWarn, "stopped importing the file",
           {{"bucket", object_.bucket},
            {"key", object_.key},
            {"generation", std::to_string(generation_)},
            {"reason", reason}});
  return skipped(reason);
}

Result<ObjectOutcome> FileRun::run() {
  const ImportOptions& options = context_.options;
  const std::optional<ContinuationEvent>& continuation = object_.continuation;
  if (generation_ > options.max_generations) {
    return make_error("TooManyContinuations", "generation " + std::to_string(generation_) +
                                                  " is past the limit of " +
                                                  std::to_string(options.max_generations));
  }
  if (continuation) {
    Result<std::optional<HandOverState>> state = read_state();
    if (!state) return state.take_error();
    if (!state->has_value()) {
      // Another attempt of the previous invocation replaced it, or the chain already moved on.
      log_line(
          LogLevel::kWarn, "skipped: the hand-over state is gone or was replaced",
          {{"bucket", object_.bucket}, {"key", object_.key}, {"state", continuation->state_key}});
      return skipped("hand-over state replaced");
    }
    incoming_ = std::move(**state);
  }
  std::optional<ObjectOutcome> ended;
  Result<std::unique_ptr<csv::ByteSource>> source = open_object(ended);
  if (!source) return source.take_error();
  if (ended) return std::move(*ended);
  if (!share_ && !continuation) {
    if (const std::uint32_t shares = fan_out_shares(); shares > 1) return fan_out(shares);
  }

  const auto reserve = std::min(options.hand_over_reserve, time_remaining() / 2);
  adapters::DynamoDbTableWriter writer(context_.clients.dynamodb);
  ProgressLog progress(object_.bucket, object_.key, generation_,
                       share_ ? std::optional(share_->share.index) : std::nullopt);
  Result<ingest::RunOutcome> outcome =
      ingest::run_ingest(std::move(*source), writer, run_options(reserve),
                         [&progress](const ingest::Progress& now) { progress.update(now); });
  progress.finish();
  if (!outcome) {
    // If-Match failed on a range: the object was overwritten while this invocation read it.
    // Its own event imports the new object; this chain has nothing left to do.
    if (aws::is_precondition_failed(outcome.error())) return stop_chain("object changed", nullptr);
    report_failure(outcome.error());
    return outcome.take_error();
  }
  if (outcome->end == ingest::RunOutcome::End::kFailed) return failed(outcome->report);
  if (outcome->hand_over) return hand_over(outcome->report, std::move(*outcome->hand_over));
  if (share_) return finish_share(std::move(outcome->report));
  return finished(std::move(outcome->report));
}

// The object's bytes, decompressed, from where the chain stopped; its format known. When the
// chain ends here instead (the object deleted or changed, a replayed event), `ended` says how
// and no source comes back.
Result<std::unique_ptr<csv::ByteSource>> FileRun::open_object(std::optional<ObjectOutcome>& ended) {
  const std::optional<ContinuationEvent>& continuation = object_.continuation;
  // A plain object is read from where the previous invocation stopped; a compressed one is
  // decompressed from its start and the bytes before that point discarded.
  const bool seek = continuation && continuation->compression == csv::Compression::kNone;
  Result<std::unique_ptr<adapters::S3ObjectSource>> opened = adapters::S3ObjectSource::open(
      context_.clients.s3, object_.bucket, object_.key, context_.options.read_chunk,
      seek ? continuation->resume.byte_offset : 0);
  if (!opened) {
    if (continuation && aws::is_missing_object(opened.error())) {
      ended = stop_chain("object deleted", nullptr);
      return std::unique_ptr<csv::ByteSource>();
    }
    return opened.take_error();
  }
  object_etag_ = (*opened)->etag();
  object_size_ = (*opened)->size();
  if (continuation) {
    // Every GET carries If-Match on this ETag, so a later overwrite stops the run too.
    if (unquoted_etag(object_etag_) != unquoted_etag(continuation->etag)) {
      ended = stop_chain("object changed", nullptr);
      return std::unique_ptr<csv::ByteSource>();
    }
  } else if (!object_.event_etag.empty() &&
             unquoted_etag(object_etag_) != unquoted_etag(object_.event_etag)) {
    log_line(LogLevel::kInfo, "skipped: the object changed since the event (replayed event)",
             {{"bucket", object_.bucket},
              {"key", object_.key},
              {"eventETag", object_.event_etag},
              {"objectETag", object_etag_}});
    ended = skipped("stale event");
    return std::unique_ptr<csv::ByteSource>();
  }
  if (seek) {
    compression_ = continuation->compression;
    format_ = incoming_->format;
    return std::unique_ptr<csv::ByteSource>(std::move(*opened));
  }
  Result<std::unique_ptr<csv::ByteSource>> source =
      csv::open_decompressed(std::move(*opened), &compression_);
  if (!source) {
    report_failure(source.error());
    return source.take_error();
  }
  if (continuation) {
    compression_ = continuation->compression;
    format_ = incoming_->format;
    return std::move(*source);
  }
  // What the object holds, from its key and first bytes (after decompression).
  std::string first_bytes;
  Result<std::unique_ptr<csv::ByteSource>> peeked =
      ingest::peek_bytes(std::move(*source), first_bytes);
  if (!peeked) {
    report_failure(peeked.error());
    return peeked.take_error();
  }
  format_ = ingest::detect_input_format(object_.key, first_bytes);
  return std::move(*peeked);
}

// The engine's options for this invocation's share of the object.
ingest::IngestOptions FileRun::run_options(std::chrono::milliseconds reserve) {
  const ImportConfig& config = context_.config;
  const WriterSize size = size_writer(config.concurrency, config.memory_mb, reserve);
  ingest::IngestOptions options;
  options.table = config.table;
  options.typing = config.typing;
  options.reader.dialect.delimiter = config.delimiter;
  options.lanes = size.lanes;
  const ingest::LaneQueueSize queue_size = ingest::lane_queue_size(size.lanes);
  options.lane_queue_capacity = std::min(size.queue_capacity, queue_size.items);
  options.lane_queue_bytes = queue_size.bytes;
  options.spread = ingest::SpreadLimits{};
  options.spread->max_rows = size.spread_rows;
  options.retry.max_attempts = config.max_retries + 1;
  options.input_format = format_;
  options.mode = config.mode;
  options.condition = config.condition;
  options.outputs = outputs();
  options.report_failure = [](const Error& error) {
    return !aws::is_precondition_failed(error);  // the new object's own import reports
  };
  options.source_name = s3_url(object_.bucket, object_.key);
  if (share_) options.share = share_->share;
  const std::uint64_t threshold = context_.config.fan_out_threshold_bytes;
  if (compression_ != csv::Compression::kNone && threshold > 0 && object_size_ >= threshold) {
    options.report_note = std::string(compression_name(compression_)) +
                          " cannot be entered mid-stream: imported by one chain, not fanned out";
  }
  // Adaptive pacing, as `csv2ddb ingest` has: the workers of a fanned-out import share one
  // table, and each converges on its part of what the table takes instead of retrying into
  // it. MaxWriteUnits is for the whole import: each share takes its part.
  options.pacing = ingest::PacerConfig{};
  options.pacing->max_wcu = config.max_wcu / (share_ ? share_->share.count : 1);
  // An item array (an unprocessed/ file put back) is read whole: it has no resume points.
  if (context_.clients.lambda && format_ != ingest::InputFormat::kItemArray) {
    options.stop_mode = ingest::StopMode::kHandOver;
    options.stop_requested = [this, reserve] { return time_remaining() < reserve; };
  }
  if (const std::optional<ContinuationEvent>& continuation = object_.continuation) {
    options.resume = continuation->resume;
    options.resume->header = incoming_->header;
    options.resume_outputs = incoming_->outputs;
    options.source_starts_at_resume = continuation->compression == csv::Compression::kNone;
  }
  return options;
}

// A run that could not start (the header, the table, the first bytes): its report says so, with
// what the chain's earlier invocations accounted, so that every object that started an import
// has one. Best effort: the invocation fails either way.
void FileRun::report_failure(const Error& error) {
  const ingest::IngestOutputs where = outputs();
  ingest::Report report;
  static_cast<ingest::Counts&>(report) = before_;
  report.bytes_read = before_.byte_offset;
  report.source = s3_url(object_.bucket, object_.key);
  report.table = context_.config.table;
  report.failure = ingest::Report::Failure{error.to_string(), std::nullopt};
  if (share_) {
    mark_share_failed(report);
    return;
  }
  if (Status written = ingest::write_report(where, report); !written) {
    log_line(LogLevel::kWarn, "could not write the failure report",
             {{"key", where.report_key}, {"error", written.error().to_string()}});
  }
}

// The run broke off (the object, the table): the engine wrote its report and outputs; the
// invocation fails, so that Lambda retries it and, after its retries, the failure destination
// gets the event.
Error FileRun::failed(const ingest::Report& report) {
  delete_incoming_state();
  if (share_) mark_share_failed(report);
  emit_metrics(share_since(report, before_), context_.config.function_name);
  log_line(LogLevel::kError, "import failed",
           {{"source", report.source},
            {"generation", std::to_string(generation_)},
            {"report", report.to_json()}});
  return make_error("ImportFailed", report.failure ? report.failure->reason : "failed");
}

ObjectOutcome FileRun::imported(const ingest::Report& report) const {
  ObjectOutcome outcome;
  outcome.kind = ObjectOutcome::Kind::kImported;
  outcome.bucket = object_.bucket;
  outcome.key = object_.key;
  outcome.generation = generation_;
  outcome.invocation = share_since(report, before_);
  return outcome;
}

ObjectOutcome FileRun::finished(ingest::Report report) {
  delete_incoming_state();
  ObjectOutcome outcome = imported(report);
  outcome.json_copy = s3_url(object_.bucket, keys_.json_copy);
  if (report.rows_unprocessed > 0) {
    outcome.unprocessed_file = s3_url(object_.bucket, keys_.unprocessed);
  }
  emit_metrics(outcome.invocation, context_.config.function_name);
  log_line(LogLevel::kInfo, "imported",
           {{"source", report.source},
            {"generation", std::to_string(generation_)},
            {"report", report.to_json()}});
  outcome.report = std::move(report);
  return outcome;
}

Result<ObjectOutcome> FileRun::hand_over(const ingest::Report& report, ingest::HandOver hand_over) {
  const std::uint32_t next = generation_ + 1;
  if (next > context_.options.max_generations) {
    stop_chain("too many continuations", &hand_over.outputs);
    return make_error("TooManyContinuations", s3_url(object_.bucket, object_.key) +
                                                  " needs more than " +
                                                  std::to_string(context_.options.max_generations) +
                                                  " continuations; stopped at line " +
                                                  std::to_string(hand_over.point.line));
  }
  // Until the next invocation is queued, the outputs' uploads started here belong to nobody:
  // on failure they are dropped (the retry of this invocation starts them again).
  auto fail = [&](Error error, const std::string& state_key) {
    discard(hand_over.outputs, true);
    if (!state_key.empty()) (void)context_.clients.s3->delete_object(object_.bucket, state_key);
    return error;
  };

  HandOverState state{format_, hand_over.point.header, std::move(hand_over.outputs)};
  // A share's chain keeps its states with its outputs: the shares of one object hand over at
  // the same moments, and a state key per object would be one key for all of them.
  const std::string state_key = share_
                                    ? place().state_key(share_->share.index, share_->attempt, next)
                                    : hand_over_state_key(object_.key, next);
  Result<std::string> state_etag = context_.clients.s3->put_object(
      object_.bucket, state_key, encode_hand_over_state(state), "application/octet-stream");
  hand_over.outputs = std::move(state.outputs);
  if (!state_etag) return fail(state_etag.take_error(), "");

  ContinuationEvent event;
  event.generation = next;
  event.bucket = object_.bucket;
  event.key = object_.key;
  event.etag = object_.continuation ? object_.continuation->etag : object_etag_;
  event.compression = compression_;
  event.resume = hand_over.point;
  event.resume.header.clear();
  event.state_key = state_key;
  event.state_etag = *state_etag;
  event.share = share_;
  Result<aws::InvokeResult> invoked = context_.clients.lambda->invoke(
      context_.config.function_name, continuation_payload(event), aws::InvocationType::kEvent);
  if (!invoked) {
    Error error = invoked.take_error();
    error.message = "continuing " + s3_url(object_.bucket, object_.key) +
                    " in a new invocation of " + context_.config.function_name + ": " +
                    error.message;
    return fail(std::move(error), state_key);
  }
  // The next invocation owns the chain now; the state this one read is not needed again.
  delete_incoming_state();

  ObjectOutcome outcome;
  outcome.kind = ObjectOutcome::Kind::kContinued;
  outcome.bucket = object_.bucket;
  outcome.key = object_.key;
  outcome.generation = generation_;
  outcome.report = report;
  outcome.invocation = share_since(report, before_);
  outcome.resume_offset = hand_over.point.byte_offset;
  emit_metrics(outcome.invocation, context_.config.function_name);
  log_line(LogLevel::kInfo, "handed over to a new invocation",
           {{"source", report.source},
            {"generation", std::to_string(generation_)},
            {"offset", std::to_string(hand_over.point.byte_offset)},
            {"line", std::to_string(hand_over.point.line)},
            {"state", state_key}});
  return outcome;
}

std::uint32_t FileRun::fan_out_shares() const {
  // gzip and zstd cannot be entered mid-stream, and an item array has no records to share out.
  if (!context_.clients.lambda || compression_ != csv::Compression::kNone ||
      format_ == ingest::InputFormat::kItemArray) {
    return 1;
  }
  return share_count(object_size_, context_.config.fan_out_threshold_bytes,
                     context_.config.max_workers);
}

// The coordinator: one share event each, asynchronously. It imports nothing itself; a retry of
// it sends the events again, and the shares' attempts keep their outputs apart.
Result<ObjectOutcome> FileRun::fan_out(std::uint32_t shares) {
  for (const ingest::Share& share : ingest::split_into_shares(object_size_, shares)) {
    const ShareEvent event{object_.bucket, object_.key, object_etag_, object_size_, share, ""};
    Result<aws::InvokeResult> invoked = context_.clients.lambda->invoke(
        context_.config.function_name, share_payload(event), aws::InvocationType::kEvent);
    if (!invoked) {
      Error error = invoked.take_error();
      error.message = "fanning " + s3_url(object_.bucket, object_.key) + " out (share " +
                      std::to_string(share.index) + " of " + std::to_string(shares) +
                      "): " + error.message;
      return error;
    }
  }
  log_line(LogLevel::kInfo, "fanned out",
           {{"bucket", object_.bucket},
            {"key", object_.key},
            {"size", std::to_string(object_size_)},
            {"shares", std::to_string(shares)}});
  ObjectOutcome outcome;
  outcome.kind = ObjectOutcome::Kind::kFannedOut;
  outcome.bucket = object_.bucket;
  outcome.key = object_.key;
  outcome.shares = shares;
  outcome.report.source = s3_url(object_.bucket, object_.key);
  outcome.report.table = context_.config.table;
  return outcome;
}

void FileRun::mark_share_failed(const ingest::Report& report) {
  Status marked = write_share_marker(*context_.clients.s3, place(), share_->share.index,
                                     share_->attempt, report);
  Result<std::optional<ingest::Report>> settled =
      marked ? settle_if_complete(*context_.clients.s3, store_, place(), context_.config.table)
             : Result<std::optional<ingest::Report>>(marked.error());
  if (!settled) {
    log_line(LogLevel::kWarn, "could not record the share's failure",
             {{"key", object_.key}, {"error", settled.error().to_string()}});
  }
}

Result<ObjectOutcome> FileRun::finish_share(ingest::Report report) {
  delete_incoming_state();
  const std::uint32_t index = share_->share.index;
  if (Status marked =
          write_share_marker(*context_.clients.s3, place(), index, share_->attempt, report);
      !marked) {
    return marked.take_error();
  }
  Result<std::optional<ingest::Report>> settled =
      settle_if_complete(*context_.clients.s3, store_, place(), context_.config.table);
  if (!settled) return settled.take_error();
  ObjectOutcome outcome = imported(report);
  outcome.shares = share_->share.count;
  emit_metrics(outcome.invocation, context_.config.function_name);
  log_line(LogLevel::kInfo, settled->has_value() ? "imported" : "share imported",
           {{"source", report.source},
            {"share", std::to_string(index)},
            {"generation", std::to_string(generation_)},
            {"report", settled->has_value() ? (*settled)->to_json() : report.to_json()}});
  if (settled->has_value()) {
    const ingest::OutputKeys keys = ingest::output_keys_for(object_.key);
    outcome.json_copy = s3_url(object_.bucket, keys.json_copy);
    if ((*settled)->rows_unprocessed > 0) {
      outcome.unprocessed_file = s3_url(object_.bucket, keys.unprocessed);
    }
    outcome.report = std::move(**settled);
  } else {
    outcome.report = std::move(report);
  }
  return outcome;
}

}  // namespace

Result<ObjectOutcome> import_object(const ObjectImport& object, const ImportContext& context) {
  FileRun run(object, context);
  return run.run();
}

}  // namespace csv2ddb::lambda
