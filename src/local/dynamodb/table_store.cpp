#include "local/dynamodb/table_store.hpp"

#include <filesystem>

#include "local/dynamodb/storage_schema.hpp"

namespace csv2ddb::local::dynamodb {
namespace {

// Rows removed per transaction when a table is deleted: small enough that a writer waiting
// behind one (on the reactor thread, see dynamodb_service.cpp) waits milliseconds.
constexpr std::int64_t kDeleteChunkRows = 2000;

}  // namespace

Result<std::unique_ptr<TableStore>> TableStore::open(const std::string& directory) {
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec) {
    return make_error("StorageOpenFailed", "cannot create " + directory + ": " + ec.message());
  }
  const std::string path = directory + "/dynamodb.sqlite3";
  std::unique_ptr<TableStore> store(new TableStore(path));
  auto writer = SqliteConnection::open(path);
  if (!writer) return writer.take_error();
  store->writer_ = std::move(*writer);
  if (Status s = prepare_schema(*store->writer_); !s) return s.take_error();
  if (Status s = store->catalog_.load(*store->writer_); !s) return s.take_error();
  auto checkpointer = WalCheckpointer::start(path, *store->writer_);
  if (!checkpointer) return checkpointer.take_error();
  store->checkpointer_ = std::move(*checkpointer);
  store->commits_ =
      std::make_unique<ItemCommits>(*store->writer_, store->catalog_, *store->checkpointer_);
  if (Status s = store->purge_orphaned_items(); !s) return s.take_error();
  return store;
}

// The checkpointer's thread stops before the writer connection it hooks into closes.
TableStore::~TableStore() {
  commits_.reset();
  checkpointer_.reset();
}

Result<TableInfo> TableStore::create_table(TableInfo info) {
  return commits_->exclusively(
      [&](SqliteConnection& db, ItemWriter&) { return catalog_.create(db, std::move(info)); });
}

Status TableStore::update_table(const TableInfo& info) {
  return commits_->exclusively(
      [&](SqliteConnection& db, ItemWriter&) { return catalog_.replace(db, info); });
}

Result<std::pair<TableInfo, TableStats>> TableStore::delete_table(std::string_view name) {
  Result<std::pair<TableInfo, TableStats>> deleted = commits_->exclusively(
      [&](SqliteConnection& db, ItemWriter&) { return catalog_.remove(db, name); });
  if (!deleted) return deleted;
  if (Status removed = delete_items(deleted->first.id); !removed) return removed.take_error();
  return deleted;
}

Status TableStore::delete_items(std::int64_t table) {
  for (;;) {
    Result<bool> more = commits_->exclusively([&](SqliteConnection&, ItemWriter& items) {
      return items.delete_some(table, kDeleteChunkRows);
    });
    if (!more) return more.take_error();
    if (!*more) return {};
  }
}

// They are invisible (table ids are never reused); removed here before the server serves.
Status TableStore::purge_orphaned_items() {
  std::vector<std::int64_t> orphans;
  std::int64_t after = -1;
  for (;;) {
    // One index seek per table id, however many items there are.
    auto next = writer_->prepare("SELECT tbl FROM items WHERE tbl > ? ORDER BY tbl LIMIT 1");
    if (!next) return next.take_error();
    next->bind(1, after);
    auto row = next->step();
    if (!row) return row.take_error();
    if (!*row) break;
    after = next->column_int(0);
    if (!catalog_.contains_id(after)) orphans.push_back(after);
  }
  for (std::int64_t id : orphans) {
    if (Status removed = delete_items(id); !removed) return removed;
  }
  return {};
}

}  // namespace csv2ddb::local::dynamodb
