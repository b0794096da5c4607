// CSV rows as records: the reader (csv/reader.hpp) and the column plan (row_mapper.hpp), with
// the header resolved as every command resolves it and, for a resumed run, the reader placed at
// the resume point.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "csv/byte_source.hpp"
#include "csv/reader.hpp"
#include "ingest/record_source.hpp"
#include "ingest/resume_point.hpp"
#include "ingest/row_mapper.hpp"

namespace csv2ddb::ingest {

struct CsvSourceOptions {
  csv::ReaderOptions reader;
  model::KeySchema schema;
  Typing typing;
  // The column names; default: the resumed run's header, else the file's first record.
  std::optional<std::vector<std::string>> header;
  // Read on from this point instead of the start (the header comes from it unless given).
  const ResumePoint* resume = nullptr;
  // The byte source already starts at `resume->byte_offset` (a ranged read of a plain object),
  // so the reader goes on from there instead of reading and discarding up to it.
  bool starts_at_resume = false;
};

class CsvRecordSource final : public RecordSource {
 public:
  // Errors: the header cannot be read or used (csv::kInvalidHeader and the mapper's), the
  // source fails while skipping to the resume point.
  static Result<std::unique_ptr<CsvRecordSource>> open(std::unique_ptr<csv::ByteSource> input,
                                                       const CsvSourceOptions& options);

  Result<bool> next(SourceRecord& record) override;
  std::uint64_t bytes_consumed() const override { return reader_.bytes_consumed(); }
  bool resumable() const override { return true; }
  const std::vector<std::string>& header() const override;

  // False for an input without a single record (empty, or only blank lines): no header, and
  // nothing to read.
  bool has_header() const { return mapper_.has_value(); }

 private:
  CsvRecordSource(std::unique_ptr<csv::ByteSource> input, const csv::ReaderOptions& options)
      : reader_(std::move(input), options) {}

  csv::CsvReader reader_;
  std::optional<RowMapper> mapper_;
  csv::Record record_;
};

}  // namespace csv2ddb::ingest
