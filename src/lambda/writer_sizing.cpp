#include "lambda/writer_sizing.hpp"

#include <algorithm>

namespace csv2ddb::lambda {
namespace {

constexpr std::uint64_t kOneVcpuMb = 1769;
constexpr std::uint64_t kLanesPerVcpu = 16;
constexpr std::size_t kMinLanes = 2;
constexpr std::size_t kMaxLanes = 64;
constexpr std::size_t kLanesOutsideLambda = 4;

constexpr std::size_t kItemsPerBatch = 25;
constexpr std::chrono::milliseconds kPessimisticBatchTime{2000};
constexpr std::size_t kMinQueue = 25;
constexpr std::size_t kMaxQueue = 1024;
constexpr std::size_t kMaxSpreadRows = 65536;

}  // namespace

WriterSize size_writer(std::optional<std::size_t> configured_lanes,
                       std::optional<std::uint64_t> memory_mb,
                       std::chrono::milliseconds hand_over_reserve) {
  WriterSize size;
  if (configured_lanes) {
    size.lanes = *configured_lanes;
  } else if (memory_mb) {
    // Rounded to the nearest lane.
    const std::uint64_t lanes = (*memory_mb * kLanesPerVcpu + kOneVcpuMb / 2) / kOneVcpuMb;
    size.lanes = std::clamp<std::size_t>(static_cast<std::size_t>(lanes), kMinLanes, kMaxLanes);
  } else {
    size.lanes = kLanesOutsideLambda;
  }
  const auto drain_budget = std::max(hand_over_reserve, std::chrono::milliseconds{0}) / 2;
  const auto batches = static_cast<std::size_t>(drain_budget / kPessimisticBatchTime);
  size.queue_capacity = std::clamp(batches * kItemsPerBatch, kMinQueue, kMaxQueue);
  size.spread_rows = std::min(size.lanes * size.queue_capacity, kMaxSpreadRows);
  return size;
}

}  // namespace csv2ddb::lambda
