// The engine: input bytes in, items written to a table, every row accounted for in a Report.
//
// The calling thread reads records from a record source (record_source.hpp), streams the JSON
// copy and the source's rejections, and hands each item to the writer lane its key hashes to
// (ingest_run.hpp has the run's phases). Lanes batch, write and retry on their own threads. Lane
// queues are bounded, so a slow table slows the reader down instead of filling memory: a run holds
// at most lanes * (queue_capacity + 2 * 25) items (about queue_bytes each lane, as DynamoDB JSON),
// plus the spreading window's rows (a few MB). lane_queue_size() shares one budget out between the
// lanes, so that memory does not grow with their number.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "common/retry_policy.hpp"
#include "csv/byte_source.hpp"
#include "csv/reader.hpp"
#include "ingest/batch_planner.hpp"
#include "ingest/input_format.hpp"
#include "ingest/partition_spreader.hpp"
#include "ingest/report.hpp"
#include "ingest/resume_point.hpp"
#include "ingest/row_mapper.hpp"
#include "ingest/run_outputs.hpp"
#include "ingest/share.hpp"
#include "ingest/table_writer.hpp"
#include "ingest/write_pacer.hpp"
#include "ingest/write_plan.hpp"

namespace csv2ddb::ingest {

// What a run does when it is told to stop (`interrupt`, `stop_requested`).
enum class StopMode {
  // Ctrl-C: reading stops, lanes finish the batches they are sending and drop what waits in
  // their queues, the outputs are dropped, and the run returns the rows accounted before the
  // last checkpoint (on_checkpoint). A resumed run writes the outputs whole: from the journals
  // (`journals`) for the rows before its point, and for the rest of the input.
  kCheckpoint,
  // A Lambda invocation near its deadline: reading stops at a record boundary, lanes send
  // everything queued, and the outputs are suspended (SuspendedOutputs) rather than committed,
  // so that the next run, given `resume` and `resume_outputs`, goes on with the same objects;
  // the report is written by the run that reaches the end. Resumable inputs only (not items).
  kHandOver,
};

// Where a handed-over run stopped: the next record, with every count and cost before it (rows
// rejected and unprocessed included), and its outputs.
struct HandOver {
  ResumePoint point;
  SuspendedOutputs outputs;
};

// How much each of `lanes` lane queues may hold: equal shares of one budget of 32,768 items and
// 32 MB (planned items, about 250 bytes each for a CSV row of ten short fields), between 64 and
// 1,024 items and at least 1 MB a lane. Lanes need only a few batches queued to stay busy; the
// bytes bound is for files of large rows.
struct LaneQueueSize {
  std::size_t items = 1024;
  std::size_t bytes = std::size_t{1} << 20;
};
LaneQueueSize lane_queue_size(std::size_t lanes);

struct IngestOptions {
  std::string table;
  std::optional<model::KeySchema> key_schema;  // default: the table's (describe_key_schema)
  Typing typing;
  std::optional<std::vector<std::string>> header;  // default: the first record
  csv::ReaderOptions reader;
  std::size_t lanes = 4;
  std::size_t lane_queue_capacity = 1024;  // items waiting per lane (see lane_queue_size)
  std::size_t lane_queue_bytes = std::size_t{1} << 20;  // of their PlannedItem::bytes
  BatchLimits batch_limits;
  // Keys given up to unprocessed/ that the run remembers, shared out between the lanes (at most
  // 16 bytes each): past that, a lane sends all its remaining rows to unprocessed/.
  std::size_t max_given_up_keys = 1 << 20;
  RetryConfig retry;
  RandomSource* random = nullptr;  // default: default_random_source()
  Sleeper* sleeper = nullptr;      // default: default_sleeper()
  IngestOutputs outputs;
  bool dry_run = false;     // map and validate only: no table calls
  std::string source_name;  // for the report; default: the byte source's name
  // What the bytes hold (input_format.hpp): CSV, DynamoDB JSON or plain JSON Lines (all
  // resumable), or an item array (an unprocessed/ file: read whole, not resumable).
  InputFormat input_format = InputFormat::kCsv;
  // How rows are written (write_plan.hpp). A condition that does not parse, or that names a
  // column the input does not have, fails the run before anything is written
  // ("InvalidCondition").
  WriteMode mode = WriteMode::kPut;
  std::string condition;

  // The window that spreads input sorted by partition key across partitions
  // (partition_spreader.hpp); none when unset.
  std::optional<SpreadLimits> spread = SpreadLimits{};

  // Client-side pacing shared by all lanes (write_pacer.hpp); none when unset.
  std::optional<PacerConfig> pacing;
  Clock* clock = nullptr;  // default: default_clock(); for pacing and checkpoint intervals

  // Set (from a signal handler) to stop: reading stops, lanes finish the batches they are
  // sending, and the run returns the rows accounted before the last checkpoint.
  const std::atomic<bool>* interrupt = nullptr;
  // Resumable inputs only. Called from the calling thread with each new resume point, at most every
  // `checkpoint_interval`, and once more when the run is interrupted. The caller stores it.
  std::function<void(const ResumePoint&)> on_checkpoint;
  std::chrono::milliseconds checkpoint_interval{2000};
  // Where the outputs' entries are kept with their lines (output_journal.hpp), flushed before
  // each checkpoint: the checkpoint then passes rows set aside, and a resumed run starts its
  // outputs with the entries of the rows before its point. None: a checkpoint stops at the
  // first row set aside.
  OutputJournals* journals = nullptr;
  // Continue an earlier run from here: the reader skips to the point (`header` must hold the
  // earlier run's header) and the report counts the rows before it too.
  std::optional<ResumePoint> resume;

  StopMode stop_mode = StopMode::kCheckpoint;
  // Polled by the reader after each record but the first of the run (so every run makes
  // progress); true stops the run as `interrupt` does. For a deadline: cheap to call.
  std::function<bool()> stop_requested;
  // kHandOver: the outputs of the run that handed over (HandOver::outputs), to go on with.
  std::optional<SuspendedOutputs> resume_outputs;
  // Whether a run that fails part-way (RunOutcome::End::kFailed) commits its outputs and a
  // failed report; false for an error makes the run drop them and return the error instead
  // (the function's "the object was overwritten while it was read": the new object's own
  // import writes them). Unset: always.
  std::function<bool(const Error&)> report_failure;
  // Report::note of the run's report.
  std::string report_note;
  // One share of a fanned-out import (share.hpp): the run accounts only for its keys' rows and
  // its byte range's other records, and copies its byte range's items. Unset: everything.
  std::optional<Share> share;
  // The byte source already starts at `resume->byte_offset` (a ranged read of a plain object),
  // so the reader continues there instead of reading and discarding up to it.
  bool source_starts_at_resume = false;
};

// What a run has done so far, reported from the calling thread every few thousand rows and
// once at the end: its counts (rows read, written, rejected; bytes read), and the write units
// of the rows written.
struct Progress : Counts {
  std::uint64_t units_written = 0;
};
using ProgressCallback = std::function<void(const Progress&)>;

// How a run ended, as a value.
struct RunOutcome {
  enum class End : std::uint8_t {
    kFinished,     // the end of the input: outputs committed, report written
    kInterrupted,  // `interrupt`: the report covers the rows before `checkpoint`
    kHandedOver,   // StopMode::kHandOver: the report covers the rows before `hand_over`
    // The input could not be read to its end, or the table failed the run: report.failure says
    // why, the counts cover what was accounted, and the outputs and the report are committed.
    kFailed,
  };
  End end = End::kFinished;
  Report report;
  std::optional<ResumePoint> checkpoint;  // kInterrupted, when there was one
  std::optional<HandOver> hand_over;      // kHandedOver
  std::optional<Error> failure;           // kFailed: what failed the run (report.failure's)
  std::size_t max_lane_queue_depth = 0;   // most items any lane queue held at once
};

// Runs one ingestion (ingest_run.hpp has its phases). Errors (code and message) for what stops
// a run before it reads (an unreadable input or header, no such table, a condition that does
// not fit) and for an output that cannot be written: then no output is committed. A failure
// after that (the input breaks off, the table refuses with access denied) ends the run as
// RunOutcome::End::kFailed, with its report and outputs committed; the caller fails the
// invocation either way.
Result<RunOutcome> run_ingest(std::unique_ptr<csv::ByteSource> source, TableWriter& table,
                              const IngestOptions& options, const ProgressCallback& progress = {});

}  // namespace csv2ddb::ingest
