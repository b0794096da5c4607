// Where a run's records come from: one interface for every input the engine reads, so that the
// run has one loop (ingest_run.hpp) and a new input format is a new source, not a new loop.
//
//   CsvRecordSource (csv_record_source.hpp)   CSV rows through the column plan (RowMapper)
//   ItemArraySource (item_array_source.hpp)   a JSON array of plain items (an unprocessed/ file)
//
// A source yields each record already decided: an item to write, a row to skip, or a rejection
// with its line and reason. Positions are where the record starts, so a resumable source can be
// opened again at any record's offset (checkpoints, a Lambda invocation's hand-over).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "ingest/row_mapper.hpp"
#include "model/attribute_value.hpp"

namespace csv2ddb::ingest {

struct SourceRecord {
  enum class Kind : std::uint8_t { kItem, kSkipped, kRejected };
  Kind kind = Kind::kSkipped;
  model::Item item;          // kItem; overwritten by the next record (its capacity is reused)
  bool is_delete = false;    // kItem: delete its key (a change record without a new image)
  Rejection rejection;       // kRejected
  std::uint64_t offset = 0;  // the record's first byte in the (decompressed) input
  std::uint64_t line = 0;    // its line, or its number for inputs without lines
};

class RecordSource {
 public:
  virtual ~RecordSource() = default;
  // The next record into `record`; false at the end of the input. An error stops the run (the
  // input cannot be read, or is damaged beyond one record).
  virtual Result<bool> next(SourceRecord& record) = 0;
  // Bytes of the (decompressed) input consumed so far.
  virtual std::uint64_t bytes_consumed() const = 0;
  // True when a record's offset is a point a later run can start from.
  virtual bool resumable() const = 0;
  // What a later run needs to read on from a point: the CSV header; empty for other sources.
  virtual const std::vector<std::string>& header() const;
};

}  // namespace csv2ddb::ingest
