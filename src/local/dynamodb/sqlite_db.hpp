// A thin RAII layer over SQLite: one connection with its prepared statements cached by SQL
// text, and a statement handle that binds and steps and resets when it goes out of scope. Errors
// become Error{"InternalServerError"} with SQLite's message (the DynamoDB service answers them as
// HTTP 500).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace csv2ddb::local::dynamodb {

// A use of a cached prepared statement. It resets the statement when it goes out of scope, so
// a query that stopped after its first row (or on an error) does not keep its read
// transaction open: an open reader pins the WAL, which then grows without bound because no
// checkpoint can get past it. Move-only: one owner per use.
class SqliteStatement {
 public:
  explicit SqliteStatement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~SqliteStatement();
  SqliteStatement(SqliteStatement&& other) noexcept : stmt_(other.stmt_) { other.stmt_ = nullptr; }
  SqliteStatement& operator=(SqliteStatement&& other) noexcept;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  // Resets and clears bindings; call before binding a new set.
  SqliteStatement& reset();
  SqliteStatement& bind(int index, std::int64_t value);
  SqliteStatement& bind_blob(int index, std::string_view bytes);
  SqliteStatement& bind_text(int index, std::string_view text);
  // True when a row is ready, false when done; an error when SQLite failed.
  Result<bool> step();
  Status run();  // step to completion

  std::int64_t column_int(int index) const;
  std::string_view column_blob(int index) const;  // valid until the next step/reset

 private:
  sqlite3_stmt* stmt_;
};

class SqliteConnection {
 public:
  // Opens (creating) the database file in WAL mode with synchronous=NORMAL.
  static Result<std::unique_ptr<SqliteConnection>> open(const std::string& path);
  ~SqliteConnection();
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  Status exec(const char* sql);
  // Called after every commit with the number of pages now in the WAL (sqlite3_wal_hook); the
  // hook runs on the committing thread and must be quick. One hook per connection.
  void on_wal_commit(std::function<void(int wal_pages)> hook);
  // Rows changed by the last INSERT, UPDATE or DELETE on this connection.
  std::int64_t changes() const;
  // The rowid of the last row inserted on this connection (0 when none yet).
  std::int64_t last_insert_rowid() const;
  // A cached prepared statement, reset and ready to bind.
  Result<SqliteStatement> prepare(std::string_view sql);
  Error error(std::string_view what) const;

 private:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  // Looked up by the caller's text as it is (most are literals): no string is built per call.
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
      return std::hash<std::string_view>()(text);
    }
  };
  std::unordered_map<std::string, sqlite3_stmt*, TextHash, std::equal_to<>> statements_;
  std::function<void(int)> wal_hook_;
};

}  // namespace csv2ddb::local::dynamodb
