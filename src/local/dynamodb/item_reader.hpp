// Reads items on pooled reader connections of their own: WAL lets any number of readers read
// while one connection writes. Thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.hpp"
#include "local/dynamodb/sqlite_db.hpp"
#include "local/dynamodb/table_types.hpp"

namespace csv2ddb::local::dynamodb {

class ItemReader {
 public:
  explicit ItemReader(std::string path) : path_(std::move(path)) {}

  Result<std::optional<StoredItem>> get(std::int64_t table, std::string_view hash,
                                        std::string_view range);
  // Items in key order after (hash, range) when given, until `limit` items or `max_bytes` of
  // item sizes (the item that crosses it included), as DynamoDB pages. With a segment, only
  // the items whose hash key falls in it (segment_of).
  Result<std::vector<StoredItem>> scan(
      std::int64_t table, const std::optional<std::pair<std::string, std::string>>& after,
      std::size_t limit, std::size_t max_bytes,
      const std::optional<ScanSegment>& segment = std::nullopt);
  // One partition's items within `bounds`, ascending or descending by range key, strictly
  // after `after_range` in that direction when given.
  Result<std::vector<StoredItem>> query(std::int64_t table, std::string_view hash,
                                        const RangeBounds& bounds, bool forward,
                                        const std::optional<std::string>& after_range,
                                        std::size_t limit, std::size_t max_bytes);

 private:
  class Lease;
  Result<std::unique_ptr<SqliteConnection>> take();
  void give_back(std::unique_ptr<SqliteConnection> connection);

  std::string path_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<SqliteConnection>> idle_;
};

}  // namespace csv2ddb::local::dynamodb
