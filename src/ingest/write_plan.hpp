// How rows become writes (ARCHITECTURE.md "Write modes"):
//   put            BatchWriteItem puts: whole items replaced (the default)
//   delete         BatchWriteItem deletes of each row's key (the other columns ignored)
//   update         UpdateItem setting the row's attributes, keeping the item's others
//   put-if-absent  PutItem under attribute_not_exists(<hash key>): never overwrites
// and, for put, delete and update, a --condition: a DynamoDB condition expression per row, with
// :col bound to the row's value of column `col` and #col to the name `col`. A row whose
// condition fails is a conflict: counted, listed, not retried.
//
// Conditions, updates and put-if-absent are one request per row (PutItem, UpdateItem,
// DeleteItem); the lanes then keep more requests in flight (ingestor.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "model/attribute_value.hpp"

namespace csv2ddb::ingest {

// The error code of a condition that cannot be used (it does not parse, it names a column the
// input lacks): a wrong command line rather than a failed input.
inline constexpr std::string_view kInvalidCondition = "InvalidCondition";

enum class WriteMode : std::uint8_t { kPut, kDelete, kUpdate, kPutIfAbsent };

// "put", "delete", "update", "put-if-absent".
std::string_view write_mode_name(WriteMode mode);
std::optional<WriteMode> parse_write_mode(std::string_view name);

struct WritePlan {
  WriteMode mode = WriteMode::kPut;
  model::KeySchema schema;          // the table's
  std::string condition;            // the expression as written ("" when none)
  std::vector<std::string> names;   // the #col tokens it uses ("#account")
  std::vector<std::string> values;  // the :col tokens it uses (":version")

  // One request per row, rather than batches.
  bool per_item() const {
    return mode == WriteMode::kUpdate || mode == WriteMode::kPutIfAbsent || !condition.empty();
  }
  // The column (without ':') whose value the condition needs and `item` lacks, if any.
  std::optional<std::string> missing_value(const model::Item& item) const;
};

// Checks the mode and condition before anything is written. `columns`: the input's column
// names when known (CSV), so that a condition naming another column is refused at once. Errors
// (code "InvalidCondition"): the expression does not parse (DynamoDB's message, with the token
// and the text near it), a :value names a column the input does not have, put-if-absent was given a
// condition too. put-if-absent gets the condition attribute_not_exists(#<hash key>).
Result<WritePlan> make_write_plan(WriteMode mode, std::string_view condition,
                                  const model::KeySchema& schema,
                                  const std::vector<std::string>* columns);

// The key attributes of `item` (delete mode, conflicts), in the schema's order.
model::Item key_of(const model::Item& item, const model::KeySchema& schema);

}  // namespace csv2ddb::ingest
