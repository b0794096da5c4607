// A buffered output for the command line: a file (written to a temporary name and renamed into
// place on close, so a failed run never leaves a half-written file) or standard output ("-").
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace csv2ddb::cli {

class OutputFile {
 public:
  static Result<std::unique_ptr<OutputFile>> open(const std::string& path);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  Status write(std::string_view bytes);
  // Flushes and, for files, renames into place. Errors name the path.
  Status close();
  const std::string& path() const { return path_; }

 private:
  OutputFile(int fd, std::string path, std::string temp_path);
  Status flush();

  int fd_;
  std::string path_;
  std::string temp_path_;  // empty when written in place: standard output, devices, pipes
  std::string buffer_;     // written out in large blocks: one syscall per megabyte
};

}  // namespace csv2ddb::cli
