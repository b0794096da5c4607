#include "lambda/s3_event.hpp"

#include <cstdlib>

#include "model/json.hpp"

namespace csv2ddb::lambda {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

const std::string* string_at(const model::JsonValue& root,
                             std::initializer_list<const char*> path) {
  const model::JsonValue* value = &root;
  for (const char* name : path) {
    value = value->find(name);
    if (value == nullptr) return nullptr;
  }
  return value->is_string() || value->is_number() ? &value->as_string() : nullptr;
}

Error invalid(std::string message) {
  return make_error("InvalidEvent", std::move(message));
}

}  // namespace

Result<std::string> decode_event_key(std::string_view encoded) {
  std::string key;
  key.reserve(encoded.size());
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    const char c = encoded[i];
    if (c == '+') {
      key.push_back(' ');
    } else if (c == '%') {
      if (i + 2 >= encoded.size()) {
        return invalid("the object key has a truncated %-escape: " + std::string(encoded));
      }
      const int high = hex_value(encoded[i + 1]);
      const int low = hex_value(encoded[i + 2]);
      if (high < 0 || low < 0) {
        return invalid("the object key has a bad %-escape: " + std::string(encoded));
      }
      key.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else {
      key.push_back(c);
    }
  }
  return key;
}

Result<std::vector<S3EventRecord>> parse_s3_event(std::string_view payload) {
  Result<model::JsonValue> parsed = model::parse_json(payload);
  if (!parsed) return invalid("the event is not JSON: " + parsed.error().message);
  const model::JsonValue* records = parsed->find("Records");
  if (records == nullptr || !records->is_array()) {
    return invalid("the event has no Records array: not an S3 notification");
  }
  std::vector<S3EventRecord> out;
  for (const model::JsonValue& record : records->as_array()) {
    const std::string* source = string_at(record, {"eventSource"});
    if (source != nullptr && *source != "aws:s3") continue;
    const std::string* bucket = string_at(record, {"s3", "bucket", "name"});
    const std::string* key = string_at(record, {"s3", "object", "key"});
    if (bucket == nullptr || key == nullptr) {
      return invalid("an S3 record lacks s3.bucket.name or s3.object.key");
    }
    Result<std::string> decoded = decode_event_key(*key);
    if (!decoded) return decoded.take_error();
    S3EventRecord entry;
    entry.bucket = *bucket;
    entry.key = std::move(*decoded);
    if (const std::string* name = string_at(record, {"eventName"})) entry.event_name = *name;
    if (const std::string* etag = string_at(record, {"s3", "object", "eTag"})) entry.etag = *etag;
    if (const std::string* seq = string_at(record, {"s3", "object", "sequencer"})) {
      entry.sequencer = *seq;
    }
    if (const std::string* size = string_at(record, {"s3", "object", "size"})) {
      entry.size = std::strtoull(size->c_str(), nullptr, 10);
    }
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace csv2ddb::lambda
