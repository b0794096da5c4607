#include "ingest/batch_planner.hpp"

#include <functional>
#include <utility>

#include "ingest/write_pacer.hpp"
#include "ingest/write_plan.hpp"
#include "model/dynamodb_json.hpp"
#include "model/item_size.hpp"

namespace csv2ddb::ingest {
namespace {

// ,{"PutRequest":{"Item":...}} and ,{"DeleteRequest":{"Key":...}}: what a request body holds
// around each item's JSON.
constexpr std::size_t kPutRequestBytes = 25;
constexpr std::size_t kDeleteRequestBytes = 27;

}  // namespace

Result<model::Item> PlannedItem::item() const {
  return model::decode_encoded_item(item_json());
}

PlannedItem plan_item(const model::Item& item, const model::KeySchema& schema, std::uint64_t line,
                      std::string buffer, bool is_delete) {
  if (is_delete) {
    PlannedItem planned = plan_item(key_of(item, schema), schema, line, std::move(buffer), false);
    planned.is_delete = true;
    planned.request_bytes += kDeleteRequestBytes - kPutRequestBytes;
    return planned;
  }
  // Encoded into a scratch buffer, then copied into the given buffer, or one allocation of the
  // exact size: these strings are most of what a run holds.
  thread_local std::string scratch;
  scratch.clear();
  model::append_key_fingerprint(scratch, item, schema);
  const std::size_t fingerprint_bytes = scratch.size();
  model::append_dynamodb_item(scratch, item);
  PlannedItem planned;
  // A buffer too small is not grown (that would double it): a fresh string of the exact size
  // keeps what an item weighs in the queues close to its bytes.
  if (buffer.capacity() >= scratch.size()) planned.bytes = std::move(buffer);
  planned.bytes.assign(scratch);
  planned.fingerprint_bytes = static_cast<std::uint32_t>(fingerprint_bytes);
  planned.key_hash = fingerprint_hash(planned.fingerprint());
  planned.request_bytes = planned.item_json().size() + kPutRequestBytes;
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
  batch.items = std::move(spare_);
  spare_ = {};
  batch.items.reserve(limits_.max_items);
  std::swap(batch, pending_);
  return batch;
}

}  // namespace csv2ddb::ingest
