#include "local/capacity_limiter.hpp"

#include <algorithm>

namespace csv2ddb::local {
void CapacityLimiter::refill(Bucket& bucket, double rate, Time now, bool is_new) {
  const double burst = rate;  // one second of the rate
  if (is_new) {
    bucket.tokens = burst;
  } else if (now > bucket.updated) {
    const double elapsed = std::chrono::duration<double>(now - bucket.updated).count();
    bucket.tokens = std::min(burst, bucket.tokens + elapsed * rate);
  }
  bucket.updated = std::max(bucket.updated, now);
}

bool CapacityLimiter::holds(const Bucket& bucket, double rate, std::uint64_t units) {
  // A write larger than the whole bucket goes when the bucket is full (and leaves it in debt).
  return bucket.tokens >= static_cast<double>(units) || bucket.tokens >= rate;
}

bool CapacityLimiter::take(std::int64_t table_id, std::string_view hash_key, std::uint64_t units,
                           Time now) {
  if (!enabled()) return true;
  std::lock_guard lock(mutex_);
  Bucket* table = nullptr;
  if (table_rate_ > 0) {
    auto [it, is_new] = tables_.try_emplace(table_id);
    table = &it->second;
    refill(*table, table_rate_, now, is_new);
    if (!holds(*table, table_rate_, units)) return false;
  }
  Bucket* partition = nullptr;
  if (partition_rate_ > 0) {
    if (partitions_.size() > prune_above_) prune(now);
    scratch_ = std::to_string(table_id);
    scratch_.push_back('\0');
    scratch_.append(hash_key);
    auto [it, is_new] = partitions_.try_emplace(scratch_);
    partition = &it->second;
    refill(*partition, partition_rate_, now, is_new);
    if (!holds(*partition, partition_rate_, units)) return false;
  }
  if (table != nullptr) table->tokens -= static_cast<double>(units);
  if (partition != nullptr) partition->tokens -= static_cast<double>(units);
  return true;
}

void CapacityLimiter::prune(Time now) {
  for (auto it = partitions_.begin(); it != partitions_.end();) {
    refill(it->second, partition_rate_, now, false);
    it = it->second.tokens >= partition_rate_ ? partitions_.erase(it) : std::next(it);
  }
  // When most keys are busy, wait for the map to double before the next walk: amortized O(1).
  prune_above_ = std::max(kPruneAbovePartitions, 2 * partitions_.size());
}

std::size_t CapacityLimiter::tracked_partitions() const {
  std::lock_guard lock(mutex_);
  return partitions_.size();
}

Error throughput_exceeded() {
  return make_error("ProvisionedThroughputExceededException",
                    "The level of configured provisioned throughput for the table was exceeded. "
                    "Consider increasing your provisioning level with the UpdateTable API.");
}

}  // namespace csv2ddb::local
