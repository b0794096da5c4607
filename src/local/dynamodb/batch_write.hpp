// BatchWriteItem in two steps: a validated plan of the writes (what to write, where, and the
// request elements to hand back in UnprocessedItems), then its execution (faults, the store's
// transaction, capacity). The plan comes from the parsed request (plan_batch_write, every
// DynamoDB rule and message) or, for the common shape of an ingest, straight from the request
// text (plan_batch_write_from_text, batch_write_fast_path.cpp), which builds no JSON tree and
// declines anything it does not handle, valid or not, so that the general path decides it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "local/dynamodb/operations.hpp"
#include "local/dynamodb/table_store.hpp"
#include "model/json.hpp"

namespace csv2ddb::local::dynamodb {

// One write request as the client sent it, for UnprocessedItems: a node of the parsed request,
// or its text (the fast path's), parsed only when it has to be handed back. Either way it is
// written as the parsed node would be, compact.
class WriteRequestOrigin {
 public:
  explicit WriteRequestOrigin(const model::JsonValue* node) : node_(node) {}
  explicit WriteRequestOrigin(std::string_view text) : text_(text) {}
  void append_to(std::string& out) const;

 private:
  const model::JsonValue* node_ = nullptr;
  std::string_view text_;
};

struct TableWrites {
  TableInfo table;
  std::vector<ItemWrite> writes;
  std::vector<WriteRequestOrigin> originals;  // the request elements, for UnprocessedItems
};

struct BatchWritePlan {
  std::string capacity_mode = "NONE";  // ReturnConsumedCapacity
  std::vector<TableWrites> tables;
};

// Every validation of BatchWriteItem, in DynamoDB's order and words. The plan points into
// `request`, which must outlive it.
Result<BatchWritePlan> plan_batch_write(const model::JsonValue& request, OperationContext& context);
// The plan of a request body of the common shape, which then must be exactly the plan that
// parsing it and plan_batch_write would give; nullopt for anything else. Points into `body`.
std::optional<BatchWritePlan> plan_batch_write_from_text(std::string_view body,
                                                         OperationContext& context);
// Faults, the writes, and the response body.
Result<std::string> run_batch_write(BatchWritePlan& plan, OperationContext& context);

}  // namespace csv2ddb::local::dynamodb
