// rejected/<key>.rejected.jsonl: one {"line":N,"reason":"...","fields":[...]} per row that could
// not become an item, whether the mapper refused it or DynamoDB did (then `fields` are the
// item's values, since the raw fields are long gone). Rows the mapper rejects come in file
// order; rows the server rejects follow as the lanes find them. Created on the first rejection;
// a run with none removes a stale file from an earlier run.
#pragma once

#include <cstdint>
#include <mutex>

#include "ingest/output_stream.hpp"
#include "ingest/row_mapper.hpp"

namespace csv2ddb::ingest {

// One JSON Lines record, newline included.
void append_rejection_line(std::string& out, const Rejection& rejection);

class RejectedSink {
 public:
  RejectedSink(OutputStore& store, std::string key);
  Status add(const Rejection& rejection);
  Status finish();
  void abort();
  // Hand-over: this sink stops here, and a sink built later in another process goes on.
  Result<SuspendedOutput> suspend();
  Status resume(SuspendedOutput suspended);
  std::uint64_t rows() const;

 private:
  mutable std::mutex mutex_;
  OutputStream stream_;
  std::uint64_t rows_ = 0;
};

}  // namespace csv2ddb::ingest
