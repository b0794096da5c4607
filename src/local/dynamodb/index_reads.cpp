#include "local/dynamodb/index_reads.hpp"

#include <algorithm>

#include "local/dynamodb/item_keys.hpp"
#include "local/dynamodb/secondary_indexes.hpp"
#include "model/dynamodb_json.hpp"

namespace csv2ddb::local::dynamodb {
namespace {

constexpr std::size_t kScanBatch = 1000;

// An item the index holds, with what orders it in the index.
struct Entry {
  std::string range;  // the index's range key bytes ("" without one)
  StoredItem stored;  // the table's keys; json: what the index keeps
};

bool same_value(const model::AttributeValue& a, const model::AttributeValue& b) {
  return a.type == b.type && a.text == b.text;
}

std::string index_range_bytes(const IndexInfo& index, const model::Item& item) {
  if (!index.key.range) return {};
  const model::AttributeValue* value = item.find(index.key.range->name);
  return value != nullptr ? range_key_bytes(*value) : std::string();
}

Entry entry_of(const IndexRead& read, const StoredItem& stored, const model::Item& item) {
  Entry entry{index_range_bytes(read.index, item), stored};
  entry.stored.json.clear();
  model::append_dynamodb_item(
      entry.stored.json, read.whole_items ? item : index_projection(read.index, read.table, item));
  return entry;
}

// Every item of the table, page by page, in key order, to `visit` (decoded).
template <typename Visit>
Status each_item(OperationContext& context, const TableInfo& table,
                 const std::optional<ScanSegment>& segment, Visit&& visit) {
  std::optional<std::pair<std::string, std::string>> after;
  for (;;) {
    auto page = context.store.scan(table.id, after, kScanBatch, SIZE_MAX, segment);
    if (!page) return page.error();
    for (const StoredItem& stored : *page) {
      auto item = model::decode_encoded_item(stored.json);
      if (!item) return make_error("InternalServerError", "stored item unreadable");
      if (!visit(stored, *item)) return {};
    }
    if (page->size() < kScanBatch) return {};
    after = std::make_pair(page->back().hash, page->back().range);
  }
}

// The position of the start key: (index range bytes, table hash, table range).
std::optional<Entry> start_entry(const IndexRead& read) {
  if (!read.start) return std::nullopt;
  auto key = item_storage_key(*read.start, read.table);
  if (!key) return std::nullopt;
  return Entry{index_range_bytes(read.index, *read.start),
               StoredItem{key->hash, key->range, {}, 0}};
}

bool before(const Entry& a, const Entry& b) {
  return std::tie(a.range, a.stored.hash, a.stored.range) <
         std::tie(b.range, b.stored.hash, b.stored.range);
}

// Up to the limit or 1 MB (of the items as stored), as a base-table page is cut.
std::vector<StoredItem> page_of(std::vector<Entry>& entries, std::size_t limit) {
  std::vector<StoredItem> page;
  std::uint64_t bytes = 0;
  for (Entry& entry : entries) {
    if (page.size() >= limit || bytes >= kMaxPageBytes) break;
    bytes += entry.stored.size;
    page.push_back(std::move(entry.stored));
  }
  return page;
}

}  // namespace

Result<std::vector<StoredItem>> query_index(OperationContext& context, const IndexRead& read,
                                            const ResolvedKeyCondition& condition, bool forward) {
  const RangeBounds bounds = range_bounds(condition.range);
  std::vector<Entry> entries;
  Status walked = each_item(
      context, read.table, std::nullopt, [&](const StoredItem& stored, const model::Item& item) {
        if (!index_holds(read.index, item)) return true;
        const model::AttributeValue* hash = item.find(read.index.key.hash.name);
        if (!same_value(*hash, condition.hash)) return true;
        Entry entry = entry_of(read, stored, item);
        if (read.index.key.range && !within(bounds, entry.range)) {
          return true;
        }
        entries.push_back(std::move(entry));
        return true;
      });
  if (!walked) return walked.error();
  std::sort(entries.begin(), entries.end(), before);
  if (!forward) std::reverse(entries.begin(), entries.end());
  if (const std::optional<Entry> start = start_entry(read)) {
    const auto past = std::find_if(entries.begin(), entries.end(), [&](const Entry& entry) {
      return forward ? before(*start, entry) : before(entry, *start);
    });
    entries.erase(entries.begin(), past);
  }
  return page_of(entries, read.limit);
}

Result<std::vector<StoredItem>> scan_index(OperationContext& context, const IndexRead& read,
                                           const std::optional<ScanSegment>& segment) {
  std::optional<StorageKey> start;
  if (read.start) {
    auto key = item_storage_key(*read.start, read.table);
    if (!key) return key.take_error();
    start = std::move(*key);
  }
  std::vector<Entry> entries;
  std::uint64_t bytes = 0;
  Status walked = each_item(
      context, read.table, segment, [&](const StoredItem& stored, const model::Item& item) {
        if (start && std::tie(stored.hash, stored.range) <= std::tie(start->hash, start->range)) {
          return true;
        }
        if (!index_holds(read.index, item)) return true;
        entries.push_back(entry_of(read, stored, item));
        bytes += stored.size;
        return entries.size() < read.limit && bytes < kMaxPageBytes;
      });
  if (!walked) return walked.error();
  return page_of(entries, read.limit);
}

void append_index_key_json(std::string& out, const StoredItem& last, const TableInfo& table,
                           const IndexInfo& index) {
  auto item = model::decode_encoded_item(last.json);
  model::Item key;
  std::vector<std::string> names{table.key.hash.name};
  if (table.key.range) names.push_back(table.key.range->name);
  names.push_back(index.key.hash.name);
  if (index.key.range) names.push_back(index.key.range->name);
  if (item) {
    for (const std::string& name : names) {
      const model::AttributeValue* value = item->find(name);
      const bool seen = key.find(name) != nullptr;
      if (value != nullptr && !seen) key.attributes.push_back(model::Attribute{name, *value});
    }
  }
  model::append_dynamodb_item(out, key);
}

}  // namespace csv2ddb::local::dynamodb
