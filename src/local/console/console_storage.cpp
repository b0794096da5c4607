#include "local/console/console_storage.hpp"

#include "aws/error_codes.hpp"
#include "local/deploy/resource_handlers.hpp"
#include "local/presigned_url.hpp"

namespace csv2ddb::local::console {
namespace {

using model::JsonValue;

JsonValue link(const ControlPlane& control, const std::string& host, const std::string& bucket,
               const std::string& key) {
  JsonValue out = JsonValue::object();
  out.set("key", JsonValue::string(key));
  out.set("url", JsonValue::string(presigned_path(control, host, "GET", bucket, key)));
  return out;
}

// The JSON copy drops the input's suffix ("data/offers.csv" -> "json-copy/data/offers.json"):
// the one object under json-copy/ whose name, with ".json" taken off, is the key up to a dot.
JsonValue json_copy_link(const ControlPlane& control, const std::string& host, aws::S3Client& s3,
                         const std::string& bucket, const std::string& key) {
  const auto slash = key.rfind('/');
  const auto dot = key.find('.', slash == std::string::npos ? 0 : slash + 1);
  const std::string stem = key.substr(0, dot);
  auto page = s3.list_objects_v2(bucket, "json-copy/" + stem, {}, 20);
  if (!page) return JsonValue::null();
  for (const aws::ListedObject& object : page->objects) {
    if (!object.key.ends_with(".json")) continue;
    const std::string name = object.key.substr(10, object.key.size() - 10 - 5);
    if (key.starts_with(name) && (key.size() == name.size() || key[name.size()] == '.')) {
      return link(control, host, bucket, object.key);
    }
  }
  return JsonValue::null();
}

}  // namespace

std::string presigned_path(const ControlPlane& control, const std::string& host,
                           const std::string& method, const std::string& bucket,
                           const std::string& key) {
  return presigned_s3_path(control, host, method, bucket, key, std::chrono::minutes(15));
}

JsonValue output_links(const ControlPlane& control, const std::string& host,
                       const std::string& bucket, const std::string& key) {
  JsonValue out = JsonValue::object();
  auto clients = deploy::admin_clients(control);
  if (!clients) return out;
  auto s3 = clients->s3();
  out.set("json_copy", json_copy_link(control, host, *s3, bucket, key));
  const std::pair<const char*, std::string> outputs[] = {
      {"rejected", "rejected/" + key + ".rejected.jsonl"},
      {"unprocessed", "unprocessed/" + key + ".unprocessed.json"},
      {"conflicts", "conflicts/" + key + ".conflicts.jsonl"},
      {"report", "reports/" + key + ".report.json"}};
  for (const auto& [name, output] : outputs) {
    auto head = s3->head_object(bucket, output);
    out.set(name, head ? link(control, host, bucket, output) : JsonValue::null());
  }
  return out;
}

}  // namespace csv2ddb::local::console
