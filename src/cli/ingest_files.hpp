// The files of one `csv2ddb ingest`, one after another through the same table writer: each
// opened (input_reading.hpp), run through the engine with its own outputs (file_outputs.hpp),
// reported on a line of its own, and added to the total (ARCHITECTURE.md "Inputs"). A run of
// several files checkpoints which file it is in, so Ctrl-C and --resume work across them.
//
// Files run one at a time, each to its end (the lanes drain) before the next starts: so for
// one key the row read last wins across files as within one, and every file's counts and
// outputs are its own.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "aws/s3_client.hpp"
#include "cli/input_expansion.hpp"
#include "ingest/ingestor.hpp"

namespace csv2ddb::cli {

// What the command line decided, for every file.
struct IngestPlan {
  ingest::IngestOptions options;  // table, typing, lanes, pacing, mode, dry run... (no outputs)
  std::optional<ingest::InputFormat> format;  // --format
  bool keep_going = false;
  bool resume = false;
  std::string checkpoint_path;
  // One file: where its outputs go, by name ("unprocessed", "rejected", ...). Several files:
  // the folder or s3:// prefix they go under.
  std::vector<std::pair<std::string, std::optional<std::string>>> destinations;
  std::string outputs_folder = ".";
  std::vector<std::string> argv;  // for "resume with: ..."
};

// Exit statuses: 0 every row accounted; 3 some rows unprocessed; 1 a file could not be read
// or accounted; 2 a condition that does not fit the input; 130 interrupted.
int ingest_files(const Expansion& expansion, const IngestPlan& plan,
                 const std::shared_ptr<aws::S3Client>& s3, ingest::TableWriter& writer,
                 const std::atomic<bool>& interrupted);

}  // namespace csv2ddb::cli
