#include "lambda/continuation_event.hpp"

#include "model/json.hpp"
#include "model/json_members.hpp"

namespace csv2ddb::lambda {
namespace {

Error invalid(const std::string& what) {
  return make_error("InvalidEvent", "continuation event: " + what);
}

Result<csv::Compression> compression_of(const std::string& name) {
  if (name == "none") return csv::Compression::kNone;
  if (name == "gzip") return csv::Compression::kGzip;
  if (name == "zstd") return csv::Compression::kZstd;
  return invalid("unknown compression " + name);
}

}  // namespace

std::string_view compression_name(csv::Compression compression) {
  switch (compression) {
    case csv::Compression::kGzip:
      return "gzip";
    case csv::Compression::kZstd:
      return "zstd";
    case csv::Compression::kNone:
      break;
  }
  return "none";
}

std::string continuation_payload(const ContinuationEvent& event) {
  std::string out;
  model::JsonWriter json(out);
  json.raw("{\"");
  json.raw(kContinuationMember);
  json.raw("\":{\"version\":1,\"generation\":" + std::to_string(event.generation));
  json.raw(",\"bucket\":");
  json.string(event.bucket);
  json.raw(",\"key\":");
  json.string(event.key);
  json.raw(",\"etag\":");
  json.string(event.etag);
  json.raw(",\"compression\":");
  json.string(compression_name(event.compression));
  json.ch(',');
  ingest::append_resume_point(json, event.resume);
  json.raw(",\"state\":{\"key\":");
  json.string(event.state_key);
  json.raw(",\"etag\":");
  json.string(event.state_etag);
  json.ch('}');
  if (event.share) {
    json.raw(",\"share\":{");
    append_share_members(json, *event.share);
    json.ch('}');
  }
  json.raw("}}");
  return out;
}

Result<std::optional<ContinuationEvent>> parse_continuation_event(std::string_view payload) {
  Result<model::JsonValue> parsed = model::parse_json(payload);
  if (!parsed) return std::optional<ContinuationEvent>();  // not ours; the S3 parser says why
  const model::JsonValue* body = parsed->find(kContinuationMember);
  if (body == nullptr) return std::optional<ContinuationEvent>();
  if (!body->is_object()) return invalid("not an object");

  Result<std::uint64_t> version = model::count_member(*body, "version");
  if (!version) return invalid(version.error().message);
  if (*version != 1) return invalid("version " + std::to_string(*version) + " is not known");
  ContinuationEvent event;
  Result<std::uint64_t> generation = model::count_member(*body, "generation");
  if (!generation) return invalid(generation.error().message);
  if (*generation == 0 || *generation > UINT32_MAX) return invalid("generation out of range");
  event.generation = static_cast<std::uint32_t>(*generation);
  for (auto [name, target] : {std::pair{"bucket", &event.bucket}, std::pair{"key", &event.key},
                              std::pair{"etag", &event.etag}}) {
    Result<std::string> text = model::text_member(*body, name);
    if (!text) return invalid(text.error().message);
    *target = std::move(*text);
  }
  Result<std::string> compression = model::text_member(*body, "compression");
  if (!compression) return invalid(compression.error().message);
  Result<csv::Compression> known = compression_of(*compression);
  if (!known) return known.take_error();
  event.compression = *known;

  const model::JsonValue* state = body->find("state");
  if (body->find("resume") == nullptr || body->find("costs") == nullptr || state == nullptr ||
      !state->is_object()) {
    return invalid("resume, costs and state are required");
  }
  Result<ingest::ResumePoint> point = ingest::read_resume_point(*body);
  if (!point) return invalid(point.error().message);
  event.resume = std::move(*point);
  for (auto [name, target] :
       {std::pair{"key", &event.state_key}, std::pair{"etag", &event.state_etag}}) {
    Result<std::string> text = model::text_member(*state, name);
    if (!text) return invalid(text.error().message);
    *target = std::move(*text);
  }
  if (const model::JsonValue* share = body->find("share"); share != nullptr) {
    if (!share->is_object()) return invalid("share is not an object");
    Result<ShareEvent> read = read_share_members(*share);
    if (!read) return read.take_error();
    event.share = std::move(*read);
  }
  return std::optional<ContinuationEvent>(std::move(event));
}

}  // namespace csv2ddb::lambda
