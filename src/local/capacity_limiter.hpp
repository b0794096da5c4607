// --fault capacity=N,partition=N: DynamoDB's write metering, simplified, so that clients meet a
// table that takes only so much (what their pacing is for) instead of a fixed share of refusals.
//
// Two token buckets, in write units (1 per started KB of the item, as DynamoDB meters a put):
//   capacity=N   the table's: N units a second (a provisioned table's WriteCapacityUnits)
//   partition=N  each hash-key value's: N units a second. DynamoDB meters partitions of 1,000
//                WCU/s, and a partition key never spans partitions, so writes of one key
//                value can never go faster than that however large the table; here every key
//                value is its own partition, which is what a client writing sorted input meets.
// Each bucket holds one second of its rate (DynamoDB saves up to 300 s of unused capacity; a
// second is enough to absorb a client's jitter without hiding its steady rate) and starts full.
// A write is taken only when both its buckets hold its units, and then from both. A write larger
// than a bucket is taken when the bucket is full, leaving it in debt.
//
// The operations answer for what is not taken: BatchWriteItem returns those items in
// UnprocessedItems, or fails with ProvisionedThroughputExceededException when it takes none;
// PutItem fails with it.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/result.hpp"

namespace csv2ddb::local {

class CapacityLimiter {
 public:
  using Time = std::chrono::steady_clock::time_point;

  // Rates in write units per second; 0 is no limit.
  CapacityLimiter(double table_units_per_second, double partition_units_per_second)
      : table_rate_(table_units_per_second), partition_rate_(partition_units_per_second) {}

  bool enabled() const { return table_rate_ > 0 || partition_rate_ > 0; }

  // Takes `units` for a write of `hash_key` into table `table_id` if both buckets hold them
  // (nothing is taken otherwise). Always true when no limit is set. Thread-safe.
  bool take(std::int64_t table_id, std::string_view hash_key, std::uint64_t units) {
    return !enabled() || take(table_id, hash_key, units, std::chrono::steady_clock::now());
  }
  bool take(std::int64_t table_id, std::string_view hash_key, std::uint64_t units, Time now);

  // Key values whose bucket is tracked; for tests of the pruning.
  std::size_t tracked_partitions() const;

 private:
  struct Bucket {
    double tokens = 0;
    Time updated{};
  };
  // Refills `bucket` to `now`; a new bucket starts full.
  static void refill(Bucket& bucket, double rate, Time now, bool is_new);
  static bool holds(const Bucket& bucket, double rate, std::uint64_t units);
  // Forgets buckets that are full again: they behave exactly like new ones.
  void prune(Time now);

  const double table_rate_;
  const double partition_rate_;
  mutable std::mutex mutex_;
  std::unordered_map<std::int64_t, Bucket> tables_;
  std::unordered_map<std::string, Bucket> partitions_;  // table id, '\0', hash key bytes
  std::string scratch_;
  // Past this many tracked key values, the full buckets are forgotten: the map then holds about
  // the keys written in the last second, however many a run writes.
  static constexpr std::size_t kPruneAbovePartitions = 65536;
  std::size_t prune_above_ = kPruneAbovePartitions;
};

// DynamoDB's answer to a write it has no capacity for.
Error throughput_exceeded();

}  // namespace csv2ddb::local
