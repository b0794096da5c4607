// The entries of a run's outputs, each with the line of the row it is about, kept beside the
// command line's checkpoint. A checkpoint may pass rows that went to rejected/, unprocessed/ or
// conflicts/ (they are accounted), but those outputs are committed only when the file ends: an
// interrupted run's journals are what its resumed run starts its outputs from, keeping the
// entries of the rows before the resume point and dropping the rest (which it reads again).
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "common/result.hpp"

namespace csv2ddb::ingest {

enum class OutputKind : std::uint8_t;

class OutputJournal {
 public:
  virtual ~OutputJournal() = default;
  // One entry as the output frames it, without its separator or newline.
  virtual Status append(std::uint64_t line, std::string_view entry) = 0;
  // What was appended reaches the file system: called before each checkpoint is saved, so that
  // a run killed after it leaves every entry the checkpoint counts.
  virtual Status flush() = 0;
  // The entries the interrupted run before this one left, in the order it wrote them.
  using EachEntry = std::function<Status(std::uint64_t line, std::string_view entry)>;
  virtual Status replay(const EachEntry& each) = 0;
};

// One journal per output a run writes.
class OutputJournals {
 public:
  virtual ~OutputJournals() = default;
  virtual Result<OutputJournal*> journal(OutputKind kind) = 0;
};

}  // namespace csv2ddb::ingest
