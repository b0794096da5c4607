#include "ingest/json_copy_sink.hpp"

#include "model/dynamodb_json.hpp"

namespace csv2ddb::ingest {

JsonCopySink::JsonCopySink(OutputStore& store, std::string key)
    : stream_(store, std::move(key), "application/json") {
  stream_.buffer().append("{\"data\":[");
}

Status JsonCopySink::add(const model::Item& item) {
  if (items_++ > 0) stream_.buffer().push_back(',');
  model::append_plain_item(stream_.buffer(), item);
  return stream_.flush_if_full();
}

Result<SuspendedOutput> JsonCopySink::suspend() {
  Result<SuspendedObject> object = stream_.suspend();
  if (!object) return object.take_error();
  return SuspendedOutput{std::move(*object), items_};
}

Status JsonCopySink::resume(SuspendedOutput suspended) {
  // The first run opened the array: its "{\"data\":[" is in the object or its tail, and the
  // stream's resume replaces the one this sink's constructor buffered.
  items_ = suspended.entries;
  return stream_.resume(std::move(suspended.object));
}

Status JsonCopySink::finish() {
  stream_.buffer().append("]}");
  return stream_.commit();
}

}  // namespace csv2ddb::ingest
