// The TableDescription of CreateTable, DescribeTable, UpdateTable and DeleteTable.
#pragma once

#include <string>
#include <string_view>

#include "local/dynamodb/operations.hpp"

namespace csv2ddb::local::dynamodb {

// "KeySchema":[{"AttributeName":...,"KeyType":"HASH"},...]: a table's or an index's.
void append_key_schema(std::string& out, const model::KeySchema& key);

// DeleteTable's description leaves out the schema and the creation time (`with_schema`
// false), as DynamoDB's does.
std::string table_description(const TableInfo& table, std::string_view status,
                              const TableStats& stats, const OperationContext& context,
                              bool with_schema = true);

}  // namespace csv2ddb::local::dynamodb
