// One outcome output of a run, written as entries arrive and framed by its kind:
//   json-copy/<key>.json               {"data":[item,item,...]}   always written, even empty
//   unprocessed/<key>.unprocessed.json [item,item,...]            only when there are entries
//   rejected/<key>.rejected.jsonl      {"line":N,"reason":...,"fields":[...]}\n per row
//   conflicts/<key>.conflicts.jsonl    {"line":N,"key":{...}}\n per row whose condition failed
//   unprocessed/<key>.unprocessed-deletes.json  [key,key,...]: deletes still undone (re-drive
//                                      with --mode delete)
// Items are plain JSON objects (model::append_plain_item). An output with no entries whose kind
// is only written when there are some removes a stale object of an earlier run instead, so the
// outputs always describe the latest run.
//
// Thread-safe: the reader adds to the JSON copy and to rejected/, lanes add to unprocessed/ and
// rejected/ from their own threads. Rows the mapper rejects come in file order; rows the server
// rejects follow as the lanes find them (their fields are then the item's values).
#pragma once

#include <cstdint>
#include <mutex>
#include <string>

#include "ingest/output_journal.hpp"
#include "ingest/output_stream.hpp"
#include "ingest/row_mapper.hpp"
#include "model/attribute_value.hpp"

namespace csv2ddb::ingest {

enum class OutputKind : std::uint8_t {
  kJsonCopy,
  kUnprocessed,
  kRejected,
  kConflicts,
  kUnprocessedDeletes,
};

// How an output of each kind is framed: opened before its first entry, entries separated,
// closed after the last; written when it has no entries, or removed.
struct Framing {
  std::string_view content_type;
  std::string_view open;
  std::string_view separator;
  std::string_view close;
  bool written_when_empty;
};
Framing framing_of(OutputKind kind);

// A row whose condition failed: its line, and its key.
struct Conflict {
  std::uint64_t line = 0;
  model::Item key;
};

// One rejected/ line, newline included.
void append_rejection_line(std::string& out, const Rejection& rejection);

class OutputSink {
 public:
  OutputSink(OutputStore& store, std::string key, OutputKind kind);

  // kJsonCopy, kUnprocessed, kUnprocessedDeletes; `line`: of the row the item comes from.
  Status add(const model::Item& item, std::uint64_t line);
  Status add(const Rejection& rejection);  // kRejected
  Status add(const Conflict& conflict);    // kConflicts
  // Also writes every entry to `journal` (output_journal.hpp), from here on.
  void journal_to(OutputJournal* journal);
  // The entries the journal kept from an interrupted run, and one of them added here (and to
  // this run's journal) as it was written there. Before the run's other writers start.
  Status replay_journal(const OutputJournal::EachEntry& each);
  Status add_journaled(std::uint64_t line, std::string_view entry);
  Status flush_journal();
  Status finish();  // closes the frame and commits (or removes)
  void abort();     // drops what was written
  // Hand-over: this sink stops here, and a sink built later in another process goes on.
  Result<SuspendedOutput> suspend();
  Status resume(SuspendedOutput suspended);
  std::uint64_t entries() const;

 private:
  // Appends the frame's opening or the separator, then the entry `encode` writes.
  template <typename Encode>
  Status add_entry(std::uint64_t line, Encode&& encode);

  mutable std::mutex mutex_;
  OutputKind kind_;
  OutputStream stream_;
  std::uint64_t entries_ = 0;
  OutputJournal* journal_ = nullptr;
};

}  // namespace csv2ddb::ingest
