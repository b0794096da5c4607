#include "local/dynamodb/sqlite_db.hpp"

#include <sqlite3.h>

namespace csv2ddb::local::dynamodb {

SqliteStatement::~SqliteStatement() {
  if (stmt_ != nullptr) reset();
}

SqliteStatement& SqliteStatement::operator=(SqliteStatement&& other) noexcept {
  if (this != &other) {
    if (stmt_ != nullptr) reset();
    stmt_ = other.stmt_;
    other.stmt_ = nullptr;
  }
  return *this;
}

SqliteStatement& SqliteStatement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  return *this;
}

SqliteStatement& SqliteStatement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

SqliteStatement& SqliteStatement::bind_blob(int index, std::string_view bytes) {
  // A zero-length blob must still be a blob (not NULL) to compare equal to X''.
  sqlite3_bind_blob64(stmt_, index, bytes.empty() ? "" : bytes.data(), bytes.size(), SQLITE_STATIC);
  return *this;
}

SqliteStatement& SqliteStatement::bind_text(int index, std::string_view text) {
  sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
  return *this;
}

Result<bool> SqliteStatement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return make_error("InternalServerError",
                    std::string("storage error: ") + sqlite3_errmsg(sqlite3_db_handle(stmt_)));
}

Status SqliteStatement::run() {
  for (;;) {
    auto row = step();
    if (!row) return row.take_error();
    if (!*row) return {};
  }
}

std::int64_t SqliteStatement::column_int(int index) const {
  return sqlite3_column_int64(stmt_, index);
}

std::string_view SqliteStatement::column_blob(int index) const {
  const void* data = sqlite3_column_blob(stmt_, index);
  const int size = sqlite3_column_bytes(stmt_, index);
  if (data == nullptr) return {};
  return {static_cast<const char*>(data), static_cast<std::size_t>(size)};
}

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::open(const std::string& path) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return make_error("StorageOpenFailed", "cannot open " + path + ": " + message);
  }
  std::unique_ptr<SqliteConnection> connection(new SqliteConnection(db));
  sqlite3_busy_timeout(db, 10000);
  // WAL + synchronous=NORMAL: a commit is in the WAL file (the OS has it) before we answer,
  // so a killed process loses nothing acknowledged; only a power loss could drop the last
  // commits, which is the trade every local emulator makes for speed.
  if (Status s = connection->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                                  "PRAGMA cache_size=-8192; PRAGMA temp_store=MEMORY;");
      !s) {
    return s.take_error();
  }
  return connection;
}

SqliteConnection::~SqliteConnection() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

Error SqliteConnection::error(std::string_view what) const {
  return make_error("InternalServerError", std::string("storage error (") + std::string(what) +
                                               "): " + sqlite3_errmsg(db_));
}

Status SqliteConnection::exec(const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : "unknown error";
    sqlite3_free(message);
    return make_error("InternalServerError", "storage error: " + text);
  }
  return {};
}

void SqliteConnection::on_wal_commit(std::function<void(int wal_pages)> hook) {
  wal_hook_ = std::move(hook);
  sqlite3_wal_hook(
      db_,
      [](void* self, sqlite3*, const char*, int pages) {
        static_cast<SqliteConnection*>(self)->wal_hook_(pages);
        return SQLITE_OK;
      },
      this);
}

std::int64_t SqliteConnection::changes() const {
  return sqlite3_changes64(db_);
}

std::int64_t SqliteConnection::last_insert_rowid() const {
  return sqlite3_last_insert_rowid(db_);
}

Result<SqliteStatement> SqliteConnection::prepare(std::string_view sql) {
  auto found = statements_.find(sql);
  if (found != statements_.end()) {
    SqliteStatement statement(found->second);
    statement.reset();
    return statement;
  }
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                         &stmt, nullptr) != SQLITE_OK) {
    return error("prepare");
  }
  statements_.emplace(sql, stmt);
  return SqliteStatement(stmt);
}

}  // namespace csv2ddb::local::dynamodb
