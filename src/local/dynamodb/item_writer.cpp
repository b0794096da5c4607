#include "local/dynamodb/item_writer.hpp"

#include <algorithm>
#include <climits>

namespace csv2ddb::local::dynamodb {
namespace {

// Puts per multi-row INSERT (insert_puts): a BatchWriteItem's 25 in one statement.
constexpr std::size_t kRowsPerInsert = 25;

}  // namespace

Status ItemWriter::apply(std::int64_t table, std::span<const ItemWrite> writes,
                         WriteResults* results, StatsDeltas& deltas) {
  const bool want_items = results != nullptr && results->want_old_items;
  if (results != nullptr) {
    results->old_sizes.clear();
    results->old_items.clear();
  }
  auto delta = std::find_if(deltas.begin(), deltas.end(),
                            [&](const auto& entry) { return entry.first == table; });
  if (delta == deltas.end()) {
    deltas.emplace_back(table, StatsDelta{});
    delta = deltas.end() - 1;
  }
  // Puts of distinct keys whose old items nobody wants go many to an INSERT (insert_puts);
  // with every key distinct, the order of the writes does not matter.
  const bool batch_puts = !want_items && writes.size() > 1 && distinct_keys(writes);
  old_sizes_.assign(writes.size(), 0);
  std::vector<std::size_t>& puts = put_indexes_;
  puts.clear();
  for (std::size_t i = 0; i < writes.size(); ++i) {
    const ItemWrite& w = writes[i];
    if (batch_puts && w.is_put) {
      puts.push_back(i);
      if (puts.size() == kRowsPerInsert) {
        if (Status s = insert_puts(table, writes, puts); !s) return s;
        puts.clear();
      }
      continue;
    }
    std::optional<std::string> old_item;
    if (Status s = apply_one(table, w, want_items, old_sizes_[i], old_item); !s) return s;
    if (want_items) results->old_items.push_back(std::move(old_item));
  }
  if (!puts.empty()) {
    if (Status s = insert_puts(table, writes, puts); !s) return s;
  }
  for (std::size_t i = 0; i < writes.size(); ++i) {
    const ItemWrite& w = writes[i];
    const std::uint32_t old_size = old_sizes_[i];
    // An item that existed has a size of at least 1 byte (its key), so 0 means "none".
    delta->second.items += (w.is_put ? 1 : 0) - (old_size > 0 ? 1 : 0);
    delta->second.bytes +=
        static_cast<std::int64_t>(w.is_put ? w.size : 0) - static_cast<std::int64_t>(old_size);
  }
  if (results != nullptr) results->old_sizes = old_sizes_;
  return {};
}

// One write, and what it replaced. A put of a new key is a single INSERT (the common case of
// an ingest); a put over an item, or one that must return the old item, reads it first.
Status ItemWriter::apply_one(std::int64_t table, const ItemWrite& w, bool want_old_item,
                             std::uint32_t& old_size, std::optional<std::string>& old_item) {
  old_size = 0;
  old_item.reset();
  if (!w.is_put) {
    auto del = db_.prepare(
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
    auto old = db_.prepare("SELECT size, item FROM items WHERE tbl = ? AND hk = ? AND rk = ?");
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
    auto insert =
        db_.prepare("INSERT OR IGNORE INTO items(tbl, hk, rk, size, item) VALUES (?, ?, ?, ?, ?)");
    if (!insert) return insert.take_error();
    insert->bind(1, table)
        .bind_blob(2, w.hash)
        .bind_blob(3, w.range)
        .bind(4, w.size)
        .bind_blob(5, w.json);
    if (Status s = insert->run(); !s) return s;
    if (db_.changes() == 1) return {};  // a new item
    auto old = db_.prepare("SELECT size FROM items WHERE tbl = ? AND hk = ? AND rk = ?");
    if (!old) return old.take_error();
    old->bind(1, table).bind_blob(2, w.hash).bind_blob(3, w.range);
    auto row = old->step();
    if (!row) return row.take_error();
    exists = *row;
    if (exists) old_size = static_cast<std::uint32_t>(old->column_int(0));
  }
  auto put = db_.prepare(
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

bool ItemWriter::distinct_keys(std::span<const ItemWrite> writes) {
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
Status ItemWriter::insert_puts(std::int64_t table, std::span<const ItemWrite> writes,
                               std::span<const std::size_t> puts) {
  if (insert_sql_.size() < puts.size() + 1) insert_sql_.resize(puts.size() + 1);
  std::string& sql = insert_sql_[puts.size()];
  if (sql.empty()) {
    sql = "INSERT OR IGNORE INTO items(tbl, hk, rk, size, item) VALUES ";
    for (std::size_t i = 0; i < puts.size(); ++i) sql += i == 0 ? "(?,?,?,?,?)" : ",(?,?,?,?,?)";
  }
  auto insert = db_.prepare(sql);
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
  const std::int64_t inserted = db_.changes();
  if (inserted == static_cast<std::int64_t>(puts.size())) return {};  // every key was new
  const std::int64_t first_new = inserted > 0 ? db_.last_insert_rowid() - inserted + 1 : INT64_MAX;
  for (std::size_t i : puts) {
    const ItemWrite& w = writes[i];
    auto old = db_.prepare("SELECT rowid, size FROM items WHERE tbl = ? AND hk = ? AND rk = ?");
    if (!old) return old.take_error();
    old->bind(1, table).bind_blob(2, w.hash).bind_blob(3, w.range);
    auto row = old->step();
    if (!row) return row.take_error();
    if (!*row) return make_error("InternalServerError", "storage error: an inserted item is gone");
    if (old->column_int(0) >= first_new) continue;  // inserted just now
    old_sizes_[i] = static_cast<std::uint32_t>(old->column_int(1));
    old->reset();
    auto update =
        db_.prepare("UPDATE items SET size = ?4, item = ?5 WHERE tbl = ?1 AND hk = ?2 AND rk = ?3");
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

Result<std::optional<StoredItem>> ItemWriter::read(std::int64_t table,
                                                   const KeyedDecision& decided) {
  auto read = db_.prepare("SELECT size, item FROM items WHERE tbl = ? AND hk = ? AND rk = ?");
  if (!read) return read.take_error();
  read->bind(1, table).bind_blob(2, decided.hash).bind_blob(3, decided.range);
  auto row = read->step();
  if (!row) return row.take_error();
  std::optional<StoredItem> current;
  if (*row) {
    current = StoredItem{decided.hash, decided.range, std::string(read->column_blob(1)),
                         static_cast<std::uint32_t>(read->column_int(0))};
  }
  read->reset();
  return current;
}

Status ItemWriter::apply_transaction(std::span<const TableDecision> items, StatsDeltas& deltas,
                                     std::vector<Status>& decisions) {
  decisions.assign(items.size(), Status{});
  std::vector<std::optional<ItemWrite>> writes;
  bool refused = false;
  for (std::size_t i = 0; i < items.size(); ++i) {
    auto current = read(items[i].table, items[i].decided);
    if (!current) return current.take_error();
    Result<std::optional<ItemWrite>> write = items[i].decided.decide(*current);
    if (!write) {
      decisions[i] = write.take_error();
      refused = true;
      writes.emplace_back();
      continue;
    }
    writes.push_back(std::move(*write));
  }
  if (refused) return {};
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!writes[i]) continue;
    if (Status s =
            apply(items[i].table, std::span<const ItemWrite>(&*writes[i], 1), nullptr, deltas);
        !s) {
      return s;
    }
  }
  return {};
}

Status ItemWriter::apply_decided(std::int64_t table, const KeyedDecision& decided,
                                 WriteResults* results, StatsDeltas& deltas, Status& decision) {
  auto current = read(table, decided);
  if (!current) return current.take_error();
  Result<std::optional<ItemWrite>> write = decided.decide(*current);
  if (!write) {
    decision = write.take_error();
    return {};
  }
  if (!*write) return {};
  return apply(table, std::span<const ItemWrite>(&**write, 1), results, deltas);
}

Result<bool> ItemWriter::delete_some(std::int64_t table, std::int64_t rows) {
  auto chunk = db_.prepare(
      "DELETE FROM items WHERE (tbl, hk, rk) IN "
      "(SELECT tbl, hk, rk FROM items WHERE tbl = ? LIMIT ?)");
  if (!chunk) return chunk.take_error();
  chunk->bind(1, table).bind(2, rows);
  if (Status s = chunk->run(); !s) return s.take_error();
  return db_.changes() > 0;
}

}  // namespace csv2ddb::local::dynamodb
