#include "ingest/output_store.hpp"

namespace csv2ddb::ingest {

Result<SuspendedObject> OutputWriter::suspend() {
  return make_error("NotSuspendable", "this store cannot hand an unfinished object over");
}

// By value for the overrides, which move the tail and state out of it.
Result<std::unique_ptr<OutputWriter>> OutputStore::resume(
    const std::string& key, std::string_view content_type,
    SuspendedObject suspended) {  // NOLINT(performance-unnecessary-value-param)
  if (!suspended.state.empty()) {
    return make_error("NotSuspendable", locate(key) + ": this store cannot resume an object");
  }
  // Nothing was sent: a new object that starts with the tail.
  Result<std::unique_ptr<OutputWriter>> writer = create(key, content_type);
  if (!writer) return writer.take_error();
  if (Status written = (*writer)->write(suspended.tail); !written) return written.take_error();
  return writer;
}

Status OutputStore::discard(const std::string& key, const SuspendedObject& suspended) {
  if (suspended.state.empty()) return {};  // nothing was sent
  return make_error("NotSuspendable", locate(key) + ": this store cannot discard an object");
}

}  // namespace csv2ddb::ingest
