// How wide and how deep the import's writer is in one invocation, from the function's memory
// and the time it keeps for a hand-over.
//
// Lanes (parallel BatchWriteItem requests): CSV2DDB_CONCURRENCY when set; otherwise 16 per
// 1,769 MB, from 2 to 64. Lambda gives CPU in proportion to memory, 1,769 MB being one vCPU,
// and 16 is what `csv2ddb ingest` runs on one core by default: a lane is one thread with one
// request in flight, mostly waiting on the network, so one core keeps many busy while the reader
// thread (parsing, mapping, the JSON copy) has the rest. A smaller function gets fewer lanes
// because it has less CPU for them, not less memory: the lanes' memory is their queues (below),
// a few MB. Outside Lambda (no memory size) the default stays 4. This is a rule from the CLI's
// default, not yet a measurement on Lambda.
//
// Queue capacity (items waiting per lane): at a hand-over the lanes send everything queued before
// the next invocation is started, so a queue must drain within half the hand-over reserve even
// when the table throttles: at a pessimistic 2 s per 25-item batch (a batch throttled on every
// attempt backs off 3.5 s on average with the default 3 retries; a clean one takes 10-50 ms),
// capacity = reserve / 2 / 2 s * 25, between 25 and the engine's default of 1024, beyond which
// a deeper queue buys no throughput. With the 60 s reserve: 375 items.
//
// Spreading window (rows held to spread sorted input across partitions, partition_spreader.hpp):
// at a hand-over it is written out too before the next invocation starts, so it holds no more
// than the lanes drain in the other half of the reserve: lanes x queue capacity rows, at most
// the engine's 65,536. With the 60 s reserve and 16 lanes: 6,000 rows. (A 65,536-row window
// under a short timeout is read at once and cannot be written before the deadline: the
// invocation times out and is retried whole.)
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace csv2ddb::lambda {

struct WriterSize {
  std::size_t lanes = 4;
  std::size_t queue_capacity = 1024;
  std::size_t spread_rows = 65536;
};

WriterSize size_writer(std::optional<std::size_t> configured_lanes,
                       std::optional<std::uint64_t> memory_mb,
                       std::chrono::milliseconds hand_over_reserve);

}  // namespace csv2ddb::lambda
