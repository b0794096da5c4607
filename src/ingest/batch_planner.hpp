// Groups items into BatchWriteItem requests: at most 25 items, at most 16 MB, and never the same
// primary key twice (DynamoDB refuses such a batch as a whole).
//
// "Last row wins" for a key that appears twice in a file: the engine routes every key to one
// lane (lane_for), each lane sends its batches strictly in order with one request in flight, and
// here a batch that already holds the key is closed before the repeat joins the next batch. So
// the later row is always written after the earlier one, however many lanes run. We close
// instead of replacing the earlier item in place: every row is then really written and counted
// as written (the report stays a plain count of rows, with nothing "superseded" to explain), at
// the cost of one extra small request per in-batch repeat, which is rare in real files.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "model/attribute_value.hpp"

namespace csv2ddb::ingest {

// An item on its way to the table, with what the engine needs to batch and account for it.
//
// The item travels as the DynamoDB JSON it is sent as (model::append_dynamodb_item), in one
// string after its key fingerprint. It is encoded once, here, while the reader has the row in
// its cache; a lane's request body is then these encodings side by side. That is cheaper than
// carrying the item in another form and encoding it in the lane (a third less CPU a row over a
// packed form), and about as small: the spreading window and the lane queues hold tens of
// thousands of these, and a make-csv row takes one allocation of about 250 bytes where a
// model::Item takes seven and 1.4 KB.
struct PlannedItem {
  std::string bytes;  // the key fingerprint, then the item's DynamoDB JSON (a delete's: its key)
  std::uint32_t fingerprint_bytes = 0;
  bool is_delete = false;         // a DeleteRequest of the key, rather than a put
  std::uint64_t line = 0;         // CSV line, for rejections the server causes
  std::size_t request_bytes = 0;  // what the item adds to a request body, exactly
  std::uint32_t write_units = 1;  // write_units(item_size(item)), for pacing
  // fingerprint_hash(fingerprint()), taken while the bytes are in the cache: the item waits in the
  // spreading window long enough for them to leave it before lane_for needs the hash.
  std::size_t key_hash = 0;

  // model::key_fingerprint of the item.
  std::string_view fingerprint() const {
    return std::string_view(bytes).substr(0, fingerprint_bytes);
  }
  // {"name":{"S":"value"},...}
  std::string_view item_json() const { return std::string_view(bytes).substr(fingerprint_bytes); }
  // The item decoded again, for the rare paths that need its values (a rejection's fields, an
  // unprocessed/ file). It always decodes: the engine encoded it.
  Result<model::Item> item() const;
};

// Plans `item` (read at `line`) for a table keyed by `schema`, into `buffer` (a string to reuse,
// from BufferPool::take; its capacity is what the item then weighs in the queues). A delete
// keeps only the item's key.
PlannedItem plan_item(const model::Item& item, const model::KeySchema& schema, std::uint64_t line,
                      std::string buffer = {}, bool is_delete = false);

// One BatchWriteItem request's worth, in the order the items are to be written.
struct Batch {
  std::vector<PlannedItem> items;
  std::size_t request_bytes = 0;
  std::uint64_t write_units = 0;

  std::size_t size() const { return items.size(); }
  bool empty() const { return items.empty(); }
  void clear() {
    items.clear();
    request_bytes = 0;
    write_units = 0;
  }
  void add(PlannedItem item) {
    request_bytes += item.request_bytes;
    write_units += item.write_units;
    items.push_back(std::move(item));
  }
};

struct BatchLimits {
  std::size_t max_items = 25;
  std::size_t max_bytes = std::size_t{16} * 1024 * 1024;
};

// Which of `lanes` lanes a key goes to, by its fingerprint_hash: the same key always to the
// same lane.
//
// Hot partitions: the hash covers the whole key (partition and sort key), so consecutive rows
// of one account fan out over every lane rather than queueing behind one. For input sorted by
// partition key that is not enough, since every lane would then write the same partition key at
// the same moment: the reader's spreading window (partition_spreader.hpp) reorders rows across
// partition-key values before they reach the lanes.
inline std::size_t lane_for(std::size_t key_hash, std::size_t lanes) {
  return lanes <= 1 ? 0 : key_hash % lanes;
}
// The hash lane_for takes: PlannedItem::key_hash, for a key fingerprint.
std::size_t fingerprint_hash(std::string_view fingerprint);

class BatchPlanner {
 public:
  explicit BatchPlanner(BatchLimits limits = {}) : limits_(limits) {}

  // Adds an item. When it cannot join the pending batch (full, too big, or its key is already
  // there), the pending batch is returned closed and the item starts the next one.
  std::optional<Batch> add(PlannedItem item);
  // Closes the pending batch when it has reached max_items, so it can go out without waiting
  // for another item.
  std::optional<Batch> take_full();
  // Closes whatever is pending (end of input, or nothing else to do right now).
  std::optional<Batch> flush();
  // Takes back a batch its lane has finished with: its emptied vector becomes a later batch's,
  // so that a steady run allocates no vector per request (25 items are beyond malloc's
  // per-thread cache, and the allocation showed at 2% of the CPU).
  void recycle(Batch&& done) {
    spare_ = std::move(done.items);
    spare_.clear();
  }

  std::size_t pending_items() const { return pending_.size(); }
  std::size_t pending_bytes() const { return pending_.request_bytes; }

 private:
  bool holds_key(const PlannedItem& candidate) const;

  BatchLimits limits_;
  Batch pending_;
  std::vector<PlannedItem> spare_;
};

}  // namespace csv2ddb::ingest
