#include "ingest/run_outputs.hpp"

#include <array>

namespace csv2ddb::ingest {

Status write_report(const IngestOutputs& where, const Report& report) {
  if (where.store == nullptr || where.report_key.empty()) return {};
  Result<std::unique_ptr<OutputWriter>> writer =
      where.store->create(where.report_key, "application/json");
  if (!writer) return writer.take_error();
  if (Status written = (*writer)->write(report.to_json() + "\n"); !written) return written;
  return (*writer)->commit();
}

// The five outputs: each one's key, kind, sink and suspended form, in the order a hand-over
// keeps them.
struct RunOutputs::Slot {
  std::string IngestOutputs::*key;
  OutputKind kind;
  std::optional<OutputSink> RunOutputs::*sink;
  std::optional<SuspendedOutput> SuspendedOutputs::*suspended;
};

const std::array<RunOutputs::Slot, 5>& RunOutputs::slots() {
  static const std::array<Slot, 5> kSlots = {{
      {&IngestOutputs::json_copy_key, OutputKind::kJsonCopy, &RunOutputs::json_copy_,
       &SuspendedOutputs::json_copy},
      {&IngestOutputs::unprocessed_key, OutputKind::kUnprocessed, &RunOutputs::unprocessed_,
       &SuspendedOutputs::unprocessed},
      {&IngestOutputs::rejected_key, OutputKind::kRejected, &RunOutputs::rejected_,
       &SuspendedOutputs::rejected},
      {&IngestOutputs::conflicts_key, OutputKind::kConflicts, &RunOutputs::conflicts_,
       &SuspendedOutputs::conflicts},
      {&IngestOutputs::unprocessed_deletes_key, OutputKind::kUnprocessedDeletes,
       &RunOutputs::unprocessed_deletes_, &SuspendedOutputs::unprocessed_deletes},
  }};
  return kSlots;
}

RunOutputs::RunOutputs(const IngestOutputs& outputs) : where_(outputs) {
  if (outputs.store == nullptr) return;
  for (const Slot& slot : slots()) {
    const std::string& key = outputs.*slot.key;
    if (!key.empty()) (this->*slot.sink).emplace(*outputs.store, key, slot.kind);
  }
}

Status RunOutputs::resume(const SuspendedOutputs& outputs) {
  for (const Slot& slot : slots()) {
    if ((this->*slot.sink).has_value() != (outputs.*slot.suspended).has_value()) {
      return make_error("InvalidResumeOutputs",
                        "the outputs to go on with are not the outputs this run writes");
    }
  }
  for (const Slot& slot : slots()) {
    std::optional<OutputSink>& sink = this->*slot.sink;
    if (!sink) continue;
    if (Status resumed = sink->resume(*(outputs.*slot.suspended)); !resumed) return resumed;
  }
  return {};
}

Result<SuspendedOutputs> RunOutputs::suspend() {
  SuspendedOutputs out;
  for (const Slot& slot : slots()) {
    std::optional<OutputSink>& sink = this->*slot.sink;
    if (!sink) continue;
    Result<SuspendedOutput> stopped = sink->suspend();
    if (!stopped) return stopped.take_error();
    out.*slot.suspended = std::move(*stopped);
  }
  return out;
}

Status RunOutputs::journal_to(OutputJournals& journals) {
  for (const Slot& slot : slots()) {
    std::optional<OutputSink>& sink = this->*slot.sink;
    if (!sink) continue;
    Result<OutputJournal*> journal = journals.journal(slot.kind);
    if (!journal) return journal.take_error();
    sink->journal_to(*journal);
  }
  journaled_ = rejected_ && unprocessed_ && conflicts_ && unprocessed_deletes_;
  return {};
}

Result<Counts> RunOutputs::carry_over(std::uint64_t before,
                                      const EachUnprocessed& each_unprocessed) {
  Counts carried;
  for (const Slot& slot : slots()) {
    std::optional<OutputSink>& sink = this->*slot.sink;
    if (!sink) continue;
    std::uint64_t* count = slot.kind == OutputKind::kRejected    ? &carried.rows_rejected
                           : slot.kind == OutputKind::kConflicts ? &carried.rows_conflicts
                           : slot.kind == OutputKind::kJsonCopy  ? nullptr
                                                                 : &carried.rows_unprocessed;
    const bool unprocessed =
        slot.kind == OutputKind::kUnprocessed || slot.kind == OutputKind::kUnprocessedDeletes;
    Status replayed = sink->replay_journal([&](std::uint64_t line, std::string_view entry) {
      if (line >= before) return Status{};  // read again by this run
      if (count != nullptr) ++*count;
      if (unprocessed) {
        if (Status seen = each_unprocessed(entry, slot.kind == OutputKind::kUnprocessedDeletes);
            !seen) {
          return seen;
        }
      }
      return sink->add_journaled(line, entry);
    });
    if (!replayed) return replayed.take_error();
  }
  return carried;
}

Status RunOutputs::flush_journals() {
  for (const Slot& slot : slots()) {
    std::optional<OutputSink>& sink = this->*slot.sink;
    if (!sink) continue;
    if (Status flushed = sink->flush_journal(); !flushed) return flushed;
  }
  return {};
}

Status RunOutputs::finish(const Report& report) {
  for (const Slot& slot : slots()) {
    std::optional<OutputSink>& sink = this->*slot.sink;
    if (!sink) continue;
    if (Status finished = sink->finish(); !finished) return finished;
  }
  return write_report(where_, report);
}

void RunOutputs::abort() {
  for (const Slot& slot : slots()) {
    std::optional<OutputSink>& sink = this->*slot.sink;
    if (sink) sink->abort();
  }
}

}  // namespace csv2ddb::ingest
