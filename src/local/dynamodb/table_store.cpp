#include "local/dynamodb/table_store.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>

#include "model/json.hpp"

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

// WAL pages that make a background checkpoint due (4 MB, SQLite's own automatic default).
constexpr int kCheckpointPages = 1000;
// WAL pages past which the writer itself finishes a checkpoint (32 MB). The background thread,
// chasing a writer that never pauses, rarely catches up with the very last commit, and only a
// checkpoint that did lets the WAL start over; the writer's own does (it waits for the thread's
// run, then copies the few pages left), so the WAL stays near this size.
constexpr int kWalPagesCap = 8192;

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

// Puts per multi-row INSERT (TableStore::insert_puts): a BatchWriteItem's 25 in one statement.
constexpr std::size_t kRowsPerInsert = 25;

// Rows removed per transaction when a table is deleted: small enough that a writer waiting
// behind one (on the reactor thread, see dynamodb_service.cpp) waits milliseconds.
constexpr std::int64_t kDeleteChunkRows = 2000;

// The catalog row: the table's definition as a small JSON document.
std::string encode_info(const TableInfo& info) {
  std::string out = "{\"name\":";
  model::append_json_string(out, info.name);
  out += ",\"hash\":";
  model::append_json_string(out, info.key.hash.name);
  out += ",\"hash_type\":";
  model::append_json_string(out, model::type_name(info.key.hash.type));
  if (info.key.range) {
    out += ",\"range\":";
    model::append_json_string(out, info.key.range->name);
    out += ",\"range_type\":";
    model::append_json_string(out, model::type_name(info.key.range->type));
  }
  out += ",\"definitions\":[";
  for (std::size_t i = 0; i < info.attribute_definitions.size(); ++i) {
    if (i != 0) out += ',';
    out += '[';
    model::append_json_string(out, info.attribute_definitions[i].name);
    out += ',';
    model::append_json_string(out, model::type_name(info.attribute_definitions[i].type));
    out += ']';
  }
  out += "],\"billing\":";
  model::append_json_string(out, info.billing_mode);
  out += ",\"rcu\":" + std::to_string(info.read_capacity);
  out += ",\"wcu\":" + std::to_string(info.write_capacity);
  out += ",\"created\":" + std::to_string(static_cast<std::int64_t>(info.created * 1000));
  out += ",\"table_id\":";
  model::append_json_string(out, info.table_id);
  out += '}';
  return out;
}

std::int64_t as_int(const model::JsonValue* value) {
  if (value == nullptr) return 0;
  std::int64_t out = 0;
  const std::string& text = value->as_string();
  std::from_chars(text.data(), text.data() + text.size(), out);
  return out;
}

std::string as_text(const model::JsonValue* value) {
  return value == nullptr ? std::string() : value->as_string();
}

model::AttributeType as_type(const model::JsonValue* value) {
  return model::parse_type_name(as_text(value)).value_or(model::AttributeType::kS);
}

Result<TableInfo> decode_info(std::int64_t id, std::string_view text) {
  auto parsed = model::parse_json(text);
  if (!parsed) return make_error("StorageCorrupt", "table catalog: " + parsed.error().message);
  const model::JsonValue& doc = *parsed;
  TableInfo info;
  info.id = id;
  info.name = as_text(doc.find("name"));
  info.key.hash = {as_text(doc.find("hash")), as_type(doc.find("hash_type"))};
  if (doc.find("range") != nullptr) {
    info.key.range =
        model::KeyAttribute{as_text(doc.find("range")), as_type(doc.find("range_type"))};
  }
  if (const auto* definitions = doc.find("definitions"); definitions && definitions->is_array()) {
    for (const model::JsonValue& pair : definitions->as_array()) {
      if (!pair.is_array() || pair.as_array().size() != 2) continue;
      info.attribute_definitions.push_back(
          {pair.as_array()[0].as_string(), as_type(&pair.as_array()[1])});
    }
  }
  info.billing_mode = as_text(doc.find("billing"));
  info.read_capacity = as_int(doc.find("rcu"));
  info.write_capacity = as_int(doc.find("wcu"));
  info.created = static_cast<double>(as_int(doc.find("created"))) / 1000.0;
  info.table_id = as_text(doc.find("table_id"));
  return info;
}

Error not_found(std::string_view name) {
  return make_error("ResourceNotFoundException",
                    "Requested resource not found: Table: " + std::string(name) + " not found");
}

// Collects rows of (hk, rk, size, item) into stored items.
Result<std::vector<StoredItem>> collect(SqliteStatement& statement, std::size_t limit,
                                        std::size_t max_bytes) {
  std::vector<StoredItem> items;
  std::size_t bytes = 0;
  while (items.size() < limit && bytes < max_bytes) {
    auto row = statement.step();
    if (!row) return row.take_error();
    if (!*row) break;
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

Result<std::unique_ptr<TableStore>> TableStore::open(const std::string& directory) {
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec)
    return make_error("StorageOpenFailed", "cannot create " + directory + ": " + ec.message());
  std::unique_ptr<TableStore> store(new TableStore(directory + "/dynamodb.sqlite3"));
  auto writer = SqliteConnection::open(store->path_);
  if (!writer) return writer.take_error();
  store->writer_ = std::move(*writer);
  if (Status s = store->migrate_items_table(); !s) return s.take_error();
  if (Status s = store->writer_->exec(kSchema); !s) return s.take_error();
  if (Status s = store->load_tables(); !s) return s.take_error();
  if (Status s = store->load_stats(); !s) return s.take_error();
  if (Status s = store->purge_orphaned_items(); !s) return s.take_error();
  auto checkpointer = SqliteConnection::open(store->path_);
  if (!checkpointer) return checkpointer.take_error();
  if (Status s = store->writer_->exec("PRAGMA wal_autocheckpoint=0"); !s) return s.take_error();
  TableStore* raw = store.get();
  // Runs in the writer's commit, under writer_mutex_.
  store->writer_->on_wal_commit([raw](int pages) {
    raw->wal_pages_ = pages;
    if (pages < raw->signalled_at_pages_) raw->signalled_at_pages_ = 0;  // the WAL started over
    if (pages - raw->signalled_at_pages_ < kCheckpointPages) return;
    raw->signalled_at_pages_ = pages;
    std::lock_guard<std::mutex> lock(raw->checkpoint_mutex_);
    raw->checkpoint_due_ = true;
    raw->checkpoint_wanted_.notify_one();
  });
  store->checkpointer_ = std::thread([raw, connection = std::move(*checkpointer)]() mutable {
    raw->checkpoint_loop(std::move(connection));
  });
  return store;
}

TableStore::~TableStore() {
  {
    std::lock_guard<std::mutex> lock(checkpoint_mutex_);
    stopping_ = true;
    checkpoint_wanted_.notify_one();
  }
  if (checkpointer_.joinable()) checkpointer_.join();
}

void TableStore::checkpoint_loop(std::unique_ptr<SqliteConnection> connection) {
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(checkpoint_mutex_);
      checkpoint_wanted_.wait(lock, [this] { return checkpoint_due_ || stopping_; });
      if (stopping_) return;
      checkpoint_due_ = false;
    }
    // PASSIVE: copies what it can without waiting for readers or the writer; the WAL starts
    // over from its beginning at the next commit once everything was copied.
    std::lock_guard<std::mutex> running(checkpoint_running_);
    (void)connection->exec("PRAGMA wal_checkpoint(PASSIVE)");
  }
}

Status TableStore::migrate_items_table() {
  auto statement =
      writer_->prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'items'");
  if (!statement) return statement.take_error();
  auto row = statement->step();
  if (!row) return row.take_error();
  const bool old_layout =
      *row && statement->column_blob(0).find("WITHOUT ROWID") != std::string_view::npos;
  statement->reset();
  if (!old_layout) return {};
  if (Status s = writer_->exec(kMigrateWithoutRowid); !s) {
    (void)writer_->exec("ROLLBACK");
    return s;
  }
  return {};
}

// The counters of every table; a table without a row (a data folder from before the counters)
// is counted once here.
Status TableStore::load_stats() {
  std::unordered_map<std::int64_t, TableStats> loaded;
  {
    auto statement = writer_->prepare("SELECT tbl, items, bytes FROM table_stats");
    if (!statement) return statement.take_error();
    for (;;) {
      auto row = statement->step();
      if (!row) return row.take_error();
      if (!*row) break;
      loaded[statement->column_int(0)] = {static_cast<std::uint64_t>(statement->column_int(1)),
                                          static_cast<std::uint64_t>(statement->column_int(2))};
    }
  }
  std::vector<std::int64_t> ids;
  {
    std::lock_guard<std::mutex> lock(tables_mutex_);
    for (const TableInfo& table : tables_) ids.push_back(table.id);
  }
  for (std::int64_t id : ids) {
    if (loaded.contains(id)) continue;
    auto count =
        writer_->prepare("SELECT count(*), coalesce(sum(size), 0) FROM items WHERE tbl = ?");
    if (!count) return count.take_error();
    count->bind(1, id);
    auto row = count->step();
    if (!row) return row.take_error();
    const TableStats counted{static_cast<std::uint64_t>(count->column_int(0)),
                             static_cast<std::uint64_t>(count->column_int(1))};
    auto insert = writer_->prepare("INSERT INTO table_stats(tbl, items, bytes) VALUES (?, ?, ?)");
    if (!insert) return insert.take_error();
    insert->bind(1, id)
        .bind(2, static_cast<std::int64_t>(counted.item_count))
        .bind(3, static_cast<std::int64_t>(counted.size_bytes));
    if (Status s = insert->run(); !s) return s;
    loaded[id] = counted;
  }
  std::lock_guard<std::mutex> lock(tables_mutex_);
  stats_ = std::move(loaded);
  return {};
}

// Items of tables no longer in the catalog: a DeleteTable cut short by a kill. They are
// invisible (table ids are never reused); removed here before the server serves.
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
    std::lock_guard<std::mutex> lock(tables_mutex_);
    if (std::none_of(tables_.begin(), tables_.end(),
                     [&](const TableInfo& t) { return t.id == after; })) {
      orphans.push_back(after);
    }
  }
  for (std::int64_t id : orphans) {
    for (;;) {
      auto more = delete_items_chunk(id);
      if (!more) return more.take_error();
      if (!*more) break;
    }
  }
  return {};
}

Status TableStore::load_tables() {
  auto statement = writer_->prepare("SELECT id, info FROM tables ORDER BY name");
  if (!statement) return statement.take_error();
  std::vector<TableInfo> loaded;
  for (;;) {
    auto row = statement->step();
    if (!row) return row.take_error();
    if (!*row) break;
    auto info = decode_info(statement->column_int(0), statement->column_blob(1));
    if (!info) return info.take_error();
    loaded.push_back(std::move(*info));
  }
  statement->reset();
  std::lock_guard<std::mutex> lock(tables_mutex_);
  tables_ = std::move(loaded);
  return {};
}

Result<TableInfo> TableStore::create_table(TableInfo info) {
  if (in_own_round()) commit_round();
  std::lock_guard<std::mutex> write_lock(writer_mutex_);
  if (find_table(info.name)) {
    return make_error("ResourceInUseException", "Table already exists: " + info.name);
  }
  auto insert = writer_->prepare("INSERT INTO tables(name, info) VALUES (?, ?)");
  if (!insert) return insert.take_error();
  const std::string encoded = encode_info(info);
  insert->bind_text(1, info.name).bind_text(2, encoded);
  if (Status s = insert->run(); !s) return s.take_error();
  auto id = writer_->prepare("SELECT id FROM tables WHERE name = ?");
  if (!id) return id.take_error();
  id->bind_text(1, info.name);
  auto row = id->step();
  if (!row) return row.take_error();
  info.id = id->column_int(0);
  id->reset();
  auto stats =
      writer_->prepare("INSERT OR REPLACE INTO table_stats(tbl, items, bytes) VALUES (?, 0, 0)");
  if (!stats) return stats.take_error();
  if (Status s = stats->bind(1, info.id).run(); !s) return s.take_error();
  std::lock_guard<std::mutex> lock(tables_mutex_);
  tables_.push_back(info);
  stats_[info.id] = TableStats{};
  return info;
}

std::optional<TableInfo> TableStore::find_table(std::string_view name) const {
  std::lock_guard<std::mutex> lock(tables_mutex_);
  for (const TableInfo& table : tables_) {
    if (table.name == name) return table;
  }
  return std::nullopt;
}

std::vector<std::string> TableStore::table_names() const {
  std::vector<std::string> names;
  {
    std::lock_guard<std::mutex> lock(tables_mutex_);
    for (const TableInfo& table : tables_) names.push_back(table.name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

Result<std::pair<TableInfo, TableStats>> TableStore::delete_table(std::string_view name) {
  std::pair<TableInfo, TableStats> deleted;
  if (in_own_round()) commit_round();
  {
    std::lock_guard<std::mutex> write_lock(writer_mutex_);
    auto table = find_table(name);
    if (!table) return not_found(name);
    if (Status s = writer_->exec("BEGIN IMMEDIATE"); !s) return s.take_error();
    Status done;
    for (const char* sql :
         {"DELETE FROM tables WHERE id = ?", "DELETE FROM table_stats WHERE tbl = ?"}) {
      auto statement = writer_->prepare(sql);
      done = !statement ? Status(statement.take_error()) : statement->bind(1, table->id).run();
      if (!done) break;
    }
    if (done) done = writer_->exec("COMMIT");
    if (!done) {
      (void)writer_->exec("ROLLBACK");
      return done.take_error();
    }
    std::lock_guard<std::mutex> lock(tables_mutex_);
    deleted = {*table, stats_[table->id]};
    stats_.erase(table->id);
    std::erase_if(tables_, [&](const TableInfo& t) { return t.id == table->id; });
  }
  // The items, a chunk per transaction, letting other writers in between.
  for (;;) {
    auto more = delete_items_chunk(deleted.first.id);
    if (!more) return more.take_error();
    if (!*more) break;
  }
  return deleted;
}

// Removes up to kDeleteChunkRows items of a table; false when there were none left.
Result<bool> TableStore::delete_items_chunk(std::int64_t table) {
  if (in_own_round()) commit_round();
  std::lock_guard<std::mutex> write_lock(writer_mutex_);
  auto chunk = writer_->prepare(
      "DELETE FROM items WHERE (tbl, hk, rk) IN "
      "(SELECT tbl, hk, rk FROM items WHERE tbl = ? LIMIT ?)");
  if (!chunk) return chunk.take_error();
  chunk->bind(1, table).bind(2, kDeleteChunkRows);
  if (Status s = chunk->run(); !s) return s.take_error();
  return writer_->changes() > 0;
}

TableStats TableStore::stats(std::int64_t table) const {
  std::lock_guard<std::mutex> lock(tables_mutex_);
  const auto found = stats_.find(table);
  return found == stats_.end() ? TableStats{} : found->second;
}

// Group commit: every writer queues its request, then one of them (whoever gets the writer
// lock) commits everything queued in one transaction, so concurrent BatchWriteItems share the
// cost of a commit. Each request is answered only after the transaction holding it committed.
Status TableStore::write(std::int64_t table, std::span<const ItemWrite> writes,
                         WriteResults* results) {
  PendingWrite mine{table, writes, results, false, {}};
  if (in_own_round()) return write_in_round(mine);
  {
    std::lock_guard<std::mutex> lock(queue_mutex_);
    queue_.push_back(&mine);
  }
  std::lock_guard<std::mutex> write_lock(writer_mutex_);
  if (mine.done) return mine.status;  // a previous leader committed it (set under writer_mutex_)
  std::vector<PendingWrite*> group;
  {
    std::lock_guard<std::mutex> lock(queue_mutex_);
    group.swap(queue_);
  }
  Status committed = commit_group(group);
  for (PendingWrite* pending : group) {
    pending->status = committed;
    pending->done = true;
  }
  return mine.status;
}

// One write, and what it replaced. A put of a new key is a single INSERT (the common case of
// an ingest); a put over an item, or one that must return the old item, reads it first.
Status TableStore::apply_one(std::int64_t table, const ItemWrite& w, bool want_old_item,
                             std::uint32_t& old_size, std::optional<std::string>& old_item) {
  old_size = 0;
  old_item.reset();
  if (!w.is_put) {
    auto del = writer_->prepare(
        want_old_item ? "DELETE FROM items WHERE tbl = ? AND hk = ? AND rk = ? RETURNING size, item"
                      : "DELETE FROM items WHERE tbl = ? AND hk = ? AND rk = ? RETURNING size");
    if (!del) return del.take_error();
    del->bind(1, table).bind_blob(2, w.hash).bind_blob(3, w.range);
    auto row = del->step();
    if (!row) return row.take_error();
    if (*row) {
      old_size = static_cast<std::uint32_t>(del->column_int(0));
      if (want_old_item) old_item = std::string(del->column_blob(1));
    }
    return del->run();
  }
  bool exists = false;
  if (want_old_item) {
    auto old = writer_->prepare("SELECT size, item FROM items WHERE tbl = ? AND hk = ? AND rk = ?");
    if (!old) return old.take_error();
    old->bind(1, table).bind_blob(2, w.hash).bind_blob(3, w.range);
    auto row = old->step();
    if (!row) return row.take_error();
    if (*row) {
      exists = true;
      old_size = static_cast<std::uint32_t>(old->column_int(0));
      old_item = std::string(old->column_blob(1));
    }
  } else {
    auto insert = writer_->prepare(
        "INSERT OR IGNORE INTO items(tbl, hk, rk, size, item) VALUES (?, ?, ?, ?, ?)");
    if (!insert) return insert.take_error();
    insert->bind(1, table)
        .bind_blob(2, w.hash)
        .bind_blob(3, w.range)
        .bind(4, w.size)
        .bind_blob(5, w.json);
    if (Status s = insert->run(); !s) return s;
    if (writer_->changes() == 1) return {};  // a new item
    auto old = writer_->prepare("SELECT size FROM items WHERE tbl = ? AND hk = ? AND rk = ?");
    if (!old) return old.take_error();
    old->bind(1, table).bind_blob(2, w.hash).bind_blob(3, w.range);
    auto row = old->step();
    if (!row) return row.take_error();
    exists = *row;
    if (exists) old_size = static_cast<std::uint32_t>(old->column_int(0));
  }
  auto put = writer_->prepare(
      exists ? "UPDATE items SET size = ?4, item = ?5 WHERE tbl = ?1 AND hk = ?2 AND rk = ?3"
             : "INSERT INTO items(tbl, hk, rk, size, item) VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!put) return put.take_error();
  put->bind(1, table)
      .bind_blob(2, w.hash)
      .bind_blob(3, w.range)
      .bind(4, w.size)
      .bind_blob(5, w.json);
  return put->run();
}

Status TableStore::apply(const PendingWrite& pending, StatsDeltas& deltas) {
  WriteResults* results = pending.results;
  const bool want_items = results != nullptr && results->want_old_items;
  if (results != nullptr) {
    results->old_sizes.clear();
    results->old_items.clear();
  }
  auto delta = std::find_if(deltas.begin(), deltas.end(),
                            [&](const auto& entry) { return entry.first == pending.table; });
  if (delta == deltas.end()) {
    deltas.emplace_back(pending.table, StatsDelta{});
    delta = deltas.end() - 1;
  }
  // Puts of distinct keys whose old items nobody wants go many to an INSERT (insert_puts);
  // with every key distinct, the order of the writes does not matter.
  const bool batch_puts = !want_items && pending.writes.size() > 1 && distinct_keys(pending.writes);
  old_sizes_.assign(pending.writes.size(), 0);
  std::vector<std::size_t>& puts = put_indexes_;
  puts.clear();
  for (std::size_t i = 0; i < pending.writes.size(); ++i) {
    const ItemWrite& w = pending.writes[i];
    if (batch_puts && w.is_put) {
      puts.push_back(i);
      if (puts.size() == kRowsPerInsert) {
        if (Status s = insert_puts(pending.table, pending.writes, puts); !s) return s;
        puts.clear();
      }
      continue;
    }
    std::optional<std::string> old_item;
    if (Status s = apply_one(pending.table, w, want_items, old_sizes_[i], old_item); !s) return s;
    if (want_items) results->old_items.push_back(std::move(old_item));
  }
  if (!puts.empty()) {
    if (Status s = insert_puts(pending.table, pending.writes, puts); !s) return s;
  }
  for (std::size_t i = 0; i < pending.writes.size(); ++i) {
    const ItemWrite& w = pending.writes[i];
    const std::uint32_t old_size = old_sizes_[i];
    // An item that existed has a size of at least 1 byte (its key), so 0 means "none".
    delta->second.items += (w.is_put ? 1 : 0) - (old_size > 0 ? 1 : 0);
    delta->second.bytes +=
        static_cast<std::int64_t>(w.is_put ? w.size : 0) - static_cast<std::int64_t>(old_size);
  }
  if (results != nullptr) results->old_sizes = old_sizes_;
  return {};
}

bool TableStore::distinct_keys(std::span<const ItemWrite> writes) {
  std::vector<std::pair<std::string_view, std::string_view>>& keys = key_scratch_;
  keys.clear();
  for (const ItemWrite& w : writes) keys.emplace_back(w.hash, w.range);
  std::sort(keys.begin(), keys.end());
  return std::adjacent_find(keys.begin(), keys.end()) == keys.end();
}

// Up to kRowsPerInsert puts of distinct keys in one INSERT OR IGNORE: the statement's own cost
// (a third of a single-row insert's) is paid once. Keys that were there already are left alone
// by it and then updated one by one, their old sizes read first. Which rows it inserted: SQLite
// gives a new row the largest rowid in the table plus one ("Rowid tables", sqlite.org), so the
// rows this statement inserted are the `inserted` last rowids, and every older row is below.
Status TableStore::insert_puts(std::int64_t table, std::span<const ItemWrite> writes,
                               std::span<const std::size_t> puts) {
  if (insert_sql_.size() < puts.size() + 1) insert_sql_.resize(puts.size() + 1);
  std::string& sql = insert_sql_[puts.size()];
  if (sql.empty()) {
    sql = "INSERT OR IGNORE INTO items(tbl, hk, rk, size, item) VALUES ";
    for (std::size_t i = 0; i < puts.size(); ++i) sql += i == 0 ? "(?,?,?,?,?)" : ",(?,?,?,?,?)";
  }
  auto insert = writer_->prepare(sql);
  if (!insert) return insert.take_error();
  int index = 1;
  for (std::size_t i : puts) {
    const ItemWrite& w = writes[i];
    insert->bind(index, table)
        .bind_blob(index + 1, w.hash)
        .bind_blob(index + 2, w.range)
        .bind(index + 3, w.size)
        .bind_blob(index + 4, w.json);
    index += 5;
  }
  if (Status s = insert->run(); !s) return s;
  const std::int64_t inserted = writer_->changes();
  if (inserted == static_cast<std::int64_t>(puts.size())) return {};  // every key was new
  const std::int64_t first_new =
      inserted > 0 ? writer_->last_insert_rowid() - inserted + 1 : INT64_MAX;
  for (std::size_t i : puts) {
    const ItemWrite& w = writes[i];
    auto old =
        writer_->prepare("SELECT rowid, size FROM items WHERE tbl = ? AND hk = ? AND rk = ?");
    if (!old) return old.take_error();
    old->bind(1, table).bind_blob(2, w.hash).bind_blob(3, w.range);
    auto row = old->step();
    if (!row) return row.take_error();
    if (!*row) return make_error("InternalServerError", "storage error: an inserted item is gone");
    if (old->column_int(0) >= first_new) continue;  // inserted just now
    old_sizes_[i] = static_cast<std::uint32_t>(old->column_int(1));
    old->reset();
    auto update = writer_->prepare(
        "UPDATE items SET size = ?4, item = ?5 WHERE tbl = ?1 AND hk = ?2 AND rk = ?3");
    if (!update) return update.take_error();
    update->bind(1, table)
        .bind_blob(2, w.hash)
        .bind_blob(3, w.range)
        .bind(4, w.size)
        .bind_blob(5, w.json);
    if (Status s = update->run(); !s) return s;
  }
  return {};
}

Status TableStore::persist_stats(const StatsDeltas& deltas) {
  for (const auto& [table, delta] : deltas) {
    if (delta.items == 0 && delta.bytes == 0) continue;
    auto update = writer_->prepare(
        "UPDATE table_stats SET items = items + ?, bytes = bytes + ? WHERE tbl = ?");
    if (!update) return update.take_error();
    update->bind(1, delta.items).bind(2, delta.bytes).bind(3, table);
    if (Status s = update->run(); !s) return s;
  }
  return {};
}

Status TableStore::commit_group(const std::vector<PendingWrite*>& group) {
  if (Status s = writer_->exec("BEGIN IMMEDIATE"); !s) return s;
  StatsDeltas deltas;
  for (const PendingWrite* pending : group) {
    // Only storage failures get here (requests are validated before); the whole group then
    // fails rather than commit part of it.
    if (Status s = apply(*pending, deltas); !s) {
      (void)writer_->exec("ROLLBACK");
      return s;
    }
  }
  return finish_transaction(deltas);
}

Status TableStore::finish_transaction(const StatsDeltas& deltas) {
  if (Status s = persist_stats(deltas); !s) {
    (void)writer_->exec("ROLLBACK");
    return s;
  }
  if (Status s = writer_->exec("COMMIT"); !s) {
    (void)writer_->exec("ROLLBACK");
    return s;
  }
  if (wal_pages_ >= kWalPagesCap) {
    wal_pages_ = 0;
    std::lock_guard<std::mutex> running(checkpoint_running_);
    (void)writer_->exec("PRAGMA wal_checkpoint(PASSIVE)");
  }
  std::lock_guard<std::mutex> lock(tables_mutex_);
  for (const auto& [table, delta] : deltas) {
    const auto found = stats_.find(table);
    if (found == stats_.end()) continue;  // deleted meanwhile: nothing to count
    found->second.item_count = static_cast<std::uint64_t>(
        static_cast<std::int64_t>(found->second.item_count) + delta.items);
    found->second.size_bytes = static_cast<std::uint64_t>(
        static_cast<std::int64_t>(found->second.size_bytes) + delta.bytes);
  }
  return {};
}

void TableStore::begin_round() {
  round_thread_.store(std::this_thread::get_id());
}

Status TableStore::end_round() {
  commit_round();
  round_thread_.store(std::thread::id());
  Status status = std::move(round_status_);
  round_status_ = {};
  return status;
}

// The round's first write takes the writer and opens the transaction; every write of the
// round then only applies its rows.
Status TableStore::write_in_round(const PendingWrite& pending) {
  if (!round_lock_.owns_lock()) {
    round_lock_ = std::unique_lock<std::mutex>(writer_mutex_);
    if (Status s = writer_->exec("BEGIN IMMEDIATE"); !s) {
      round_lock_.unlock();
      if (round_status_) round_status_ = s;
      return s;
    }
  }
  if (Status s = apply(pending, round_deltas_); !s) {
    // Only storage failures get here. The round's earlier writes go with this one, as a group
    // commit's would; end_round() reports the failure for them.
    (void)writer_->exec("ROLLBACK");
    round_deltas_.clear();
    round_lock_.unlock();
    if (round_status_) round_status_ = s;
    return s;
  }
  return {};
}

void TableStore::commit_round() {
  if (!round_lock_.owns_lock()) return;
  Status committed = finish_transaction(round_deltas_);
  round_deltas_.clear();
  round_lock_.unlock();
  if (!committed && round_status_) round_status_ = std::move(committed);
}

Result<std::unique_ptr<SqliteConnection>> TableStore::take_reader() {
  {
    std::lock_guard<std::mutex> lock(readers_mutex_);
    if (!readers_.empty()) {
      auto connection = std::move(readers_.back());
      readers_.pop_back();
      return connection;
    }
  }
  return SqliteConnection::open(path_);
}

void TableStore::return_reader(std::unique_ptr<SqliteConnection> connection) {
  std::lock_guard<std::mutex> lock(readers_mutex_);
  readers_.push_back(std::move(connection));
}

// Borrows a reader connection for one call and gives it back however the call ends.
class TableStore::ReaderLease {
 public:
  explicit ReaderLease(TableStore& store) : store_(store) {
    auto taken = store.take_reader();
    if (taken) {
      connection_ = std::move(*taken);
    } else {
      error_ = taken.take_error();
    }
  }
  ~ReaderLease() {
    if (connection_) store_.return_reader(std::move(connection_));
  }
  ReaderLease(const ReaderLease&) = delete;
  ReaderLease& operator=(const ReaderLease&) = delete;
  SqliteConnection* get() { return connection_.get(); }
  const Error& error() const { return error_; }

 private:
  TableStore& store_;
  std::unique_ptr<SqliteConnection> connection_;
  Error error_;
};

Result<std::optional<StoredItem>> TableStore::get(std::int64_t table, std::string_view hash,
                                                  std::string_view range) {
  ReaderLease reader(*this);
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

Result<std::vector<StoredItem>> TableStore::scan(
    std::int64_t table, const std::optional<std::pair<std::string, std::string>>& after,
    std::size_t limit, std::size_t max_bytes) {
  ReaderLease reader(*this);
  if (reader.get() == nullptr) return reader.error();
  auto statement = reader.get()->prepare(
      after ? "SELECT hk, rk, size, item FROM items WHERE tbl = ? AND (hk, rk) > (?, ?) "
              "ORDER BY hk, rk LIMIT ?"
            : "SELECT hk, rk, size, item FROM items WHERE tbl = ? ORDER BY hk, rk LIMIT ?");
  if (!statement) return statement.take_error();
  statement->bind(1, table);
  const auto sql_limit = static_cast<std::int64_t>(std::min<std::size_t>(limit, INT64_MAX));
  if (after) {
    statement->bind_blob(2, after->first).bind_blob(3, after->second).bind(4, sql_limit);
  } else {
    statement->bind(2, sql_limit);
  }
  return collect(*statement, limit, max_bytes);
}

Result<std::vector<StoredItem>> TableStore::query(std::int64_t table, std::string_view hash,
                                                  const RangeBounds& bounds, bool forward,
                                                  const std::optional<std::string>& after_range,
                                                  std::size_t limit, std::size_t max_bytes) {
  ReaderLease reader(*this);
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
