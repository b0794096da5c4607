#include "lambda/hand_over_state.hpp"

#include "model/json.hpp"
#include "model/json_members.hpp"

namespace csv2ddb::lambda {
namespace {

struct NamedOutput {
  const char* name;
  std::optional<ingest::SuspendedOutput> ingest::SuspendedOutputs::*member;
};
// The order of the tails in the object.
constexpr NamedOutput kOutputs[] = {
    {"json_copy", &ingest::SuspendedOutputs::json_copy},
    {"unprocessed", &ingest::SuspendedOutputs::unprocessed},
    {"rejected", &ingest::SuspendedOutputs::rejected},
    {"conflicts", &ingest::SuspendedOutputs::conflicts},
    {"unprocessed_deletes", &ingest::SuspendedOutputs::unprocessed_deletes}};

Error invalid(const std::string& what) {
  return make_error("InvalidHandOverState", "hand-over state: " + what);
}

// A count member, its error in this document's words.
Result<std::uint64_t> count_member(const model::JsonValue& object, const char* name) {
  Result<std::uint64_t> count = model::count_member(object, name);
  if (!count) return invalid(count.error().message);
  return count;
}

}  // namespace

std::string hand_over_state_key(std::string_view input_key, std::uint32_t generation) {
  std::string key(kHandOverStatePrefix);
  key.append(input_key);
  key.push_back('/');
  key.append(std::to_string(generation));
  return key;
}

std::string encode_hand_over_state(const HandOverState& state) {
  std::string out;
  model::JsonWriter json(out);
  json.raw("{\"version\":1,\"format\":");
  json.string(ingest::input_format_name(state.format));
  json.raw(",\"header\":[");
  for (std::size_t i = 0; i < state.header.size(); ++i) {
    if (i > 0) json.ch(',');
    json.string(state.header[i]);
  }
  json.raw("],\"outputs\":{");
  bool first = true;
  for (const NamedOutput& output : kOutputs) {
    const std::optional<ingest::SuspendedOutput>& suspended = state.outputs.*output.member;
    if (!suspended) continue;
    if (!first) json.ch(',');
    first = false;
    json.string(output.name);
    json.raw(":{\"state\":");
    json.string(suspended->object.state);
    json.raw(",\"entries\":" + std::to_string(suspended->entries));
    json.raw(",\"tail_bytes\":" + std::to_string(suspended->object.tail.size()) + "}");
  }
  json.raw("}}\n");  // JSON strings escape newlines, so this one ends the line
  for (const NamedOutput& output : kOutputs) {
    const std::optional<ingest::SuspendedOutput>& suspended = state.outputs.*output.member;
    if (suspended) out.append(suspended->object.tail);
  }
  return out;
}

Result<HandOverState> decode_hand_over_state(std::string_view bytes) {
  const std::size_t newline = bytes.find('\n');
  if (newline == std::string_view::npos) return invalid("no header line");
  Result<model::JsonValue> parsed = model::parse_json(bytes.substr(0, newline));
  if (!parsed || !parsed->is_object()) return invalid("the header line is not a JSON object");
  Result<std::uint64_t> version = count_member(*parsed, "version");
  if (!version) return version.take_error();
  if (*version != 1) return invalid("version " + std::to_string(*version) + " is not known");
  const model::JsonValue* header = parsed->find("header");
  const model::JsonValue* outputs = parsed->find("outputs");
  if (header == nullptr || !header->is_array() || outputs == nullptr || !outputs->is_object()) {
    return invalid("header and outputs are required");
  }
  HandOverState state;
  // Absent in the states of versions that read CSV only.
  if (const model::JsonValue* format = parsed->find("format")) {
    const std::optional<ingest::InputFormat> known =
        format->is_string() ? ingest::parse_input_format(format->as_string()) : std::nullopt;
    if (!known) return invalid("format is not csv, ddb-json or json");
    state.format = *known;
  }
  for (const model::JsonValue& name : header->as_array()) {
    if (!name.is_string()) return invalid("a column name is not a string");
    state.header.push_back(name.as_string());
  }
  std::string_view tails = bytes.substr(newline + 1);
  for (const NamedOutput& output : kOutputs) {
    const model::JsonValue* entry = outputs->find(output.name);
    if (entry == nullptr) continue;
    const model::JsonValue* writer_state = entry->find("state");
    if (writer_state == nullptr || !writer_state->is_string()) {
      return invalid(std::string(output.name) + " has no state");
    }
    Result<std::uint64_t> entries = count_member(*entry, "entries");
    if (!entries) return entries.take_error();
    Result<std::uint64_t> tail_bytes = count_member(*entry, "tail_bytes");
    if (!tail_bytes) return tail_bytes.take_error();
    if (*tail_bytes > tails.size()) return invalid("the tails are shorter than announced");
    ingest::SuspendedOutput suspended;
    suspended.object.state = writer_state->as_string();
    suspended.object.tail = std::string(tails.substr(0, *tail_bytes));
    suspended.entries = *entries;
    tails.remove_prefix(*tail_bytes);
    state.outputs.*output.member = std::move(suspended);
  }
  if (!tails.empty()) return invalid("the tails are longer than announced");
  return state;
}

}  // namespace csv2ddb::lambda
