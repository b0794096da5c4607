// The outcome outputs of one run (JSON copy, unprocessed, rejected) and its report: opened with
// the run, and at its end committed, suspended for the next invocation (a hand-over), or
// dropped (a failure, Ctrl-C). Each output is present only when it is wanted.
#pragma once

#include <array>
#include <functional>
#include <optional>
#include <string>

#include "ingest/output_journal.hpp"
#include "ingest/output_sink.hpp"
#include "ingest/report.hpp"

namespace csv2ddb::ingest {

// Which outcome objects to write, and where. A key left empty means "not wanted". Nothing is
// written without a store.
struct IngestOutputs {
  OutputStore* store = nullptr;
  std::string json_copy_key;
  std::string unprocessed_key;
  std::string rejected_key;
  std::string conflicts_key;
  std::string unprocessed_deletes_key;
  std::string report_key;
};

// Writes `report` under where.report_key (nothing when there is none): what a run does at its
// end, and what its caller does for a file that failed before its run could.
Status write_report(const IngestOutputs& where, const Report& report);

// The outputs of a run handed over, each present when that output is wanted.
struct SuspendedOutputs {
  std::optional<SuspendedOutput> json_copy;
  std::optional<SuspendedOutput> unprocessed;
  std::optional<SuspendedOutput> rejected;
  std::optional<SuspendedOutput> conflicts;
  std::optional<SuspendedOutput> unprocessed_deletes;
};

class RunOutputs {
 public:
  explicit RunOutputs(const IngestOutputs& outputs);

  OutputSink* json_copy() { return json_copy_ ? &*json_copy_ : nullptr; }
  OutputSink* unprocessed() { return unprocessed_ ? &*unprocessed_ : nullptr; }
  OutputSink* rejected() { return rejected_ ? &*rejected_ : nullptr; }
  OutputSink* conflicts() { return conflicts_ ? &*conflicts_ : nullptr; }
  OutputSink* unprocessed_deletes() {
    return unprocessed_deletes_ ? &*unprocessed_deletes_ : nullptr;
  }

  // Goes on with the outputs of a run that handed over; they must be the outputs wanted here
  // ("InvalidResumeOutputs" otherwise).
  Status resume(const SuspendedOutputs& outputs);
  Result<SuspendedOutputs> suspend();

  // Writes every output's entries to its journal too. Every output this run writes gets one.
  Status journal_to(OutputJournals& journals);
  // Whether the outputs of every row set aside (rejected, unprocessed, conflicts) are journaled.
  bool journaled() const { return journaled_; }
  // Starts each output with the entries its journal kept from the interrupted run before, for
  // the rows before line `before` (the resume point); `each_unprocessed` sees the unprocessed
  // ones (items and deletes). Returns how many rows they cover, by outcome (rows_rejected,
  // rows_unprocessed, rows_conflicts), for the caller to check against the resume point.
  using EachUnprocessed = std::function<Status(std::string_view entry, bool is_delete)>;
  Result<Counts> carry_over(std::uint64_t before, const EachUnprocessed& each_unprocessed);
  Status flush_journals();
  // Commits every output, then writes the report (when one is wanted).
  Status finish(const Report& report);
  void abort();

 private:
  const IngestOutputs& where_;
  std::optional<OutputSink> json_copy_;
  std::optional<OutputSink> unprocessed_;
  std::optional<OutputSink> rejected_;
  std::optional<OutputSink> conflicts_;
  std::optional<OutputSink> unprocessed_deletes_;
  bool journaled_ = false;

  struct Slot;
  static const std::array<Slot, 5>& slots();
};

}  // namespace csv2ddb::ingest
