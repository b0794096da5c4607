#include "ingest/table_writer.hpp"

#include "model/dynamodb_json.hpp"

namespace csv2ddb::ingest {

BatchWriteOutcome TableWriter::batch_put(const std::string& table,
                                         const std::vector<model::Item>& items) {
  const model::EncodedItems encoded(items);
  return batch_put_json(table, encoded.views());
}

}  // namespace csv2ddb::ingest
