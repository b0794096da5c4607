#include "ingest/run_outputs.hpp"

#include <tuple>

namespace csv2ddb::ingest {
namespace {

Status write_report(const IngestOutputs& where, const Report& report) {
  if (where.store == nullptr || where.report_key.empty()) return {};
  Result<std::unique_ptr<OutputWriter>> writer =
      where.store->create(where.report_key, "application/json");
  if (!writer) return writer.take_error();
  if (Status written = (*writer)->write(report.to_json() + "\n"); !written) return written;
  return (*writer)->commit();
}

}  // namespace

RunOutputs::RunOutputs(const IngestOutputs& outputs) : where_(outputs) {
  if (outputs.store == nullptr) return;
  OutputStore& store = *outputs.store;
  if (!outputs.json_copy_key.empty()) {
    json_copy_.emplace(store, outputs.json_copy_key, OutputKind::kJsonCopy);
  }
  if (!outputs.unprocessed_key.empty()) {
    unprocessed_.emplace(store, outputs.unprocessed_key, OutputKind::kUnprocessed);
  }
  if (!outputs.rejected_key.empty()) {
    rejected_.emplace(store, outputs.rejected_key, OutputKind::kRejected);
  }
}

Status RunOutputs::resume(const SuspendedOutputs& outputs) {
  if (json_copy_.has_value() != outputs.json_copy.has_value() ||
      unprocessed_.has_value() != outputs.unprocessed.has_value() ||
      rejected_.has_value() != outputs.rejected.has_value()) {
    return make_error("InvalidResumeOutputs",
                      "the outputs to go on with are not the outputs this run writes");
  }
  for (auto [sink, suspended] :
       {std::pair{&json_copy_, &outputs.json_copy}, std::pair{&unprocessed_, &outputs.unprocessed},
        std::pair{&rejected_, &outputs.rejected}}) {
    if (!*sink) continue;
    if (Status resumed = (*sink)->resume(**suspended); !resumed) return resumed;
  }
  return {};
}

Result<SuspendedOutputs> RunOutputs::suspend() {
  SuspendedOutputs out;
  for (auto [sink, suspended] :
       {std::pair{&json_copy_, &out.json_copy}, std::pair{&unprocessed_, &out.unprocessed},
        std::pair{&rejected_, &out.rejected}}) {
    if (!*sink) continue;
    Result<SuspendedOutput> stopped = (*sink)->suspend();
    if (!stopped) return stopped.take_error();
    *suspended = std::move(*stopped);
  }
  return out;
}

Status RunOutputs::finish(const Report& report) {
  for (std::optional<OutputSink>* sink : {&json_copy_, &unprocessed_, &rejected_}) {
    if (!*sink) continue;
    if (Status finished = (*sink)->finish(); !finished) return finished;
  }
  return write_report(where_, report);
}

void RunOutputs::abort() {
  for (std::optional<OutputSink>* sink : {&json_copy_, &unprocessed_, &rejected_}) {
    if (*sink) (*sink)->abort();
  }
}

}  // namespace csv2ddb::ingest
