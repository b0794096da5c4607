#include "ingest/resume_point.hpp"

#include "ingest/counts_json.hpp"
#include "model/json_members.hpp"

namespace csv2ddb::ingest {

void append_resume_point(model::JsonWriter& json, const ResumePoint& point) {
  json.raw("\"resume\":{\"offset\":" + std::to_string(point.byte_offset));
  json.raw(",\"line\":" + std::to_string(point.line));
  append_counts(json, point, kRowFields, NumberForm::kExact, false);
  // Only runs with a condition have conflicts: other points keep the form they always had.
  if (point.rows_conflicts > 0) {
    append_counts(json, point, {CountField::kRowsConflicts}, NumberForm::kExact, false);
  }
  json.raw("},\"costs\":{");
  append_counts(json, point, kCostFields, NumberForm::kExact);
  json.ch('}');
}

Result<ResumePoint> read_resume_point(const model::JsonValue& object) {
  Result<const model::JsonValue*> resume = model::object_member(object, "resume");
  if (!resume) return resume.take_error();
  Result<const model::JsonValue*> costs = model::object_member(object, "costs");
  if (!costs) return costs.take_error();
  ResumePoint point;
  Result<std::uint64_t> offset = model::count_member(**resume, "offset");
  if (!offset) return offset.take_error();
  Result<std::uint64_t> line = model::count_member(**resume, "line");
  if (!line) return line.take_error();
  point.byte_offset = *offset;
  point.line = *line;
  point.bytes_read = *offset;
  if (Status rows = read_counts(**resume, kRowFields, point); !rows) return rows.take_error();
  if ((*resume)->find("rows_conflicts") != nullptr) {
    Status conflicts = read_counts(**resume, {CountField::kRowsConflicts}, point);
    if (!conflicts) return conflicts.take_error();
  }
  if (Status spent = read_counts(**costs, kCostFields, point); !spent) return spent.take_error();
  if (!point.balanced()) return make_error("InvalidJson", "the counts do not add up");
  return point;
}

}  // namespace csv2ddb::ingest
