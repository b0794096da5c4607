// reports/<key>.report.json: what one run did. Every row read is accounted for exactly once:
// rows_read == rows_written + rows_rejected + rows_unprocessed + rows_skipped + rows_conflicts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "ingest/counts.hpp"

namespace csv2ddb::ingest {

struct Report : Counts {
  std::string source;  // the input's name ("s3://bucket/key", a path)
  std::string table;
  bool dry_run = false;
  // Why the input could not be read or accounted to its end; the counts then cover what was
  // accounted before. Unset: "status":"done".
  struct Failure {
    std::string reason;
    std::optional<std::uint64_t> line;  // where it stopped, when known
  };
  std::optional<Failure> failure;
  // A fanned-out import (lambda/fan_out.hpp): how many shares it was cut into and how many
  // worker invocation chains imported them. Unset for one chain.
  std::optional<std::uint32_t> shares;
  std::optional<std::uint32_t> workers;
  // Something a person should know about how the input was imported ("note"), e.g. that a
  // compressed object big enough to fan out was imported by one chain.
  std::string note;

  // Compact JSON: source, table, the counts (counts_json.hpp, kReportFields), dry_run, status
  // ("done" or "failed") and, when failed, "error":{"reason":...,"line":N}.
  std::string to_json() const;
};

}  // namespace csv2ddb::ingest
