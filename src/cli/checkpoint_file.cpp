#include "cli/checkpoint_file.hpp"

#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "model/json.hpp"

namespace csv2ddb::cli {
namespace {

Error invalid(const std::string& what) {
  return Error{"InvalidCheckpoint", "the checkpoint file is not valid: " + what};
}

Result<std::uint64_t> number_field(const model::JsonValue& object, std::string_view name) {
  const model::JsonValue* value = object.find(name);
  if (value == nullptr || !value->is_number())
    return invalid("no number '" + std::string(name) + "'");
  try {
    return static_cast<std::uint64_t>(std::stoull(value->as_string()));
  } catch (...) {
    return invalid("'" + std::string(name) + "' is not a whole number");
  }
}

Result<std::string> string_field(const model::JsonValue& object, std::string_view name) {
  const model::JsonValue* value = object.find(name);
  if (value == nullptr || !value->is_string())
    return invalid("no string '" + std::string(name) + "'");
  return value->as_string();
}

}  // namespace

std::string encode_checkpoint(const CheckpointFile& checkpoint) {
  std::string out;
  model::JsonWriter json(out);
  auto number = [&](const char* name, std::uint64_t value, bool last = false) {
    json.raw("  \"");
    json.raw(name);
    json.raw("\": ");
    json.raw(std::to_string(value));
    json.raw(last ? "\n" : ",\n");
  };
  auto text = [&](const char* name, const std::string& value) {
    json.raw("  \"");
    json.raw(name);
    json.raw("\": ");
    json.string(value);
    json.raw(",\n");
  };
  json.raw("{\n  \"version\": 1,\n");
  text("input", checkpoint.input);
  text("identity", checkpoint.identity);
  text("table", checkpoint.table);
  json.raw("  \"header\": [");
  for (std::size_t i = 0; i < checkpoint.point.header.size(); ++i) {
    if (i > 0) json.ch(',');
    json.string(checkpoint.point.header[i]);
  }
  json.raw("],\n");
  number("byte_offset", checkpoint.point.byte_offset);
  number("line", checkpoint.point.line);
  number("rows_read", checkpoint.point.rows_read);
  number("rows_written", checkpoint.point.rows_written);
  number("rows_skipped", checkpoint.point.rows_skipped, true);
  json.raw("}\n");
  return out;
}

Result<CheckpointFile> decode_checkpoint(std::string_view text) {
  Result<model::JsonValue> parsed = model::parse_json(text);
  if (!parsed) return invalid(parsed.error().message);
  if (!parsed->is_object()) return invalid("not a JSON object");
  const model::JsonValue& object = *parsed;
  CheckpointFile checkpoint;
  Result<std::uint64_t> version = number_field(object, "version");
  if (!version) return version.take_error();
  if (*version != 1) return invalid("version " + std::to_string(*version) + " is not known");
  for (auto [name, field] :
       {std::pair{"input", &checkpoint.input}, std::pair{"identity", &checkpoint.identity},
        std::pair{"table", &checkpoint.table}}) {
    Result<std::string> value = string_field(object, name);
    if (!value) return value.take_error();
    *field = std::move(*value);
  }
  const model::JsonValue* header = object.find("header");
  if (header == nullptr || !header->is_array()) return invalid("no array 'header'");
  for (const model::JsonValue& name : header->as_array()) {
    if (!name.is_string()) return invalid("a header name is not a string");
    checkpoint.point.header.push_back(name.as_string());
  }
  for (auto [name, field] : {std::pair{"byte_offset", &checkpoint.point.byte_offset},
                             std::pair{"line", &checkpoint.point.line},
                             std::pair{"rows_read", &checkpoint.point.rows_read},
                             std::pair{"rows_written", &checkpoint.point.rows_written},
                             std::pair{"rows_skipped", &checkpoint.point.rows_skipped}}) {
    Result<std::uint64_t> value = number_field(object, name);
    if (!value) return value.take_error();
    *field = *value;
  }
  if (checkpoint.point.rows_read != checkpoint.point.rows_written + checkpoint.point.rows_skipped) {
    return invalid("its counts do not add up");
  }
  return checkpoint;
}

Status write_checkpoint(const std::string& path, const CheckpointFile& checkpoint) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << encode_checkpoint(checkpoint);
    out.flush();
    if (!out) return make_error("CheckpointError", "cannot write " + temporary);
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    return make_error("CheckpointError", "cannot rename " + temporary + " to " + path);
  }
  return {};
}

Result<CheckpointFile> read_checkpoint(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error("NoCheckpoint", "no checkpoint at " + path);
  std::stringstream text;
  text << in.rdbuf();
  return decode_checkpoint(text.str());
}

Result<std::string> file_identity(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return make_error("NoSuchFile", "cannot stat " + path);
  const auto mtime_ns = static_cast<std::uint64_t>(info.st_mtim.tv_sec) * 1'000'000'000ULL +
                        static_cast<std::uint64_t>(info.st_mtim.tv_nsec);
  return "size=" + std::to_string(info.st_size) + " mtime_ns=" + std::to_string(mtime_ns);
}

}  // namespace csv2ddb::cli
