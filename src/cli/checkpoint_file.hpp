// <input stem>.checkpoint.json (<outputs>/ingest.checkpoint.json for several files): where an
// interrupted `csv2ddb ingest` resumes. Written while the run goes (every few seconds), at each
// file's start and when it is interrupted, removed when it completes. It names the file and how
// it looked (size and modification time, or the S3 ETag) so that --resume refuses an input that
// changed: offsets into another file would be meaningless. With several files it also says
// which file it is (its place in the expanded list) and keeps the report lines of the files
// before it, so the resumed run's total covers them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "ingest/resume_point.hpp"

namespace csv2ddb::cli {

struct CheckpointFile {
  std::string input;     // as given on the command line
  std::string identity;  // "size=123 mtime_ns=456" or "etag=\"...\""
  std::string table;
  ingest::ResumePoint point;  // header included
  // The generation of the outputs' journals that hold the entries of the rows set aside before
  // the point (checkpoint_journals.hpp); 0: none (a checkpoint at a file's start).
  std::uint64_t journal = 0;
  std::size_t file_index = 0;             // several files: this file's place in the list
  std::vector<std::string> done_reports;  // several files: the lines of the files before it
};

std::string encode_checkpoint(const CheckpointFile& checkpoint);
Result<CheckpointFile> decode_checkpoint(std::string_view text);

// The error of read_checkpoint when there is no file at the path.
inline constexpr std::string_view kNoCheckpoint = "NoCheckpoint";

// Written to PATH.tmp, then renamed over PATH: a crash leaves the old or the new one, whole.
Status write_checkpoint(const std::string& path, const CheckpointFile& checkpoint);
Result<CheckpointFile> read_checkpoint(const std::string& path);

// A local file's identity: its size and modification time.
Result<std::string> file_identity(const std::string& path);

}  // namespace csv2ddb::cli
