// Where the outputs of each file of `csv2ddb ingest` go (ARCHITECTURE.md "Inputs"):
//  - one file: each output to its own destination, as --unprocessed, --rejected, --conflicts,
//    --report and --json-copy say (by default ./<stem>.unprocessed.json, .rejected.jsonl and
//    .conflicts.jsonl, created only when there are some);
//  - several files: under --outputs DIR (a folder, or s3://bucket/prefix/), named after each
//    file's path or key with its folders kept: DIR/<name>.rejected.jsonl, .unprocessed.json,
//    .conflicts.jsonl, .unprocessed-deletes.json and .report.json (always).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "aws/s3_client.hpp"
#include "cli/destination_store.hpp"
#include "common/result.hpp"
#include "ingest/run_outputs.hpp"

namespace csv2ddb::cli {

// "data/offers.csv.gz" -> "offers", "-" -> "stdin": what one file's default outputs are called.
std::string output_stem(const std::string& input);
// A file's name as a key under DIR: no leading '/' or "./", and no ".." (which would leave DIR).
std::string output_name(const std::string& name);

class FileOutputs {
 public:
  // One file: `wanted` maps output names ("json-copy", "unprocessed", "rejected", "conflicts",
  // "unprocessed-deletes", "report") to their destinations (unset: not wanted).
  static Result<FileOutputs> for_one(
      std::shared_ptr<aws::S3Client> s3,
      const std::vector<std::pair<std::string, std::optional<std::string>>>& wanted);
  // Several files: everything under `folder`.
  static Result<FileOutputs> for_several(std::shared_ptr<aws::S3Client> s3,
                                         const std::string& folder);

  // The outputs of the file named `name` (InputFile::name).
  ingest::IngestOutputs outputs_for(const std::string& name) const;
  // Where an output of that file is, for messages: "unprocessed", "rejected", "conflicts".
  std::string locate(const std::string& name, const std::string& output) const;
  ingest::OutputStore& store() const { return *store_; }

 private:
  std::shared_ptr<ingest::OutputStore> store_;
  bool several_ = false;
  std::vector<std::string> wanted_;  // one file: the outputs with a destination
};

}  // namespace csv2ddb::cli
