// One ingestion as an object whose methods are its phases:
//
//   open     the table's key schema, the record source (CSV or an item array), the outputs
//            (resumed from a hand-over when given), the lanes and the spreading window
//   pump     one loop over the source: each record read is accounted (skipped, rejected,
//            copied and queued to its key's lane); checkpoints, progress and stops between
//   drain    the window into the lanes, then the lanes to their end (or interrupted)
//   settle   the counts added up and checked, the outputs committed, suspended or dropped,
//            and the outcome returned as a value (RunOutcome)
//
// ingestor.hpp holds the options and the outcome; run_ingest() is `IngestRun(...).run(input)`.
#pragma once

#include <chrono>
#include <memory>
#include <optional>

#include "ingest/buffer_pool.hpp"
#include "ingest/checkpoint_tracker.hpp"
#include "ingest/ingestor.hpp"
#include "ingest/partition_spreader.hpp"
#include "ingest/record_source.hpp"
#include "ingest/run_outputs.hpp"
#include "ingest/writer_lanes.hpp"

namespace csv2ddb::ingest {

class IngestRun {
 public:
  IngestRun(TableWriter& table, const IngestOptions& options, const ProgressCallback& progress);
  IngestRun(const IngestRun&) = delete;
  IngestRun& operator=(const IngestRun&) = delete;

  // Runs the phases once.
  Result<RunOutcome> run(std::unique_ptr<csv::ByteSource> input);

 private:
  // The phases.
  Status open(std::unique_ptr<csv::ByteSource> input);
  void pump();
  void drain();
  Result<RunOutcome> settle();

  // open's parts.
  Status open_source(std::unique_ptr<csv::ByteSource> input);
  Status carry_over_outputs();
  LaneSetup lane_setup();

  // pump's parts: one record, and where each of its outcomes goes.
  bool accounts_for(SourceRecord& record);  // a share's record (share.hpp)
  void account(SourceRecord& record, const RowMark& mark);
  void reject(const Rejection& rejection);
  void copy(const model::Item& item, std::uint64_t line);
  // Plans the item and hands it to its lane, through the window when there is one. False when
  // the run is stopping.
  bool queue(const model::Item& item, std::uint64_t line, const RowMark& mark, bool is_delete);
  bool release_one_from_window();
  bool dispatch(PlannedItem&& planned, const RowMark* mark);

  // Stops, checkpoints and progress, between records.
  bool stop_asked() const;
  bool should_stop();
  void checkpoint_now();
  void save_checkpoint(ResumePoint point);
  void report_progress();
  // report_progress(), unless the last was less than kProgressEvery ago on the run's clock.
  void offer_progress();
  std::optional<RowMark> held_in_window();

  // settle's parts.
  Report new_report() const;
  double elapsed_seconds() const;
  Result<RunOutcome> settle_interrupted(const Counts& lanes);
  Result<RunOutcome> settle_handed_over(Report report);
  Result<RunOutcome> settle_finished(Report report);
  Result<RunOutcome> settle_failed(Error error, const Counts& lanes);

  TableWriter& table_;
  const IngestOptions& options_;
  const ProgressCallback& progress_;
  const bool hand_over_mode_;
  Clock& clock_;
  Sleeper& sleeper_;
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::chrono::microseconds last_progress_{0};  // on clock_

  std::string source_name_;
  model::KeySchema schema_;
  WritePlan plan_;
  std::unique_ptr<RecordSource> source_;
  RunOutputs outputs_;
  BufferPool buffers_;
  std::optional<WriterLanes> lanes_;
  std::optional<CheckpointTracker> tracker_;
  std::optional<PartitionSpreader> spreader_;
  SpreadRow window_row_;     // the row leaving the window, reused
  std::string key_scratch_;  // a record's key fingerprint, for its share

  const ResumePoint base_;  // what the runs before this one accounted (a resume)
  Counts read_;             // what the reader accounted: read, skipped, rejected by the source
  // The input failed mid-way (a truncated gzip, a read error): the rows read before are
  // written, and the report says failed. An output that cannot be written fails the run.
  std::optional<Error> input_error_;
  std::optional<Error> output_error_;
  std::uint64_t last_line_ = 0;  // of the last record read
  bool interrupted_ = false;
  std::optional<RowMark> handed_over_at_;
  std::chrono::microseconds last_checkpoint_{0};
};

}  // namespace csv2ddb::ingest
