#include "ingest/counts.hpp"

#include <algorithm>

namespace csv2ddb::ingest {
namespace {

// Counts only grow within a run, but a total read back from another process (a continuation
// whose offset was rounded to a record) may be below its earlier part by a few bytes.
std::uint64_t minus(std::uint64_t total, std::uint64_t before) {
  return total - std::min(total, before);
}

}  // namespace

Counts& Counts::operator+=(const Counts& other) {
  rows_read += other.rows_read;
  rows_written += other.rows_written;
  rows_rejected += other.rows_rejected;
  rows_unprocessed += other.rows_unprocessed;
  rows_skipped += other.rows_skipped;
  rows_conflicts += other.rows_conflicts;
  bytes_read += other.bytes_read;
  seconds += other.seconds;
  requests += other.requests;
  retries += other.retries;
  throttles += other.throttles;
  consumed_wcu += other.consumed_wcu;
  return *this;
}

Counts Counts::since(const Counts& before) const {
  Counts share;
  share.rows_read = minus(rows_read, before.rows_read);
  share.rows_written = minus(rows_written, before.rows_written);
  share.rows_rejected = minus(rows_rejected, before.rows_rejected);
  share.rows_unprocessed = minus(rows_unprocessed, before.rows_unprocessed);
  share.rows_skipped = minus(rows_skipped, before.rows_skipped);
  share.rows_conflicts = minus(rows_conflicts, before.rows_conflicts);
  share.bytes_read = minus(bytes_read, before.bytes_read);
  share.seconds = seconds - before.seconds;
  share.requests = minus(requests, before.requests);
  share.retries = minus(retries, before.retries);
  share.throttles = minus(throttles, before.throttles);
  share.consumed_wcu = consumed_wcu - before.consumed_wcu;
  return share;
}

}  // namespace csv2ddb::ingest
