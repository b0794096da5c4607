// reports/<key>.report.json: what one run did. Every row read is accounted for exactly once:
// rows_read == rows_written + rows_rejected + rows_unprocessed + rows_skipped + rows_conflicts.
#pragma once

#include <string>

#include "ingest/counts.hpp"

namespace csv2ddb::ingest {

struct Report : Counts {
  std::string source;  // the input's name ("s3://bucket/key", a path)
  std::string table;
  bool dry_run = false;

  // Compact JSON: source, table, the counts (counts_json.hpp, kReportFields), dry_run.
  std::string to_json() const;
};

}  // namespace csv2ddb::ingest
