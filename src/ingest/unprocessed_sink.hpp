// unprocessed/<key>.unprocessed.json: a JSON array of the plain items still unwritten after the
// last retry, in the form `csv2ddb ingest` reads back. Lanes add from their threads. The object
// is created on the first item; a run with none removes a stale one from an earlier run, so the
// outputs always describe the latest run.
#pragma once

#include <cstdint>
#include <mutex>
#include <vector>

#include "ingest/output_stream.hpp"
#include "model/attribute_value.hpp"

namespace csv2ddb::ingest {

class UnprocessedSink {
 public:
  UnprocessedSink(OutputStore& store, std::string key);
  Status add(const model::Item& item);
  Status finish();
  void abort();
  // Hand-over: this sink stops here, and a sink built later in another process goes on.
  Result<SuspendedOutput> suspend();
  Status resume(SuspendedOutput suspended);
  std::uint64_t items() const;

 private:
  mutable std::mutex mutex_;
  OutputStream stream_;
  std::uint64_t items_ = 0;
};

}  // namespace csv2ddb::ingest
