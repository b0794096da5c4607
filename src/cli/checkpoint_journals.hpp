// The journals of one file's outputs (ingest/output_journal.hpp), kept beside its checkpoint as
// PATH.<generation>.<output>, for example offers.checkpoint.json.2.rejected: one line per
// entry, "<line> <entry>\n". A run writes generation N; a run resumed from a checkpoint that
// names generation N reads it and writes N+1, and the old files go once a checkpoint names the
// new ones. They go too when the file ends, its outputs committed.
//
// A run killed mid-write may leave a last line without its newline: it is not an entry (it came
// after the last checkpoint, whose entries were flushed whole).
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "ingest/output_journal.hpp"
#include "ingest/output_sink.hpp"

namespace csv2ddb::cli {

class CheckpointJournals final : public ingest::OutputJournals {
 public:
  // `previous`: the generation the run resumes from (0: none); this run writes the next.
  CheckpointJournals(std::string checkpoint_path, std::uint64_t previous);
  ~CheckpointJournals() override;
  CheckpointJournals(const CheckpointJournals&) = delete;
  CheckpointJournals& operator=(const CheckpointJournals&) = delete;

  Result<ingest::OutputJournal*> journal(ingest::OutputKind kind) override;
  std::uint64_t generation() const { return previous_ + 1; }
  // A checkpoint names this generation now: the previous one is not needed.
  void remove_previous();
  // The file's outputs are committed (or the run left no checkpoint naming these).
  void remove();

 private:
  class File;
  std::string path(std::uint64_t generation, ingest::OutputKind kind) const;

  std::string checkpoint_path_;
  std::uint64_t previous_ = 0;
  std::array<std::unique_ptr<File>, 5> files_;
};

}  // namespace csv2ddb::cli
