#include "ingest/json_copy_sink.hpp"

#include "model/dynamodb_json.hpp"

namespace csv2ddb::ingest {

JsonCopySink::JsonCopySink(ObjectStore& store, std::string key)
    : stream_(store, std::move(key), "application/json") {
  stream_.buffer().append("{\"data\":[");
}

Status JsonCopySink::add(const model::Item& item) {
  if (items_++ > 0) stream_.buffer().push_back(',');
  model::append_plain_item(stream_.buffer(), item);
  return stream_.flush_if_full();
}

Status JsonCopySink::finish() {
  stream_.buffer().append("]}");
  return stream_.commit();
}

}  // namespace csv2ddb::ingest
