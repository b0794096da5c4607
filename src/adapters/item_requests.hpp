// The request of one row of a per-item write mode (ingest/write_plan.hpp), as DynamoDB takes it:
//   put with a condition, put-if-absent  PutItem {Item, ConditionExpression}
//   delete with a condition              DeleteItem {Key, ConditionExpression}
//   update                               UpdateItem {Key, UpdateExpression "SET #u0 = :u0, ...",
//                                                    ConditionExpression}
// with the condition's #col bound to the name col and :col to the row's value of col, and only
// the names and values the request uses (DynamoDB refuses unused ones).
#pragma once

#include <string>
#include <string_view>

#include "common/result.hpp"
#include "ingest/write_plan.hpp"
#include "model/attribute_value.hpp"

namespace csv2ddb::adapters {

struct ItemRequest {
  std::string_view operation;  // "PutItem", "UpdateItem", "DeleteItem"
  std::string body;
};

// Errors: the row lacks a value its condition needs (the reader rejects such rows first).
Result<ItemRequest> item_request(const std::string& table, const ingest::WritePlan& plan,
                                 const model::Item& item);

}  // namespace csv2ddb::adapters
