// json-copy/<key without .csv>.json: {"data":[...]} holding the file's items as plain JSON
// objects (model::append_plain_item), in file order.
//
// As in the reference design, whose copy is built from the whole CSV before any write, the copy
// holds every row that became an item, whatever then happened to it in the table: items that end
// in unprocessed/ are in the copy too (and in the unprocessed file), as are the rare items
// DynamoDB itself refuses (and in rejected/); rows rejected while mapping are not (they are not
// items). Writing it from the reader thread as rows are mapped keeps file
// order without holding the file in memory, since the lanes finish out of order.
#pragma once

#include <cstdint>

#include "ingest/output_stream.hpp"
#include "model/attribute_value.hpp"

namespace csv2ddb::ingest {

class JsonCopySink {
 public:
  JsonCopySink(OutputStore& store, std::string key);
  Status add(const model::Item& item);
  Status finish();  // closes the array and commits
  void abort() { stream_.abort(); }
  std::uint64_t items() const { return items_; }
  // Hand-over: this sink stops here, and a sink built later in another process goes on.
  Result<SuspendedOutput> suspend();
  Status resume(SuspendedOutput suspended);

 private:
  OutputStream stream_;
  std::uint64_t items_ = 0;
};

}  // namespace csv2ddb::ingest
