#include "cli/file_outputs.hpp"

#include <algorithm>

#include "adapters/s3_output_store.hpp"
#include "cli/folder_output_store.hpp"
#include "ingest/input_format.hpp"

namespace csv2ddb::cli {
namespace {

// An output of a file, by the name the one-file destinations use, and its suffix under DIR.
struct OutputName {
  const char* name;
  const char* suffix;
  std::string ingest::IngestOutputs::*key;
};
constexpr OutputName kOutputs[] = {
    {"json-copy", nullptr, &ingest::IngestOutputs::json_copy_key},
    {"unprocessed", ".unprocessed.json", &ingest::IngestOutputs::unprocessed_key},
    {"rejected", ".rejected.jsonl", &ingest::IngestOutputs::rejected_key},
    {"conflicts", ".conflicts.jsonl", &ingest::IngestOutputs::conflicts_key},
    {"unprocessed-deletes", ".unprocessed-deletes.json",
     &ingest::IngestOutputs::unprocessed_deletes_key},
    {"report", ".report.json", &ingest::IngestOutputs::report_key},
};

std::string_view strip_suffix(std::string_view name, std::string_view suffix) {
  return name.ends_with(suffix) ? name.substr(0, name.size() - suffix.size()) : name;
}

}  // namespace

std::string output_stem(const std::string& input) {
  if (input == "-") return "stdin";
  std::string_view name = std::string_view(input).substr(input.find_last_of('/') + 1);
  name = ingest::strip_input_suffix(name);
  for (std::string_view suffix : {".jsonl", ".json"}) name = strip_suffix(name, suffix);
  return std::string(name);
}

std::string output_name(const std::string& name) {
  if (name == "-") return "stdin";
  std::string out;
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t end = name.find('/', start);
    if (end == std::string::npos) end = name.size();
    const std::string_view part = std::string_view(name).substr(start, end - start);
    if (!part.empty() && part != ".") {
      if (!out.empty()) out.push_back('/');
      out.append(part == ".." ? "__" : part);
    }
    start = end + 1;
  }
  return out.empty() ? "input" : out;
}

Result<FileOutputs> FileOutputs::for_one(
    std::shared_ptr<aws::S3Client> s3,
    const std::vector<std::pair<std::string, std::optional<std::string>>>& wanted) {
  auto destinations = std::make_shared<DestinationStore>(std::move(s3));
  FileOutputs outputs;
  for (const auto& [name, destination] : wanted) {
    if (!destination) continue;
    if (Status added = destinations->add(name, *destination); !added) {
      Error error = added.take_error();
      error.message = "--" + name + ": " + error.message;
      return error;
    }
    outputs.wanted_.push_back(name);
  }
  outputs.store_ = std::move(destinations);
  return outputs;
}

Result<FileOutputs> FileOutputs::for_several(std::shared_ptr<aws::S3Client> s3,
                                             const std::string& folder) {
  FileOutputs outputs;
  outputs.several_ = true;
  if (folder.rfind("s3://", 0) == 0) {
    auto store = adapters::make_s3_output_store(std::move(s3), folder);
    if (!store) return store.take_error();
    outputs.store_ = std::shared_ptr<ingest::OutputStore>(std::move(*store));
  } else {
    outputs.store_ = std::shared_ptr<ingest::OutputStore>(make_folder_output_store(folder));
  }
  return outputs;
}

ingest::IngestOutputs FileOutputs::outputs_for(const std::string& name) const {
  ingest::IngestOutputs outputs;
  outputs.store = store_.get();
  const std::string base = output_name(name);
  for (const OutputName& output : kOutputs) {
    if (several_) {
      if (output.suffix != nullptr) outputs.*output.key = base + output.suffix;
    } else if (std::find(wanted_.begin(), wanted_.end(), output.name) != wanted_.end()) {
      outputs.*output.key = output.name;  // the destination store's route
    }
  }
  return outputs;
}

std::string FileOutputs::locate(const std::string& name, const std::string& output) const {
  const ingest::IngestOutputs outputs = outputs_for(name);
  for (const OutputName& known : kOutputs) {
    if (output == known.name) return store_->locate(outputs.*known.key);
  }
  return output;
}

}  // namespace csv2ddb::cli
