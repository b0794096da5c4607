#include "cli/input_expansion.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "aws/error_codes.hpp"
#include "ingest/dynamodb_export.hpp"
#include "ingest/output_keys.hpp"

namespace csv2ddb::cli {
namespace {

// What `csv2ddb ingest` itself writes beside its inputs: never read back from a folder (name
// one on its own to re-drive it).
constexpr std::array<std::string_view, 7> kOwnOutputSuffixes = {
    ".rejected.jsonl",          ".conflicts.jsonl",     ".report.json",
    ".checkpoint.json",         ".checkpoint.json.tmp", ".unprocessed.json",
    ".unprocessed-deletes.json"};
constexpr std::size_t kMaxManifestBytes = std::size_t{256} * 1024 * 1024;

Error no_input(const std::string& message) {
  return make_error("NoSuchInput", message);
}

std::string_view base_name(std::string_view key) {
  const std::size_t slash = key.find_last_of('/');
  return slash == std::string_view::npos ? key : key.substr(slash + 1);
}

bool has_hidden_part(std::string_view relative) {
  for (std::size_t start = 0; start <= relative.size();) {
    std::size_t end = relative.find('/', start);
    if (end == std::string_view::npos) end = relative.size();
    if (end > start && relative[start] == '.') return true;
    start = end + 1;
  }
  return false;
}

// A file of a folder or prefix, by its key (a path, or an S3 key), which orders them.
struct Listed {
  std::string key;
  std::uint64_t size = 0;
};

// Where the files are: a local disk, or an S3 bucket.
class Storage {
 public:
  virtual ~Storage() = default;
  // Every file under `folder` (it ends with '/', or is empty), in byte order of their keys.
  virtual Result<std::vector<Listed>> list(const std::string& folder) = 0;
  virtual Result<std::string> read_small(const std::string& key) = 0;
  // The size of the file at `key`; nullopt when there is none.
  virtual Result<std::optional<std::uint64_t>> size_of(const std::string& key) = 0;
  virtual std::string location_of(const std::string& key) const = 0;
  // Why a file of a listing is not read by itself ("" when it is).
  virtual std::string_view ignore_reason(const Listed& file, const std::string& folder) const = 0;
};

std::string_view own_output_reason(std::string_view key) {
  for (std::string_view suffix : kOwnOutputSuffixes) {
    if (key.ends_with(suffix)) return "an output of csv2ddb ingest (name it alone to read it)";
  }
  return "";
}

class LocalStorage final : public Storage {
 public:
  Result<std::vector<Listed>> list(const std::string& folder) override {
    std::vector<Listed> files;
    std::error_code error;
    std::filesystem::recursive_directory_iterator it(
        folder, std::filesystem::directory_options::follow_directory_symlink, error);
    for (; !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
      if (!it->is_regular_file(error)) continue;
      std::string path = it->path().generic_string();
      files.push_back({std::move(path), static_cast<std::uint64_t>(it->file_size(error))});
    }
    if (error) return no_input(folder + ": " + error.message());
    std::sort(files.begin(), files.end(),
              [](const Listed& a, const Listed& b) { return a.key < b.key; });
    return files;
  }
  Result<std::string> read_small(const std::string& key) override {
    std::ifstream in(key, std::ios::binary);
    if (!in) return no_input("cannot read " + key);
    std::ostringstream text;
    text << in.rdbuf();
    if (text.str().size() > kMaxManifestBytes)
      return no_input(key + " is too large to be a manifest");
    return text.str();
  }
  Result<std::optional<std::uint64_t>> size_of(const std::string& key) override {
    struct stat info {};
    if (::stat(key.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) {
      return std::optional<std::uint64_t>();
    }
    return std::optional<std::uint64_t>(static_cast<std::uint64_t>(info.st_size));
  }
  std::string location_of(const std::string& key) const override { return key; }
  std::string_view ignore_reason(const Listed& file, const std::string& folder) const override {
    if (has_hidden_part(std::string_view(file.key).substr(folder.size()))) return "a hidden file";
    return own_output_reason(file.key);
  }
};

class S3Storage final : public Storage {
 public:
  S3Storage(std::shared_ptr<aws::S3Client> s3, std::string bucket)
      : s3_(std::move(s3)), bucket_(std::move(bucket)) {}

  Result<std::vector<Listed>> list(const std::string& folder) override {
    Result<std::vector<aws::ListedObject>> listed = s3_->list_all(bucket_, folder);
    if (!listed) return listed.take_error();
    std::vector<Listed> files;
    for (aws::ListedObject& object : *listed) {
      if (object.key.ends_with('/')) continue;  // a console's "folder" marker
      files.push_back({std::move(object.key), object.size});
    }
    // ListObjectsV2 returns keys in UTF-8 binary order already; sorting keeps that promise
    // whatever the server.
    std::sort(files.begin(), files.end(),
              [](const Listed& a, const Listed& b) { return a.key < b.key; });
    return files;
  }
  Result<std::string> read_small(const std::string& key) override {
    std::string bytes;
    aws::GetObjectOptions options;
    options.reset_sink = [&bytes] {
      bytes.clear();
      return true;
    };
    Result<aws::ObjectInfo> got =
        s3_->get_object(bucket_, key, options, [&bytes, &key](std::string_view piece) -> Status {
          if (bytes.size() + piece.size() > kMaxManifestBytes) {
            return no_input(key + " is too large to be a manifest");
          }
          bytes.append(piece);
          return {};
        });
    if (!got) return got.take_error();
    return bytes;
  }
  Result<std::optional<std::uint64_t>> size_of(const std::string& key) override {
    Result<aws::ObjectInfo> head = s3_->head_object(bucket_, key);
    if (head) return std::optional<std::uint64_t>(head->size);
    if (aws::is_missing_object(head.error())) return std::optional<std::uint64_t>();
    return head.take_error();
  }
  std::string location_of(const std::string& key) const override {
    return "s3://" + bucket_ + "/" + key;
  }
  std::string_view ignore_reason(const Listed& file, const std::string&) const override {
    if (ingest::is_output_key(file.key)) return "an output of the import function";
    return own_output_reason(file.key);
  }

 private:
  std::shared_ptr<aws::S3Client> s3_;
  std::string bucket_;
};

// The files of one folder or prefix (or one file), grouped into what is read: plain files, and
// exports standing for their data files.
class Assembler {
 public:
  Assembler(Storage& storage, Expansion& expansion) : storage_(storage), expansion_(expansion) {}

  Status add(const std::vector<Listed>& listed, const std::string& folder);

 private:
  struct Unit {
    std::string order;  // the key it sorts by: a file's, or its export's summary
    std::vector<InputFile> files;
  };
  Result<Unit> export_unit(const Listed& summary);
  InputFile plain(const Listed& file) const;
  bool is_export_data(const std::string& key) const {
    return key.find("AWSDynamoDB/") != std::string::npos && key.find("/data/") != std::string::npos;
  }

  Storage& storage_;
  Expansion& expansion_;
  std::map<std::string, std::uint64_t> sizes_;  // of the listed files, by key
  std::set<std::string> export_data_;           // every key a manifest names
};

InputFile Assembler::plain(const Listed& file) const {
  InputFile input;
  input.location = storage_.location_of(file.key);
  input.name = file.key;
  input.size = file.size;
  return input;
}

Result<Assembler::Unit> Assembler::export_unit(const Listed& summary) {
  const std::string folder(ingest::folder_of(summary.key));
  Result<std::string> summary_text = storage_.read_small(summary.key);
  if (!summary_text) return summary_text.take_error();
  const std::string files_key = folder + std::string(ingest::kExportFilesName);
  Result<std::string> files_text = storage_.read_small(files_key);
  if (!files_text) {
    return make_error("InvalidExport", storage_.location_of(folder) +
                                           ": the export has no readable " +
                                           std::string(ingest::kExportFilesName) + " (" +
                                           files_text.error().message + ")");
  }
  Result<ingest::ExportManifest> manifest =
      ingest::parse_export_manifests(folder, *summary_text, *files_text);
  if (!manifest) {
    Error error = manifest.take_error();
    error.message = storage_.location_of("") + error.message;
    return error;
  }
  Unit unit{summary.key, {}};
  for (ingest::ExportDataFile& data : manifest->files) {
    InputFile input;
    input.location = storage_.location_of(data.location);
    input.name = data.location;
    input.format = ingest::InputFormat::kDynamoDbJson;
    input.md5_base64 = std::move(data.md5_base64);
    input.item_count = data.item_count;
    input.export_folder = storage_.location_of(folder);
    input.incremental = manifest->incremental;
    if (auto known = sizes_.find(data.location); known != sizes_.end()) {
      input.size = known->second;
    } else {
      Result<std::optional<std::uint64_t>> size = storage_.size_of(data.location);
      if (!size) return size.take_error();
      input.size = *size;
      if (!*size) {
        input.missing =
            storage_.location_of(files_key) + " names " + data.location + ", which is not there";
      }
    }
    export_data_.insert(data.location);
    unit.files.push_back(std::move(input));
  }
  return unit;
}

Status Assembler::add(const std::vector<Listed>& listed, const std::string& folder) {
  for (const Listed& file : listed) sizes_[file.key] = file.size;
  std::vector<Unit> units;
  for (const Listed& file : listed) {
    if (base_name(file.key) != ingest::kExportSummaryName) continue;
    Result<Unit> unit = export_unit(file);
    if (!unit) return unit.take_error();
    units.push_back(std::move(*unit));
  }
  for (const Listed& file : listed) {
    if (export_data_.count(file.key) != 0) continue;
    std::string_view reason = ingest::export_bookkeeping_reason(file.key);
    // Beside manifests, a data file none of them names is another export's (a shared data
    // folder, a failed export); without any manifest, data files are all there is to read
    // (data files copied alone, or an export written without manifests).
    if (reason.empty() && !units.empty() && is_export_data(file.key)) {
      reason = "an export's data file no manifest names";
    }
    if (reason.empty()) reason = storage_.ignore_reason(file, folder);
    if (!reason.empty()) {
      expansion_.ignored.push_back({storage_.location_of(file.key), std::string(reason)});
      continue;
    }
    units.push_back({file.key, {plain(file)}});
  }
  std::stable_sort(units.begin(), units.end(),
                   [](const Unit& a, const Unit& b) { return a.order < b.order; });
  for (Unit& unit : units) {
    for (InputFile& input : unit.files) expansion_.files.push_back(std::move(input));
  }
  return {};
}

// One s3:// input: an object, or a prefix (ending in '/'). An object is not looked at here:
// its run opens it, and its errors are the ones reading it gives (S3ObjectSource's).
Status expand_s3(const std::string& input, const std::shared_ptr<aws::S3Client>& s3,
                 Expansion& expansion) {
  Result<aws::S3Location> url = aws::parse_s3_url(input);
  if (!url) return url.take_error();
  S3Storage storage(s3, url->bucket);
  Assembler assembler(storage, expansion);
  const std::string& prefix = url->key;
  if (base_name(prefix) == ingest::kExportSummaryName) {
    expansion.several = true;
    return assembler.add({{prefix, 0}}, std::string(ingest::folder_of(prefix)));
  }
  if (!prefix.empty() && !prefix.ends_with('/')) {
    InputFile file;
    file.location = input;
    file.name = prefix;
    expansion.files.push_back(std::move(file));
    return {};
  }
  Result<std::vector<Listed>> listed = storage.list(prefix);
  if (!listed) return listed.take_error();
  if (listed->empty()) return no_input(input + ": no object under it");
  expansion.several = true;
  const std::size_t before = expansion.files.size();
  if (Status added = assembler.add(*listed, prefix); !added) return added;
  if (expansion.files.size() == before) return no_input(input + ": nothing under it to read");
  return {};
}

Status expand_local(const std::string& input, Expansion& expansion) {
  LocalStorage storage;
  Assembler assembler(storage, expansion);
  std::error_code error;
  const std::filesystem::file_status status = std::filesystem::status(input, error);
  if (error || !std::filesystem::exists(status))
    return no_input(input + ": no such file or folder");
  if (!std::filesystem::is_directory(status)) {
    const std::uint64_t size = std::filesystem::file_size(input, error);
    if (base_name(input) == ingest::kExportSummaryName) {
      expansion.several = true;
      return assembler.add({{input, size}}, std::string(ingest::folder_of(input)));
    }
    InputFile file;
    file.location = input;
    file.name = input;
    if (!error) file.size = size;
    expansion.files.push_back(std::move(file));
    return {};
  }
  std::string folder = input;
  if (!folder.ends_with('/')) folder.push_back('/');
  Result<std::vector<Listed>> listed = storage.list(folder);
  if (!listed) return listed.take_error();
  expansion.several = true;
  const std::size_t before = expansion.files.size();
  if (Status added = assembler.add(*listed, folder); !added) return added;
  if (expansion.files.size() == before) return no_input(input + ": no file in it to read");
  return {};
}

}  // namespace

Result<Expansion> expand_inputs(const std::vector<std::string>& inputs,
                                const std::shared_ptr<aws::S3Client>& s3) {
  Expansion expansion;
  expansion.several = inputs.size() > 1;
  for (const std::string& input : inputs) {
    if (input == "-") {
      InputFile standard_input;
      standard_input.location = "-";
      standard_input.name = "stdin";
      expansion.files.push_back(std::move(standard_input));
      continue;
    }
    Status expanded = input.rfind("s3://", 0) == 0 ? expand_s3(input, s3, expansion)
                                                   : expand_local(input, expansion);
    if (!expanded) return expanded.take_error();
  }
  expansion.several = expansion.several || expansion.files.size() > 1;
  return expansion;
}

}  // namespace csv2ddb::cli
