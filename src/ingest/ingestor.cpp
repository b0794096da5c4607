#include "ingest/ingestor.hpp"

#include <algorithm>

#include "ingest/ingest_run.hpp"

namespace csv2ddb::ingest {

LaneQueueSize lane_queue_size(std::size_t lanes) {
  constexpr std::size_t kBudgetItems = 32768;
  constexpr std::size_t kBudgetBytes = std::size_t{32} << 20;
  constexpr std::size_t kMinItems = 64;
  constexpr std::size_t kMaxItems = 1024;
  constexpr std::size_t kMinBytes = std::size_t{1} << 20;
  const std::size_t count = std::max<std::size_t>(lanes, 1);
  return LaneQueueSize{std::clamp(kBudgetItems / count, kMinItems, kMaxItems),
                       std::max(kBudgetBytes / count, kMinBytes)};
}

Result<RunOutcome> run_ingest(std::unique_ptr<csv::ByteSource> source, TableWriter& table,
                              const IngestOptions& options, const ProgressCallback& progress) {
  IngestRun run(table, options, progress);
  return run.run(std::move(source));
}

}  // namespace csv2ddb::ingest
