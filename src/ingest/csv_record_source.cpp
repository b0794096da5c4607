#include "ingest/csv_record_source.hpp"

#include "csv/header_row.hpp"

namespace csv2ddb::ingest {
namespace {

using Header = std::optional<std::vector<std::string>>;

// The given list, else the resumed run's, else the file's header row.
Result<Header> header_of_run(csv::CsvReader& reader, const CsvSourceOptions& options) {
  if (options.header) return Header(*options.header);
  if (options.resume != nullptr && !options.resume->header.empty()) {
    return Header(options.resume->header);
  }
  return csv::read_header_row(reader);
}

}  // namespace

Result<std::unique_ptr<CsvRecordSource>> CsvRecordSource::open(
    std::unique_ptr<csv::ByteSource> input, const CsvSourceOptions& options) {
  std::unique_ptr<CsvRecordSource> source(new CsvRecordSource(std::move(input), options.reader));
  Result<Header> header = header_of_run(source->reader_, options);
  if (!header) return header.take_error();
  if (header->has_value()) {
    Result<RowMapper> mapper =
        RowMapper::create(std::move(**header), options.schema, options.typing);
    if (!mapper) return mapper.take_error();
    source->mapper_.emplace(std::move(*mapper));
  }
  if (const ResumePoint* point = options.resume) {
    if (options.starts_at_resume) {
      source->reader_.continue_at(point->byte_offset, point->line);
    } else if (Status skipped = source->reader_.skip_to(point->byte_offset, point->line);
               !skipped) {
      return skipped.take_error();
    }
  }
  return source;
}

Result<bool> CsvRecordSource::next(SourceRecord& record) {
  if (!mapper_) return false;
  Result<bool> more = reader_.next(record_);
  if (!more || !*more) return more;
  record.offset = record_.byte_offset;
  record.line = record_.line;
  switch (mapper_->map(record_, record.item, record.rejection)) {
    case RowMapper::Outcome::kItem:
      record.kind = SourceRecord::Kind::kItem;
      break;
    case RowMapper::Outcome::kSkipped:
      record.kind = SourceRecord::Kind::kSkipped;
      break;
    case RowMapper::Outcome::kRejected:
      record.kind = SourceRecord::Kind::kRejected;
      break;
  }
  return true;
}

const std::vector<std::string>& CsvRecordSource::header() const {
  return mapper_ ? mapper_->header() : RecordSource::header();
}

}  // namespace csv2ddb::ingest
