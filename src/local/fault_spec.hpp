// --fault: AWS-like trouble on purpose, so clients' retry paths run for real.
// "throttle=0.1,unprocessed=0.2,error=0.05,drop=0.01,latency=10" (ARCHITECTURE.md):
//   throttle=R     that fraction of DynamoDB write requests fail with
//                  ProvisionedThroughputExceededException
//   slowdown=R     that fraction of S3 writes (PUT, POST, DELETE) fail with S3's throttling
//                  answer, 503 SlowDown (apart from throttle, so that a DynamoDB throttling
//                  test does not also fail the uploads of its outputs)
//   unprocessed=R  that fraction of each BatchWriteItem's items come back in UnprocessedItems
//   error=R        HTTP 500: InternalServerError (DynamoDB), InternalError (S3)
//   drop=R         the connection closes with no response (DynamoDB and S3)
//   latency=MS     added to every response (DynamoDB and S3), on the server's timer: a delayed
//                  response holds no thread, so latency never caps the server's throughput
//   capacity=N     the table takes N write units a second (DynamoDB writes); partition=N: each
//                  hash-key value N a second. What does not fit comes back in UnprocessedItems
//                  (or as ProvisionedThroughputExceededException), see capacity_limiter.hpp
// Draws come from one seeded generator (--seed), so a run's sequence of faults is reproducible.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <random>
#include <string_view>

#include "common/result.hpp"
#include "local/capacity_limiter.hpp"

namespace csv2ddb::local {

struct FaultSpec {
  double throttle = 0;
  double slowdown = 0;
  double unprocessed = 0;
  double error = 0;
  double drop = 0;
  std::chrono::milliseconds latency{0};
  double capacity = 0;   // write units per second for each table; 0: no limit
  double partition = 0;  // write units per second for each hash-key value; 0: no limit

  bool any() const {
    return throttle > 0 || slowdown > 0 || unprocessed > 0 || error > 0 || drop > 0 ||
           latency.count() > 0 || capacity > 0 || partition > 0;
  }
};

// "" is no faults. Errors ("InvalidFaultSpec") name the bad pair: unknown names, rates outside
// [0, 1], latency that is not a whole number of milliseconds up to 60000, capacity or partition
// that is not a whole number from 1 to 1000000000, a name twice.
Result<FaultSpec> parse_fault_spec(std::string_view text);

class FaultInjector {
 public:
  FaultInjector(FaultSpec spec, std::uint64_t seed)
      : spec_(spec), random_(seed), capacity_(spec.capacity, spec.partition) {}

  const FaultSpec& spec() const { return spec_; }
  // capacity= and partition=: the write capacity DynamoDB's writes draw from.
  CapacityLimiter& capacity() { return capacity_; }
  // True with probability `rate`; thread-safe.
  bool roll(double rate);

 private:
  FaultSpec spec_;
  std::mutex mutex_;
  std::mt19937_64 random_;
  CapacityLimiter capacity_;
};

}  // namespace csv2ddb::local
