#include "ingest/rejected_sink.hpp"

#include "model/json.hpp"

namespace csv2ddb::ingest {

void append_rejection_line(std::string& out, const Rejection& rejection) {
  out.append("{\"line\":");
  out.append(std::to_string(rejection.line));
  out.append(",\"reason\":");
  model::append_json_string(out, rejection.reason);
  out.append(",\"fields\":[");
  for (std::size_t i = 0; i < rejection.fields.size(); ++i) {
    if (i > 0) out.push_back(',');
    model::append_json_string(out, rejection.fields[i]);
  }
  out.append("]}\n");
}

RejectedSink::RejectedSink(OutputStore& store, std::string key)
    : stream_(store, std::move(key), "application/x-ndjson") {}

Status RejectedSink::add(const Rejection& rejection) {
  std::lock_guard lock(mutex_);
  ++rows_;
  append_rejection_line(stream_.buffer(), rejection);
  return stream_.flush_if_full();
}

Status RejectedSink::finish() {
  std::lock_guard lock(mutex_);
  if (rows_ == 0) {
    stream_.abort();
    return stream_.store().remove(stream_.key());
  }
  return stream_.commit();
}

Result<SuspendedOutput> RejectedSink::suspend() {
  std::lock_guard lock(mutex_);
  Result<SuspendedObject> object = stream_.suspend();
  if (!object) return object.take_error();
  return SuspendedOutput{std::move(*object), rows_};
}

Status RejectedSink::resume(SuspendedOutput suspended) {
  std::lock_guard lock(mutex_);
  rows_ = suspended.entries;
  return stream_.resume(std::move(suspended.object));
}

void RejectedSink::abort() {
  std::lock_guard lock(mutex_);
  stream_.abort();
}

std::uint64_t RejectedSink::rows() const {
  std::lock_guard lock(mutex_);
  return rows_;
}

}  // namespace csv2ddb::ingest
