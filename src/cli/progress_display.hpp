// The progress line of `csv2ddb ingest` on a terminal: rows, MB read, rows/s, write units/s,
// the write requests and how many were throttled (so that a user sees the table push back) and,
// when the input's size is known, the share done and the ETA (from bytes read and rows written).
// Redrawn in place on stderr at most a few times a second; nothing at all when stderr is not a
// terminal (piped, CI logs).
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

#include "ingest/ingestor.hpp"

namespace csv2ddb::cli {

class ProgressDisplay {
 public:
  // `input_bytes` 0: unknown (stdin, compressed input: no ETA).
  ProgressDisplay(bool enabled, std::uint64_t input_bytes, std::FILE* out = stderr);
  void update(const ingest::Progress& progress);
  void finish();  // ends the line, so that what follows starts on its own

  // The line for a progress at `elapsed` seconds (public for tests).
  static std::string format(const ingest::Progress& progress, double elapsed,
                            std::uint64_t input_bytes);

 private:
  bool enabled_;
  std::uint64_t input_bytes_;
  std::FILE* out_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_drawn_{};
  bool drawn_ = false;
};

}  // namespace csv2ddb::cli
