// Runs the engine and keeps the report: what most engine tests look at.
#pragma once

#include <memory>

#include "ingest/ingestor.hpp"

namespace csv2ddb::ingest {

inline Result<Report> ingest_report(std::unique_ptr<csv::ByteSource> source, TableWriter& table,
                                    const IngestOptions& options,
                                    const ProgressCallback& progress = {}) {
  Result<RunOutcome> outcome = run_ingest(std::move(source), table, options, progress);
  if (!outcome) return outcome.take_error();
  return std::move(outcome->report);
}

}  // namespace csv2ddb::ingest
