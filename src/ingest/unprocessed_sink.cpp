#include "ingest/unprocessed_sink.hpp"

#include "model/dynamodb_json.hpp"

namespace csv2ddb::ingest {

UnprocessedSink::UnprocessedSink(OutputStore& store, std::string key)
    : stream_(store, std::move(key), "application/json") {}

Status UnprocessedSink::add(const model::Item& item) {
  std::lock_guard lock(mutex_);
  stream_.buffer().push_back(items_++ == 0 ? '[' : ',');
  model::append_plain_item(stream_.buffer(), item);
  return stream_.flush_if_full();
}

Status UnprocessedSink::finish() {
  std::lock_guard lock(mutex_);
  if (items_ == 0) {
    stream_.abort();
    return stream_.store().remove(stream_.key());
  }
  stream_.buffer().push_back(']');
  return stream_.commit();
}

Result<SuspendedOutput> UnprocessedSink::suspend() {
  std::lock_guard lock(mutex_);
  Result<SuspendedObject> object = stream_.suspend();
  if (!object) return object.take_error();
  return SuspendedOutput{std::move(*object), items_};
}

Status UnprocessedSink::resume(SuspendedOutput suspended) {
  std::lock_guard lock(mutex_);
  items_ = suspended.entries;
  return stream_.resume(std::move(suspended.object));
}

void UnprocessedSink::abort() {
  std::lock_guard lock(mutex_);
  stream_.abort();
}

std::uint64_t UnprocessedSink::items() const {
  std::lock_guard lock(mutex_);
  return items_;
}

}  // namespace csv2ddb::ingest
