// Input sorted by partition key, spread across partitions.
//
// DynamoDB meters every partition (1,000 write units a second), and a partition-key value lives
// in one partition, so a file sorted by partition key (the reference generator's few accounts,
// sorted) is written one key at a time at one partition's rate, however many lanes run. The
// reader therefore holds a window of rows, grouped by partition-key value, and lets them out
// round-robin across the values in it: consecutive rows sent then belong to different
// partitions, and as many partitions take writes at once as the window holds values.
//
// Last row wins still: rows of one key share their partition-key value, hence their group, and
// a group lets its rows out in input order; the lanes keep that order (batch_planner.hpp). Rows
// of different keys may change order, which no reader of the table can tell apart from any
// other interleaving of parallel writes.
//
// Bounded: at most `max_rows` rows and about `max_bytes` of planned items (batch_planner.hpp), so a
// window holds tens of thousands of small rows in a few MB. It spreads the values that occur
// within that many rows: in a file sorted by a key whose runs are longer than the window it
// holds one or two values at a time, and the adaptive pacer is what protects the partition.
// Checkpoints must not pass a held row: oldest_mark() is the earliest one.
//
// Mixed input needs no window: once it holds `enough_values` partition-key values, rows leave at
// once, round-robin across those values. make-csv's rows, random over 100 accounts, then pass
// through a window of about 64 rows that stays in the cache, instead of waiting behind 65,536
// (which cost the reader a cache miss per row, for no change in what reaches the table).
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ingest/batch_planner.hpp"
#include "ingest/buffer_pool.hpp"
#include "ingest/checkpoint_tracker.hpp"
#include "model/attribute_value.hpp"

namespace csv2ddb::ingest {

struct SpreadLimits {
  std::size_t max_rows = 65536;
  std::size_t max_bytes = std::size_t{8} * 1024 * 1024;  // of planned items
  std::size_t enough_values = 64;  // partition-key values that make the input mixed enough
};

// A row let out of the window.
struct SpreadRow {
  PlannedItem planned;
  std::optional<RowMark> mark;  // CSV rows carry one, for the checkpoint tracker
};

class PartitionSpreader {
 public:
  // Items are planned into strings from `buffers`, when given.
  PartitionSpreader(const model::KeySchema& schema, SpreadLimits limits,
                    BufferPool* buffers = nullptr);

  // Plans `item` (plan_item) into the window; the caller may reuse `item` at once.
  void push(const model::Item& item, std::uint64_t line, const RowMark* mark,
            bool is_delete = false);
  // True while the window holds more than its limits, or enough partition-key values that rows
  // can leave: pop() until it is not.
  bool should_pop() const {
    return rows_ > limits_.max_rows || (bytes_ > limits_.max_bytes && rows_ > 1) ||
           groups_.size() >= limits_.enough_values;
  }
  // The next row: the oldest of the next partition-key value in turn. False when empty.
  bool pop(SpreadRow& out);

  bool empty() const { return rows_ == 0; }
  std::size_t rows() const { return rows_; }
  std::size_t partition_values() const { return groups_.size(); }
  // The earliest row held (by input order), if any carries a mark.
  std::optional<RowMark> oldest_mark();

 private:
  static constexpr std::uint32_t kNone = 0xffffffffu;
  struct Slot {
    PlannedItem planned;
    std::optional<RowMark> mark;
    std::uint64_t sequence = 0;  // arrival number; 0 when the slot is free
    std::uint32_t next = kNone;  // the group's next row
  };
  struct Group {
    std::uint32_t head = kNone;
    std::uint32_t tail = kNone;
  };
  using GroupEntry = std::pair<const std::string, Group>;

  // Arrivals whose rows have left, from the front: so the list spans about the window.
  void drop_departed_arrivals();

  model::KeySchema schema_;
  SpreadLimits limits_;
  BufferPool* buffers_;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_;
  std::unordered_map<std::string, Group> groups_;  // by partition-key fingerprint
  std::deque<GroupEntry*> turn_;                   // groups in round-robin order
  // Arrivals in input order, (sequence, slot); entries whose row has left are skipped lazily.
  std::deque<std::pair<std::uint64_t, std::uint32_t>> arrivals_;
  std::uint64_t next_sequence_ = 1;
  std::size_t rows_ = 0;
  std::size_t bytes_ = 0;
  std::string scratch_;
};

}  // namespace csv2ddb::ingest
