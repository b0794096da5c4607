#include "ingest/json_lines_source.hpp"

#include "ingest/json_line_items.hpp"
#include "model/json.hpp"

namespace csv2ddb::ingest {
namespace {

// A line quoted in rejected/ is cut here, as a CSV field is.
constexpr std::size_t kMaxRejectedLineBytes = 1024;

}  // namespace

Result<std::unique_ptr<JsonLinesSource>> JsonLinesSource::open(
    std::unique_ptr<csv::ByteSource> input, JsonLinesOptions options) {
  const ResumePoint* point = options.resume;
  const bool starts_at_resume = options.starts_at_resume;
  std::unique_ptr<JsonLinesSource> source(
      new JsonLinesSource(std::move(input), std::move(options)));
  source->options_.resume = nullptr;  // not kept: the caller owns it
  if (point != nullptr) {
    if (starts_at_resume) {
      source->reader_.continue_at(point->byte_offset, point->line);
    } else if (Status skipped = source->reader_.skip_to(point->byte_offset, point->line);
               !skipped) {
      return skipped.take_error();
    }
  }
  return source;
}

Result<bool> JsonLinesSource::next(SourceRecord& record) {
  Result<bool> more = reader_.next(line_);
  if (!more || !*more) return more;
  record.offset = line_.offset;
  record.line = line_.number;
  record.is_delete = false;
  std::string& reason = record.rejection.reason;
  LineOutcome outcome = LineOutcome::kRejected;
  if (line_.too_long) {
    reason = "the line is longer than " + std::to_string(kMaxJsonLineBytes >> 20) +
             " MiB; no item within DynamoDB's 400 KB is that long";
  } else if (options_.format == InputFormat::kJsonLines) {
    outcome =
        decode_plain_json_line(line_.text, options_.schema, options_.typing, record.item, reason);
  } else {
    outcome = decode_dynamodb_json_line(line_.text, options_.schema, record.item, reason);
  }
  switch (outcome) {
    case LineOutcome::kPut:
    case LineOutcome::kDelete:
      record.kind = SourceRecord::Kind::kItem;
      record.is_delete = outcome == LineOutcome::kDelete;
      return true;
    case LineOutcome::kSkipped:
      record.kind = SourceRecord::Kind::kSkipped;
      return true;
    case LineOutcome::kRejected:
      record.kind = SourceRecord::Kind::kRejected;
      record.rejection.line = line_.number;
      record.rejection.fields.assign(1, model::displayable_utf8(line_.text, kMaxRejectedLineBytes));
      return true;
  }
  return true;
}

}  // namespace csv2ddb::ingest
