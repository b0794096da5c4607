#include "lambda/share_event.hpp"

#include "model/json_members.hpp"

namespace csv2ddb::lambda {
namespace {

Error invalid(const std::string& what) {
  return make_error("InvalidEvent", "share event: " + what);
}

}  // namespace

void append_share_members(model::JsonWriter& json, const ShareEvent& event) {
  json.raw("\"version\":1,\"bucket\":");
  json.string(event.bucket);
  json.raw(",\"key\":");
  json.string(event.key);
  json.raw(",\"etag\":");
  json.string(event.etag);
  json.raw(",\"size\":" + std::to_string(event.size));
  json.raw(",\"index\":" + std::to_string(event.share.index));
  json.raw(",\"count\":" + std::to_string(event.share.count));
  json.raw(",\"range_begin\":" + std::to_string(event.share.range_begin));
  json.raw(",\"range_end\":" + std::to_string(event.share.range_end));
  json.raw(",\"attempt\":");
  json.string(event.attempt);
}

std::string share_payload(const ShareEvent& event) {
  std::string out;
  model::JsonWriter json(out);
  json.raw("{\"");
  json.raw(kShareMember);
  json.raw("\":{");
  append_share_members(json, event);
  json.raw("}}");
  return out;
}

Result<ShareEvent> read_share_members(const model::JsonValue& object) {
  Result<std::uint64_t> version = model::count_member(object, "version");
  if (!version) return invalid(version.error().message);
  if (*version != 1) return invalid("version " + std::to_string(*version) + " is not known");
  ShareEvent event;
  for (auto [name, target] : {std::pair{"bucket", &event.bucket}, std::pair{"key", &event.key},
                              std::pair{"etag", &event.etag}}) {
    Result<std::string> text = model::text_member(object, name);
    if (!text) return invalid(text.error().message);
    *target = std::move(*text);
  }
  Result<std::string> attempt = model::string_member(object, "attempt");
  if (!attempt) return invalid(attempt.error().message);
  event.attempt = std::move(*attempt);
  std::uint64_t index = 0;
  std::uint64_t count = 0;
  for (auto [name, target] :
       {std::pair{"size", &event.size}, std::pair{"index", &index}, std::pair{"count", &count},
        std::pair{"range_begin", &event.share.range_begin},
        std::pair{"range_end", &event.share.range_end}}) {
    Result<std::uint64_t> value = model::count_member(object, name);
    if (!value) return invalid(value.error().message);
    *target = *value;
  }
  if (count == 0 || count > 10000 || index >= count) {
    return invalid("share " + std::to_string(index) + " of " + std::to_string(count));
  }
  if (event.share.range_begin > event.share.range_end) return invalid("an empty range");
  event.share.index = static_cast<std::uint32_t>(index);
  event.share.count = static_cast<std::uint32_t>(count);
  return event;
}

Result<std::optional<ShareEvent>> parse_share_event(std::string_view payload) {
  Result<model::JsonValue> parsed = model::parse_json(payload);
  if (!parsed) return std::optional<ShareEvent>();  // not ours; the S3 parser says why
  const model::JsonValue* body = parsed->find(kShareMember);
  if (body == nullptr) return std::optional<ShareEvent>();
  if (!body->is_object()) return invalid("not an object");
  Result<ShareEvent> event = read_share_members(*body);
  if (!event) return event.take_error();
  return std::optional<ShareEvent>(std::move(*event));
}

}  // namespace csv2ddb::lambda
