// An object written in pieces through a buffer, created on the first write. Sinks build on it:
// unprocessed/ and rejected/ objects appear only when there is something to put in them.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "ingest/output_store.hpp"

namespace csv2ddb::ingest {

// An outcome sink handed over mid-run (ingestor.hpp, StopMode::kHandOver): its object and how
// many entries (items, rows) it holds so far, which decides its separators and whether it is
// kept at the end.
struct SuspendedOutput {
  SuspendedObject object;
  std::uint64_t entries = 0;
};

class OutputStream {
 public:
  OutputStream(OutputStore& store, std::string key, std::string content_type);
  ~OutputStream();
  OutputStream(const OutputStream&) = delete;
  OutputStream& operator=(const OutputStream&) = delete;

  // Appends bytes, sending them on once the buffer holds enough.
  Status append(std::string_view bytes);
  // The buffer itself, for writers that append in place (JSON encoders); call flush_if_full().
  std::string& buffer() { return buffer_; }
  Status flush_if_full();

  // Sends what is buffered and makes the object visible (creating it if nothing was written).
  Status commit();
  // Drops the object if it was started.
  void abort();

  // Hands the unfinished object over (OutputWriter::suspend), buffer included: the stream is
  // finished afterwards, and nothing is committed or dropped.
  Result<SuspendedObject> suspend();
  // Goes on with an object another stream suspended; replaces whatever is buffered. Call before
  // anything else is appended.
  Status resume(SuspendedObject suspended);

  bool started() const { return writer_ != nullptr; }
  const std::string& key() const { return key_; }
  OutputStore& store() { return store_; }

 private:
  Status open();
  Status flush();

  OutputStore& store_;
  std::string key_;
  std::string content_type_;
  std::unique_ptr<OutputWriter> writer_;
  std::string buffer_;
  bool finished_ = false;
};

}  // namespace csv2ddb::ingest
