// JSON Lines inputs as records: DynamoDB JSON (ddb-json) or plain objects (json), one per line
// (json_line_items.hpp has what each line becomes). Resumable: a record's offset is its line's
// first byte, so checkpoints and hand-overs work as they do for CSV.
#pragma once

#include <memory>

#include "csv/byte_source.hpp"
#include "ingest/input_format.hpp"
#include "ingest/line_reader.hpp"
#include "ingest/record_source.hpp"
#include "ingest/resume_point.hpp"

namespace csv2ddb::ingest {

struct JsonLinesOptions {
  InputFormat format = InputFormat::kDynamoDbJson;  // or kJsonLines
  model::KeySchema schema;
  Typing typing;  // json only: a spec retypes the attributes it names
  const ResumePoint* resume = nullptr;
  bool starts_at_resume = false;  // as CsvSourceOptions::starts_at_resume
};

class JsonLinesSource final : public RecordSource {
 public:
  // Errors: the source fails while skipping to the resume point.
  static Result<std::unique_ptr<JsonLinesSource>> open(std::unique_ptr<csv::ByteSource> input,
                                                       JsonLinesOptions options);

  Result<bool> next(SourceRecord& record) override;
  std::uint64_t bytes_consumed() const override { return reader_.bytes_consumed(); }
  bool resumable() const override { return true; }

 private:
  JsonLinesSource(std::unique_ptr<csv::ByteSource> input, JsonLinesOptions options)
      : reader_(std::move(input)), options_(std::move(options)) {}

  LineReader reader_;
  JsonLinesOptions options_;
  Line line_;
};

}  // namespace csv2ddb::ingest
