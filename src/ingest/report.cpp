#include "ingest/report.hpp"

#include "ingest/counts_json.hpp"
#include "model/json.hpp"

namespace csv2ddb::ingest {

std::string Report::to_json() const {
  std::string out;
  model::JsonWriter json(out);
  json.raw("{\"source\":");
  json.string(source);
  json.raw(",\"table\":");
  json.string(table);
  append_counts(json, *this, kReportFields, NumberForm::kRounded, false);
  json.raw(dry_run ? ",\"dry_run\":true" : ",\"dry_run\":false");
  if (workers) json.raw(",\"workers\":" + std::to_string(*workers));
  if (shares) json.raw(",\"shares\":" + std::to_string(*shares));
  if (!note.empty()) {
    json.raw(",\"note\":");
    json.string(note);
  }
  if (!failure) {
    json.raw(",\"status\":\"done\"}");
    return out;
  }
  json.raw(",\"status\":\"failed\",\"error\":{\"reason\":");
  json.string(failure->reason);
  if (failure->line) json.raw(",\"line\":" + std::to_string(*failure->line));
  json.raw("}}");
  return out;
}

}  // namespace csv2ddb::ingest
