#include "ingest/dynamodb_export.hpp"

#include "model/json.hpp"
#include "model/json_members.hpp"

namespace csv2ddb::ingest {
namespace {

constexpr std::string_view kExportFolder = "AWSDynamoDB/";

Error invalid(std::string_view folder, std::string_view manifest, const std::string& what) {
  return make_error("InvalidExport", std::string(folder) + std::string(manifest) + ": " + what);
}

// Where the export's root is: the part of `folder` before its AWSDynamoDB/, or, for manifests
// copied out of that layout, the folder above the manifests' own.
std::string root_of(std::string_view folder) {
  const std::size_t at = folder.rfind(kExportFolder);
  if (at != std::string_view::npos) return std::string(folder.substr(0, at));
  std::string_view parent = folder;
  if (!parent.empty()) parent.remove_suffix(1);
  return std::string(folder_of(parent));
}

// A data file's location: the root, then the key from its AWSDynamoDB/ on (the key names the
// bucket's export prefix, which a copy does not have).
std::string resolve(std::string_view root, std::string_view data_key) {
  const std::size_t at = data_key.find(kExportFolder);
  return std::string(root) +
         std::string(at == std::string_view::npos ? data_key : data_key.substr(at));
}

Status read_summary(std::string_view folder, std::string_view text, ExportManifest& manifest) {
  Result<model::JsonValue> summary = model::parse_json(text);
  if (!summary) return invalid(folder, kExportSummaryName, summary.error().message);
  if (!summary->is_object()) return invalid(folder, kExportSummaryName, "not a JSON object");
  const model::JsonValue* format = summary->find("outputFormat");
  const std::string format_name =
      format != nullptr && format->is_string() ? format->as_string() : "DYNAMODB_JSON";
  if (format_name == "ION") {
    return invalid(folder, kExportSummaryName,
                   "an export in ION format, which csv2ddb does not read; export the table "
                   "again with --export-format DYNAMODB_JSON");
  }
  if (format_name != "DYNAMODB_JSON") {
    return invalid(folder, kExportSummaryName,
                   "outputFormat " + format_name + " is not DYNAMODB_JSON");
  }
  const model::JsonValue* type = summary->find("exportType");
  const std::string type_name =
      type != nullptr && type->is_string() ? type->as_string() : "FULL_EXPORT";
  if (type_name != "FULL_EXPORT" && type_name != "INCREMENTAL_EXPORT") {
    return invalid(folder, kExportSummaryName, "exportType " + type_name + " is not known");
  }
  manifest.incremental = type_name == "INCREMENTAL_EXPORT";
  if (const model::JsonValue* arn = summary->find("exportArn");
      arn != nullptr && arn->is_string()) {
    manifest.export_arn = arn->as_string();
  }
  return {};
}

Result<ExportDataFile> read_file_line(std::string_view folder, std::string_view root,
                                      std::string_view line, std::size_t number) {
  const std::string where = "line " + std::to_string(number) + ": ";
  Result<model::JsonValue> entry = model::parse_json(line);
  if (!entry) return invalid(folder, kExportFilesName, where + entry.error().message);
  if (!entry->is_object()) return invalid(folder, kExportFilesName, where + "not a JSON object");
  Result<std::string> key = model::text_member(*entry, "dataFileS3Key");
  Result<std::string> md5 = model::text_member(*entry, "md5Checksum");
  Result<std::uint64_t> count = model::count_member(*entry, "itemCount");
  if (!key) return invalid(folder, kExportFilesName, where + key.error().message);
  if (!md5) return invalid(folder, kExportFilesName, where + md5.error().message);
  if (!count) return invalid(folder, kExportFilesName, where + count.error().message);
  return ExportDataFile{resolve(root, *key), std::move(*md5), *count};
}

}  // namespace

std::string_view folder_of(std::string_view location) {
  const std::size_t slash = location.find_last_of('/');
  return slash == std::string_view::npos ? std::string_view{} : location.substr(0, slash + 1);
}

Result<ExportManifest> parse_export_manifests(std::string_view folder, std::string_view summary,
                                              std::string_view files) {
  ExportManifest manifest;
  manifest.folder = std::string(folder);
  if (Status read = read_summary(folder, summary, manifest); !read) return read.take_error();
  const std::string root = root_of(folder);
  std::size_t number = 0;
  while (!files.empty()) {
    const std::size_t end = files.find('\n');
    std::string_view line = files.substr(0, end);
    files = end == std::string_view::npos ? std::string_view{} : files.substr(end + 1);
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    Result<ExportDataFile> file = read_file_line(folder, root, line, number);
    if (!file) return file.take_error();
    manifest.files.push_back(std::move(*file));
  }
  return manifest;
}

}  // namespace csv2ddb::ingest
