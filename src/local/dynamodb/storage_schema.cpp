#include "local/dynamodb/storage_schema.hpp"

namespace csv2ddb::local::dynamodb {
namespace {

// Items are rows of a rowid table, found by a unique index on their key. A WITHOUT ROWID table
// keyed by (tbl, hk, rk), as it was at first, keeps whole rows in its interior pages too: with
// items of a few hundred bytes a page held a dozen, the tree was deep and every commit wrote
// several levels of it (SQLite advises WITHOUT ROWID for rows under a twentieth of a page). Now
// the item rows go in rowid order, mostly appended, and the index holds only the short keys.
constexpr const char* kSchema =
    "CREATE TABLE IF NOT EXISTS tables("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE NOT NULL, info TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS items("
    "  tbl INTEGER NOT NULL, hk BLOB NOT NULL, rk BLOB NOT NULL, size INTEGER NOT NULL,"
    "  item BLOB NOT NULL);"
    "CREATE UNIQUE INDEX IF NOT EXISTS items_key ON items(tbl, hk, rk);"
    "CREATE TABLE IF NOT EXISTS table_stats("
    "  tbl INTEGER PRIMARY KEY, items INTEGER NOT NULL, bytes INTEGER NOT NULL);";

// A data folder written before the items table had rowids: its items move to the new table in
// one transaction (in key order, so their rowids follow it), once.
constexpr const char* kMigrateWithoutRowid =
    "BEGIN IMMEDIATE;"
    "ALTER TABLE items RENAME TO items_without_rowid;"
    "CREATE TABLE items("
    "  tbl INTEGER NOT NULL, hk BLOB NOT NULL, rk BLOB NOT NULL, size INTEGER NOT NULL,"
    "  item BLOB NOT NULL);"
    "INSERT INTO items(tbl, hk, rk, size, item)"
    "  SELECT tbl, hk, rk, size, item FROM items_without_rowid ORDER BY tbl, hk, rk;"
    "DROP TABLE items_without_rowid;"
    "CREATE UNIQUE INDEX items_key ON items(tbl, hk, rk);"
    "COMMIT;";

Status migrate_items_table(SqliteConnection& db) {
  auto statement =
      db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'items'");
  if (!statement) return statement.take_error();
  auto row = statement->step();
  if (!row) return row.take_error();
  const bool old_layout =
      *row && statement->column_blob(0).find("WITHOUT ROWID") != std::string_view::npos;
  statement->reset();
  if (!old_layout) return {};
  if (Status s = db.exec(kMigrateWithoutRowid); !s) {
    (void)db.exec("ROLLBACK");
    return s;
  }
  return {};
}

}  // namespace

Status prepare_schema(SqliteConnection& db) {
  if (Status migrated = migrate_items_table(db); !migrated) return migrated;
  return db.exec(kSchema);
}

}  // namespace csv2ddb::local::dynamodb
