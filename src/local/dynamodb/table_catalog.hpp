// The tables of the local DynamoDB and their counters (ItemCount, TableSizeBytes), kept in
// memory and in SQLite: the `tables` rows (each table's definition as a small JSON document)
// and the `table_stats` rows, which change in the same transaction as the items they count.
// Thread-safe; its SQL runs on the connection it is given, under the store's writer lock.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/result.hpp"
#include "local/dynamodb/sqlite_db.hpp"
#include "local/dynamodb/table_types.hpp"

namespace csv2ddb::local::dynamodb {

class TableCatalog {
 public:
  // Reads the tables and their counters; a table without counters (a data folder from before
  // them) is counted once here.
  Status load(SqliteConnection& db);

  std::optional<TableInfo> find(std::string_view name) const;
  bool contains_id(std::int64_t id) const;
  std::vector<std::string> names() const;  // sorted bytewise
  TableStats stats(std::int64_t table) const;

  // Adds the table's rows (its id assigned) and its counters. ResourceInUseException when the
  // name is taken.
  Result<TableInfo> create(SqliteConnection& db, TableInfo info);
  // Drops the table's rows in one transaction; returns it as it was with its counters.
  // ResourceNotFoundException when absent. Its items are the caller's to remove.
  Result<std::pair<TableInfo, TableStats>> remove(SqliteConnection& db, std::string_view name);
  // Stores `info` as the table of its id's new description (UpdateTable): its name, id and
  // key stay.
  Status replace(SqliteConnection& db, const TableInfo& info);

  // Counter changes of a transaction: written with it (persist), counted in memory once it
  // committed (apply).
  static Status persist(SqliteConnection& db, const StatsDeltas& deltas);
  void apply(const StatsDeltas& deltas);

 private:
  Status load_tables(SqliteConnection& db);
  Status load_stats(SqliteConnection& db);

  mutable std::mutex mutex_;
  std::vector<TableInfo> tables_;
  std::unordered_map<std::int64_t, TableStats> stats_;  // by table id
};

Error table_not_found(std::string_view name);

}  // namespace csv2ddb::local::dynamodb
