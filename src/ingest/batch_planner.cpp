#include "ingest/batch_planner.hpp"

#include <functional>
#include <utility>

#include "ingest/packed_item.hpp"
#include "ingest/write_pacer.hpp"
#include "model/item_size.hpp"

namespace csv2ddb::ingest {
namespace {

// {"PutRequest":{"Item":{}}}, plus a separating comma.
constexpr std::size_t kPerItemOverhead = 28;
// "":{"S":""}, plus a comma: quotes, braces and the type tag around each name and value.
constexpr std::size_t kPerAttributeOverhead = 12;

std::size_t value_overhead(const model::AttributeValue& value) {
  std::size_t extra = 0;
  switch (value.type) {
    case model::AttributeType::kB:
      extra += value.text.size() / 3 + 4;  // base64 is 4/3 the size
      break;
    case model::AttributeType::kS:
      extra += value.text.size() / 8;  // room for escapes of quotes, backslashes, controls
      break;
    case model::AttributeType::kSS:
    case model::AttributeType::kNS:
    case model::AttributeType::kBS:
      for (const std::string& member : value.set) {
        extra += 3 + (value.type == model::AttributeType::kBS ? member.size() / 3 + 4 : 0);
      }
      break;
    default:
      break;
  }
  return extra;
}

}  // namespace

std::size_t estimate_request_bytes(const model::Item& item) {
  std::size_t bytes = model::item_size(item) + kPerItemOverhead;
  for (const model::Attribute& attribute : item.attributes) {
    bytes += kPerAttributeOverhead + value_overhead(attribute.value);
  }
  return bytes;
}

model::Item PlannedItem::item() const {
  return unpack_item(packed_item());
}

PlannedItem plan_item(const model::Item& item, const model::KeySchema& schema, std::uint64_t line) {
  // One allocation of the exact size: these strings are most of what a run holds.
  thread_local std::string fingerprint;
  fingerprint.clear();
  model::append_key_fingerprint(fingerprint, item, schema);
  PlannedItem planned;
  planned.bytes.reserve(fingerprint.size() + packed_item_size(item));
  planned.bytes.append(fingerprint);
  planned.fingerprint_bytes = static_cast<std::uint32_t>(fingerprint.size());
  planned.key_hash = fingerprint_hash(fingerprint);
  pack_item(item, planned.bytes);
  planned.request_bytes = estimate_request_bytes(item);
  planned.line = line;
  planned.write_units = write_units(model::item_size(item));
  return planned;
}

std::size_t fingerprint_hash(std::string_view fingerprint) {
  return std::hash<std::string_view>{}(fingerprint);
}

bool BatchPlanner::holds_key(const PlannedItem& candidate) const {
  // A batch holds at most 25 items: a linear scan beats maintaining a hash set. The hashes sit
  // in the items themselves; the fingerprints are compared only when they match, since each
  // lives in another heap block that is rarely still in the cache.
  for (const PlannedItem& item : pending_.items) {
    if (item.key_hash == candidate.key_hash && item.fingerprint() == candidate.fingerprint()) {
      return true;
    }
  }
  return false;
}

std::optional<Batch> BatchPlanner::add(PlannedItem item) {
  std::optional<Batch> closed;
  if (!pending_.empty() &&
      (pending_.size() >= limits_.max_items ||
       pending_.request_bytes + item.request_bytes > limits_.max_bytes || holds_key(item))) {
    closed = flush();
  }
  pending_.add(std::move(item));
  return closed;
}

std::optional<Batch> BatchPlanner::take_full() {
  if (pending_.size() < limits_.max_items) return std::nullopt;
  return flush();
}

std::optional<Batch> BatchPlanner::flush() {
  if (pending_.empty()) return std::nullopt;
  Batch batch;
  batch.items.reserve(limits_.max_items);
  std::swap(batch, pending_);
  return batch;
}

}  // namespace csv2ddb::ingest
