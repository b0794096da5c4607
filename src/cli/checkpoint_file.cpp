#include "cli/checkpoint_file.hpp"

#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "ingest/counts_json.hpp"
#include "model/json.hpp"
#include "model/json_members.hpp"

namespace csv2ddb::cli {
namespace {

Error invalid(const std::string& what) {
  return Error{"InvalidCheckpoint", "the checkpoint file is not valid: " + what};
}

// Version 2 passes rows set aside, whose entries its journals keep, and counts them; version 1
// (csv2ddb 0.x before journals) stopped before the first of them, so it has no such rows.
constexpr std::uint64_t kVersion = 2;
constexpr ingest::CountFields kVersion1Counts = {ingest::CountField::kRowsRead,
                                                 ingest::CountField::kRowsWritten,
                                                 ingest::CountField::kRowsSkipped};
constexpr ingest::CountFields kCheckpointCounts = {
    ingest::CountField::kRowsRead,     ingest::CountField::kRowsWritten,
    ingest::CountField::kRowsRejected, ingest::CountField::kRowsUnprocessed,
    ingest::CountField::kRowsSkipped,  ingest::CountField::kRowsConflicts};

}  // namespace

std::string encode_checkpoint(const CheckpointFile& checkpoint) {
  std::string out;
  model::JsonWriter json(out);
  json.raw("{\"version\":" + std::to_string(kVersion) + ",\"input\":");
  json.string(checkpoint.input);
  json.raw(",\"identity\":");
  json.string(checkpoint.identity);
  json.raw(",\"table\":");
  json.string(checkpoint.table);
  json.raw(",\"header\":[");
  for (std::size_t i = 0; i < checkpoint.point.header.size(); ++i) {
    if (i > 0) json.ch(',');
    json.string(checkpoint.point.header[i]);
  }
  json.raw("],\"byte_offset\":" + std::to_string(checkpoint.point.byte_offset));
  json.raw(",\"line\":" + std::to_string(checkpoint.point.line));
  ingest::append_counts(json, checkpoint.point, kCheckpointCounts, ingest::NumberForm::kExact,
                        false);
  if (checkpoint.journal > 0) json.raw(",\"journal\":" + std::to_string(checkpoint.journal));
  if (checkpoint.file_index > 0 || !checkpoint.done_reports.empty()) {
    json.raw(",\"file_index\":" + std::to_string(checkpoint.file_index) + ",\"done\":[");
    for (std::size_t i = 0; i < checkpoint.done_reports.size(); ++i) {
      if (i > 0) json.ch(',');
      json.raw(checkpoint.done_reports[i]);  // a report line: compact JSON already
    }
    json.ch(']');
  }
  json.raw("}\n");
  return out;
}

Result<CheckpointFile> decode_checkpoint(std::string_view text) {
  Result<model::JsonValue> parsed = model::parse_json(text);
  if (!parsed) return invalid(parsed.error().message);
  if (!parsed->is_object()) return invalid("not a JSON object");
  const model::JsonValue& object = *parsed;
  Result<std::uint64_t> version = model::count_member(object, "version");
  if (!version) return invalid(version.error().message);
  if (*version != kVersion && *version != 1) {
    return invalid("version " + std::to_string(*version) + " is not known");
  }
  CheckpointFile checkpoint;
  for (auto [name, field] :
       {std::pair{"input", &checkpoint.input}, std::pair{"identity", &checkpoint.identity},
        std::pair{"table", &checkpoint.table}}) {
    Result<std::string> value = model::string_member(object, name);
    if (!value) return invalid(value.error().message);
    *field = std::move(*value);
  }
  Result<std::vector<std::string>> header = model::strings_member(object, "header");
  if (!header) return invalid(header.error().message);
  checkpoint.point.header = std::move(*header);
  for (auto [name, field] : {std::pair{"byte_offset", &checkpoint.point.byte_offset},
                             std::pair{"line", &checkpoint.point.line}}) {
    Result<std::uint64_t> value = model::count_member(object, name);
    if (!value) return invalid(value.error().message);
    *field = *value;
  }
  if (Status counts = ingest::read_counts(
          object, *version == 1 ? kVersion1Counts : kCheckpointCounts, checkpoint.point);
      !counts) {
    return invalid(counts.error().message);
  }
  if (object.find("journal") != nullptr) {
    Result<std::uint64_t> journal = model::count_member(object, "journal");
    if (!journal) return invalid(journal.error().message);
    checkpoint.journal = *journal;
  }
  if (!checkpoint.point.balanced()) return invalid("its counts do not add up");
  if (object.find("file_index") != nullptr) {
    Result<std::uint64_t> index = model::count_member(object, "file_index");
    if (!index) return invalid(index.error().message);
    checkpoint.file_index = static_cast<std::size_t>(*index);
    const model::JsonValue* done = object.find("done");
    if (done == nullptr || !done->is_array()) return invalid("done is not an array");
    for (const model::JsonValue& report : done->as_array()) {
      if (!report.is_object()) return invalid("a line of done is not an object");
      checkpoint.done_reports.push_back(model::to_json(report));
    }
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
  if (!in) return make_error(std::string(kNoCheckpoint), "no checkpoint at " + path);
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
