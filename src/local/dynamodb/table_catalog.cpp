#include "local/dynamodb/table_catalog.hpp"

#include <algorithm>
#include <charconv>

#include "model/json.hpp"

namespace csv2ddb::local::dynamodb {
namespace {

// The catalog row: the table's definition as a small JSON document.
void append_key(std::string& out, const model::KeySchema& key) {
  out += "\"hash\":";
  model::append_json_string(out, key.hash.name);
  out += ",\"hash_type\":";
  model::append_json_string(out, model::type_name(key.hash.type));
  if (key.range) {
    out += ",\"range\":";
    model::append_json_string(out, key.range->name);
    out += ",\"range_type\":";
    model::append_json_string(out, model::type_name(key.range->type));
  }
}

void append_index(std::string& out, const IndexInfo& index) {
  out += "{\"name\":";
  model::append_json_string(out, index.name);
  out += index.global ? ",\"global\":true," : ",\"global\":false,";
  append_key(out, index.key);
  out += ",\"projection\":";
  model::append_json_string(out, index.projection);
  out += ",\"include\":[";
  for (std::size_t i = 0; i < index.non_key_attributes.size(); ++i) {
    if (i != 0) out += ',';
    model::append_json_string(out, index.non_key_attributes[i]);
  }
  out += "],\"rcu\":" + std::to_string(index.read_capacity);
  out += ",\"wcu\":" + std::to_string(index.write_capacity) + "}";
}

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
  if (!info.indexes.empty()) {
    out += ",\"indexes\":[";
    for (std::size_t i = 0; i < info.indexes.size(); ++i) {
      if (i != 0) out += ',';
      append_index(out, info.indexes[i]);
    }
    out += ']';
  }
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

model::KeySchema key_of(const model::JsonValue& doc) {
  model::KeySchema key;
  key.hash = {as_text(doc.find("hash")), as_type(doc.find("hash_type"))};
  if (doc.find("range") != nullptr) {
    key.range = model::KeyAttribute{as_text(doc.find("range")), as_type(doc.find("range_type"))};
  }
  return key;
}

IndexInfo index_of(const model::JsonValue& entry) {
  IndexInfo index;
  index.name = as_text(entry.find("name"));
  const model::JsonValue* global = entry.find("global");
  index.global = global == nullptr || !global->is_bool() || global->as_bool();
  index.key = key_of(entry);
  index.projection = as_text(entry.find("projection"));
  if (const auto* include = entry.find("include"); include && include->is_array()) {
    for (const model::JsonValue& name : include->as_array()) {
      index.non_key_attributes.push_back(name.as_string());
    }
  }
  index.read_capacity = as_int(entry.find("rcu"));
  index.write_capacity = as_int(entry.find("wcu"));
  return index;
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
  if (const auto* indexes = doc.find("indexes"); indexes && indexes->is_array()) {
    for (const model::JsonValue& entry : indexes->as_array())
      info.indexes.push_back(index_of(entry));
  }
  return info;
}

Result<TableStats> count_items(SqliteConnection& db, std::int64_t table) {
  auto count = db.prepare("SELECT count(*), coalesce(sum(size), 0) FROM items WHERE tbl = ?");
  if (!count) return count.take_error();
  count->bind(1, table);
  auto row = count->step();
  if (!row) return row.take_error();
  return TableStats{static_cast<std::uint64_t>(count->column_int(0)),
                    static_cast<std::uint64_t>(count->column_int(1))};
}

}  // namespace

Error table_not_found(std::string_view name) {
  return make_error("ResourceNotFoundException",
                    "Requested resource not found: Table: " + std::string(name) + " not found");
}

Status TableCatalog::load(SqliteConnection& db) {
  if (Status loaded = load_tables(db); !loaded) return loaded;
  return load_stats(db);
}

Status TableCatalog::load_tables(SqliteConnection& db) {
  auto statement = db.prepare("SELECT id, info FROM tables ORDER BY name");
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
  std::lock_guard<std::mutex> lock(mutex_);
  tables_ = std::move(loaded);
  return {};
}

Status TableCatalog::load_stats(SqliteConnection& db) {
  std::unordered_map<std::int64_t, TableStats> loaded;
  {
    auto statement = db.prepare("SELECT tbl, items, bytes FROM table_stats");
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
    std::lock_guard<std::mutex> lock(mutex_);
    for (const TableInfo& table : tables_) ids.push_back(table.id);
  }
  for (std::int64_t id : ids) {
    if (loaded.contains(id)) continue;
    Result<TableStats> counted = count_items(db, id);
    if (!counted) return counted.take_error();
    auto insert = db.prepare("INSERT INTO table_stats(tbl, items, bytes) VALUES (?, ?, ?)");
    if (!insert) return insert.take_error();
    insert->bind(1, id)
        .bind(2, static_cast<std::int64_t>(counted->item_count))
        .bind(3, static_cast<std::int64_t>(counted->size_bytes));
    if (Status s = insert->run(); !s) return s;
    loaded[id] = *counted;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  stats_ = std::move(loaded);
  return {};
}

std::optional<TableInfo> TableCatalog::find(std::string_view name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const TableInfo& table : tables_) {
    if (table.name == name) return table;
  }
  return std::nullopt;
}

bool TableCatalog::contains_id(std::int64_t id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return std::any_of(tables_.begin(), tables_.end(),
                     [&](const TableInfo& table) { return table.id == id; });
}

std::vector<std::string> TableCatalog::names() const {
  std::vector<std::string> names;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const TableInfo& table : tables_) names.push_back(table.name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

TableStats TableCatalog::stats(std::int64_t table) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto found = stats_.find(table);
  return found == stats_.end() ? TableStats{} : found->second;
}

Result<TableInfo> TableCatalog::create(SqliteConnection& db, TableInfo info) {
  if (find(info.name)) {
    return make_error("ResourceInUseException", "Table already exists: " + info.name);
  }
  auto insert = db.prepare("INSERT INTO tables(name, info) VALUES (?, ?)");
  if (!insert) return insert.take_error();
  const std::string encoded = encode_info(info);
  insert->bind_text(1, info.name).bind_text(2, encoded);
  if (Status s = insert->run(); !s) return s.take_error();
  auto id = db.prepare("SELECT id FROM tables WHERE name = ?");
  if (!id) return id.take_error();
  id->bind_text(1, info.name);
  auto row = id->step();
  if (!row) return row.take_error();
  info.id = id->column_int(0);
  id->reset();
  auto stats = db.prepare("INSERT OR REPLACE INTO table_stats(tbl, items, bytes) VALUES (?, 0, 0)");
  if (!stats) return stats.take_error();
  if (Status s = stats->bind(1, info.id).run(); !s) return s.take_error();
  std::lock_guard<std::mutex> lock(mutex_);
  tables_.push_back(info);
  stats_[info.id] = TableStats{};
  return info;
}

Status TableCatalog::replace(SqliteConnection& db, const TableInfo& info) {
  auto update = db.prepare("UPDATE tables SET info = ? WHERE id = ?");
  if (!update) return update.take_error();
  const std::string encoded = encode_info(info);
  if (Status s = update->bind_text(1, encoded).bind(2, info.id).run(); !s) return s;
  std::lock_guard<std::mutex> lock(mutex_);
  for (TableInfo& table : tables_) {
    if (table.id == info.id) table = info;
  }
  return {};
}

Result<std::pair<TableInfo, TableStats>> TableCatalog::remove(SqliteConnection& db,
                                                              std::string_view name) {
  auto table = find(name);
  if (!table) return table_not_found(name);
  if (Status s = db.exec("BEGIN IMMEDIATE"); !s) return s.take_error();
  Status done;
  for (const char* sql :
       {"DELETE FROM tables WHERE id = ?", "DELETE FROM table_stats WHERE tbl = ?"}) {
    auto statement = db.prepare(sql);
    done = !statement ? Status(statement.take_error()) : statement->bind(1, table->id).run();
    if (!done) break;
  }
  if (done) done = db.exec("COMMIT");
  if (!done) {
    (void)db.exec("ROLLBACK");
    return done.take_error();
  }
  std::lock_guard<std::mutex> lock(mutex_);
  std::pair<TableInfo, TableStats> removed{*table, stats_[table->id]};
  stats_.erase(table->id);
  std::erase_if(tables_, [&](const TableInfo& t) { return t.id == table->id; });
  return removed;
}

Status TableCatalog::persist(SqliteConnection& db, const StatsDeltas& deltas) {
  for (const auto& [table, delta] : deltas) {
    if (delta.items == 0 && delta.bytes == 0) continue;
    auto update =
        db.prepare("UPDATE table_stats SET items = items + ?, bytes = bytes + ? WHERE tbl = ?");
    if (!update) return update.take_error();
    update->bind(1, delta.items).bind(2, delta.bytes).bind(3, table);
    if (Status s = update->run(); !s) return s;
  }
  return {};
}

void TableCatalog::apply(const StatsDeltas& deltas) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [table, delta] : deltas) {
    const auto found = stats_.find(table);
    if (found == stats_.end()) continue;  // deleted meanwhile: nothing to count
    found->second.item_count = static_cast<std::uint64_t>(
        static_cast<std::int64_t>(found->second.item_count) + delta.items);
    found->second.size_bytes = static_cast<std::uint64_t>(
        static_cast<std::int64_t>(found->second.size_bytes) + delta.bytes);
  }
}

}  // namespace csv2ddb::local::dynamodb
