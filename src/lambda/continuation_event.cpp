#include "lambda/continuation_event.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "model/json.hpp"

namespace csv2ddb::lambda {
namespace {

Error invalid(const std::string& what) {
  return make_error("InvalidEvent", "continuation event: " + what);
}

// %.17g: a double read back with strtod is the same double, so costs add up exactly.
std::string exact_number(double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

void member_number(model::JsonWriter& json, const char* name, std::uint64_t value, bool first) {
  if (!first) json.ch(',');
  json.string(name);
  json.ch(':');
  json.raw(std::to_string(value));
}

Result<std::uint64_t> unsigned_member(const model::JsonValue& object, const char* name) {
  const model::JsonValue* value = object.find(name);
  if (value == nullptr || !value->is_number()) return invalid(std::string(name) + " is missing");
  const std::string& text = value->as_string();
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) {
    return invalid(std::string(name) + " is not a count: " + text);
  }
  errno = 0;
  const unsigned long long parsed = std::strtoull(text.c_str(), nullptr, 10);
  if (errno != 0) return invalid(std::string(name) + " is out of range: " + text);
  return static_cast<std::uint64_t>(parsed);
}

Result<double> double_member(const model::JsonValue& object, const char* name) {
  const model::JsonValue* value = object.find(name);
  if (value == nullptr || !value->is_number()) return invalid(std::string(name) + " is missing");
  const double parsed = std::strtod(value->as_string().c_str(), nullptr);
  if (!(parsed >= 0)) return invalid(std::string(name) + " is negative");
  return parsed;
}

Result<std::string> string_member(const model::JsonValue& object, const char* name) {
  const model::JsonValue* value = object.find(name);
  if (value == nullptr || !value->is_string() || value->as_string().empty()) {
    return invalid(std::string(name) + " is missing");
  }
  return value->as_string();
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
  const ingest::ResumePoint& point = event.resume;
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
  json.raw(",\"resume\":{");
  member_number(json, "offset", point.byte_offset, true);
  member_number(json, "line", point.line, false);
  member_number(json, "rows_read", point.rows_read, false);
  member_number(json, "rows_written", point.rows_written, false);
  member_number(json, "rows_rejected", point.rows_rejected, false);
  member_number(json, "rows_unprocessed", point.rows_unprocessed, false);
  member_number(json, "rows_skipped", point.rows_skipped, false);
  json.raw("},\"costs\":{\"seconds\":" + exact_number(point.costs.seconds));
  member_number(json, "requests", point.costs.requests, false);
  member_number(json, "retries", point.costs.retries, false);
  member_number(json, "throttles", point.costs.throttles, false);
  json.raw(",\"consumed_wcu\":" + exact_number(point.costs.consumed_wcu));
  json.raw("},\"state\":{\"key\":");
  json.string(event.state_key);
  json.raw(",\"etag\":");
  json.string(event.state_etag);
  json.raw("}}}");
  return out;
}

Result<std::optional<ContinuationEvent>> parse_continuation_event(std::string_view payload) {
  Result<model::JsonValue> parsed = model::parse_json(payload);
  if (!parsed) return std::optional<ContinuationEvent>();  // not ours; the S3 parser says why
  const model::JsonValue* body = parsed->find(kContinuationMember);
  if (body == nullptr) return std::optional<ContinuationEvent>();
  if (!body->is_object()) return invalid("not an object");

  Result<std::uint64_t> version = unsigned_member(*body, "version");
  if (!version) return version.take_error();
  if (*version != 1) return invalid("version " + std::to_string(*version) + " is not known");
  ContinuationEvent event;
  Result<std::uint64_t> generation = unsigned_member(*body, "generation");
  if (!generation) return generation.take_error();
  if (*generation == 0 || *generation > UINT32_MAX) return invalid("generation out of range");
  event.generation = static_cast<std::uint32_t>(*generation);
  for (auto [name, target] : {std::pair{"bucket", &event.bucket}, std::pair{"key", &event.key},
                              std::pair{"etag", &event.etag}}) {
    Result<std::string> text = string_member(*body, name);
    if (!text) return text.take_error();
    *target = std::move(*text);
  }
  Result<std::string> compression = string_member(*body, "compression");
  if (!compression) return compression.take_error();
  Result<csv::Compression> known = compression_of(*compression);
  if (!known) return known.take_error();
  event.compression = *known;

  const model::JsonValue* resume = body->find("resume");
  const model::JsonValue* costs = body->find("costs");
  const model::JsonValue* state = body->find("state");
  if (resume == nullptr || !resume->is_object() || costs == nullptr || !costs->is_object() ||
      state == nullptr || !state->is_object()) {
    return invalid("resume, costs and state are required");
  }
  ingest::ResumePoint& point = event.resume;
  for (auto [name, target] :
       {std::pair{"offset", &point.byte_offset}, std::pair{"line", &point.line},
        std::pair{"rows_read", &point.rows_read}, std::pair{"rows_written", &point.rows_written},
        std::pair{"rows_rejected", &point.rows_rejected},
        std::pair{"rows_unprocessed", &point.rows_unprocessed},
        std::pair{"rows_skipped", &point.rows_skipped}}) {
    Result<std::uint64_t> value = unsigned_member(*resume, name);
    if (!value) return value.take_error();
    *target = *value;
  }
  if (point.rows_read !=
      point.rows_written + point.rows_rejected + point.rows_unprocessed + point.rows_skipped) {
    return invalid("the counts do not add up");
  }
  for (auto [name, target] :
       {std::pair{"requests", &point.costs.requests}, std::pair{"retries", &point.costs.retries},
        std::pair{"throttles", &point.costs.throttles}}) {
    Result<std::uint64_t> value = unsigned_member(*costs, name);
    if (!value) return value.take_error();
    *target = *value;
  }
  for (auto [name, target] : {std::pair{"seconds", &point.costs.seconds},
                              std::pair{"consumed_wcu", &point.costs.consumed_wcu}}) {
    Result<double> value = double_member(*costs, name);
    if (!value) return value.take_error();
    *target = *value;
  }
  Result<std::string> state_key = string_member(*state, "key");
  if (!state_key) return state_key.take_error();
  Result<std::string> state_etag = string_member(*state, "etag");
  if (!state_etag) return state_etag.take_error();
  event.state_key = std::move(*state_key);
  event.state_etag = std::move(*state_etag);
  return std::optional<ContinuationEvent>(std::move(event));
}

}  // namespace csv2ddb::lambda
