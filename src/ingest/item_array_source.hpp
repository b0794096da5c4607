// The elements of a JSON array of plain items (an unprocessed/ file being re-driven) as
// records: each element typed back into an item by the table's key schema
// (model::decode_plain_item), or rejected with its number in the array and the reason.
// Not resumable: checkpoints and hand-overs are for CSV input.
#pragma once

#include <memory>

#include "csv/byte_source.hpp"
#include "ingest/json_array_reader.hpp"
#include "ingest/record_source.hpp"

namespace csv2ddb::ingest {

class ItemArraySource final : public RecordSource {
 public:
  ItemArraySource(std::unique_ptr<csv::ByteSource> input, model::KeySchema schema)
      : reader_(std::move(input)), schema_(std::move(schema)) {}

  Result<bool> next(SourceRecord& record) override;
  std::uint64_t bytes_consumed() const override { return reader_.bytes_consumed(); }
  bool resumable() const override { return false; }

 private:
  JsonArrayReader reader_;
  model::KeySchema schema_;
  std::string text_;
};

}  // namespace csv2ddb::ingest
