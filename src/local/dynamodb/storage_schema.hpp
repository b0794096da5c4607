// The SQLite schema of the local DynamoDB, and bringing an older data folder up to it.
#pragma once

#include "common/result.hpp"
#include "local/dynamodb/sqlite_db.hpp"

namespace csv2ddb::local::dynamodb {

// Migrates an older layout, then creates what is missing.
Status prepare_schema(SqliteConnection& db);

}  // namespace csv2ddb::local::dynamodb
