#include "local/dynamodb/item_reader.hpp"

#include <algorithm>
#include <climits>

namespace csv2ddb::local::dynamodb {
namespace {

// Collects rows of (hk, rk, size, item) into stored items.
// Rows of another segment are skipped.
Result<std::vector<StoredItem>> collect(SqliteStatement& statement, std::size_t limit,
                                        std::size_t max_bytes,
                                        const std::optional<ScanSegment>& segment = std::nullopt) {
  std::vector<StoredItem> items;
  std::size_t bytes = 0;
  while (items.size() < limit && bytes < max_bytes) {
    auto row = statement.step();
    if (!row) return row.take_error();
    if (!*row) break;
    if (segment && !segment->holds(statement.column_blob(0))) continue;
    StoredItem item;
    item.hash = std::string(statement.column_blob(0));
    item.range = std::string(statement.column_blob(1));
    item.size = static_cast<std::uint32_t>(statement.column_int(2));
    item.json = std::string(statement.column_blob(3));
    bytes += item.size;
    items.push_back(std::move(item));
  }
  statement.reset();
  return items;
}

}  // namespace

bool ScanSegment::holds(std::string_view hash_key) const {
  std::uint64_t hash = 14695981039346656037ULL;
  for (const char c : hash_key) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return hash % total == index;
}

// Borrows a reader connection for one call and gives it back however the call ends.
class ItemReader::Lease {
 public:
  explicit Lease(ItemReader& reader) : reader_(reader) {
    auto taken = reader.take();
    if (taken) {
      connection_ = std::move(*taken);
    } else {
      error_ = taken.take_error();
    }
  }
  ~Lease() {
    if (connection_) reader_.give_back(std::move(connection_));
  }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  SqliteConnection* get() { return connection_.get(); }
  const Error& error() const { return error_; }

 private:
  ItemReader& reader_;
  std::unique_ptr<SqliteConnection> connection_;
  Error error_;
};

Result<std::unique_ptr<SqliteConnection>> ItemReader::take() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!idle_.empty()) {
      auto connection = std::move(idle_.back());
      idle_.pop_back();
      return connection;
    }
  }
  return SqliteConnection::open(path_);
}

void ItemReader::give_back(std::unique_ptr<SqliteConnection> connection) {
  std::lock_guard<std::mutex> lock(mutex_);
  idle_.push_back(std::move(connection));
}

Result<std::optional<StoredItem>> ItemReader::get(std::int64_t table, std::string_view hash,
                                                  std::string_view range) {
  Lease reader(*this);
  if (reader.get() == nullptr) return reader.error();
  auto statement = reader.get()->prepare(
      "SELECT hk, rk, size, item FROM items WHERE tbl = ? AND hk = ? AND rk = ?");
  if (!statement) return statement.take_error();
  statement->bind(1, table).bind_blob(2, hash).bind_blob(3, range);
  auto items = collect(*statement, 1, SIZE_MAX);
  if (!items) return items.take_error();
  if (items->empty()) return std::optional<StoredItem>();
  return std::optional<StoredItem>(std::move(items->front()));
}

Result<std::vector<StoredItem>> ItemReader::scan(
    std::int64_t table, const std::optional<std::pair<std::string, std::string>>& after,
    std::size_t limit, std::size_t max_bytes, const std::optional<ScanSegment>& segment) {
  Lease reader(*this);
  if (reader.get() == nullptr) return reader.error();
  auto statement = reader.get()->prepare(
      after ? "SELECT hk, rk, size, item FROM items WHERE tbl = ? AND (hk, rk) > (?, ?) "
              "ORDER BY hk, rk LIMIT ?"
            : "SELECT hk, rk, size, item FROM items WHERE tbl = ? ORDER BY hk, rk LIMIT ?");
  if (!statement) return statement.take_error();
  statement->bind(1, table);
  // A segment's rows are picked out as they come: SQL's LIMIT would count the others.
  const auto sql_limit =
      segment ? -1 : static_cast<std::int64_t>(std::min<std::size_t>(limit, INT64_MAX));
  if (after) {
    statement->bind_blob(2, after->first).bind_blob(3, after->second).bind(4, sql_limit);
  } else {
    statement->bind(2, sql_limit);
  }
  return collect(*statement, limit, max_bytes, segment);
}

Result<std::vector<StoredItem>> ItemReader::query(std::int64_t table, std::string_view hash,
                                                  const RangeBounds& bounds, bool forward,
                                                  const std::optional<std::string>& after_range,
                                                  std::size_t limit, std::size_t max_bytes) {
  Lease reader(*this);
  if (reader.get() == nullptr) return reader.error();
  std::string sql = "SELECT hk, rk, size, item FROM items WHERE tbl = ? AND hk = ?";
  if (bounds.lower) sql += bounds.lower_inclusive ? " AND rk >= ?" : " AND rk > ?";
  if (bounds.upper) sql += bounds.upper_inclusive ? " AND rk <= ?" : " AND rk < ?";
  if (after_range) sql += forward ? " AND rk > ?" : " AND rk < ?";
  sql += forward ? " ORDER BY rk ASC LIMIT ?" : " ORDER BY rk DESC LIMIT ?";
  auto statement = reader.get()->prepare(sql);
  if (!statement) return statement.take_error();
  int index = 1;
  statement->bind(index++, table);
  statement->bind_blob(index++, hash);
  if (bounds.lower) statement->bind_blob(index++, *bounds.lower);
  if (bounds.upper) statement->bind_blob(index++, *bounds.upper);
  if (after_range) statement->bind_blob(index++, *after_range);
  statement->bind(index, static_cast<std::int64_t>(std::min<std::size_t>(limit, INT64_MAX)));
  return collect(*statement, limit, max_bytes);
}

}  // namespace csv2ddb::local::dynamodb
