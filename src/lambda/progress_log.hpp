// The progress line the function logs while it imports, as ARCHITECTURE.md asks: at most one a
// second, JSON as every other line, so a person reads it in CloudWatch Logs and the local
// console plots rows/s and write units/s from it:
//   {"timestamp":...,"level":"INFO","requestId":...,"message":"progress","bucket":"b",
//    "key":"in/a.csv","generation":0,"share":2,"rows_read":...,"rows_written":...,
//    "rows_rejected":...,"bytes_read":...,"requests":...,"throttles":...,"units_written":...}
// and one with the counts at the end of the run. The counts are this invocation's (a continuation's
// start where the last one stopped); "share" is there only for a worker of a fanned-out import.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "ingest/ingestor.hpp"

namespace csv2ddb::lambda {

class ProgressLog {
 public:
  ProgressLog(std::string bucket, std::string key, std::uint32_t generation,
              std::optional<std::uint32_t> share);

  // Logs `progress` unless a line went out less than a second ago.
  void update(const ingest::Progress& progress);
  // Logs the last progress given, if update() held it back: the run's own end.
  void finish();

  // The members after "message" (for tests).
  std::string members(const ingest::Progress& progress) const;

 private:
  std::string bucket_;
  std::string key_;
  std::uint32_t generation_;
  std::optional<std::uint32_t> share_;
  std::optional<std::chrono::steady_clock::time_point> last_;
  std::optional<ingest::Progress> held_;
};

}  // namespace csv2ddb::lambda
