// The keys a writer lane has given up to unprocessed/ during one run.
//
// Why: "last row wins" must survive a re-drive. If an earlier row of key K ends in unprocessed/
// and a later row of K is written, re-driving unprocessed/ afterwards puts the earlier row back
// over the later one. So once a key has been given up, every later row of that key in the run
// is given up too, in order, without being sent: the table plus a re-drive of unprocessed/ then
// holds exactly what a clean run would have written.
//
// Cost: 64-bit hashes of the given-up keys' fingerprints in an open-addressing table (at most
// 16 bytes per key), nothing for keys that were written. Two things keep it safe to be inexact:
// a hash collision only sends an unrelated key's rows to unprocessed/ as well, which is still
// correct (they are written by the re-drive, in order); and past `max_keys` keys the set stops
// growing and counts every key as given up, so the rest of the lane's rows go to unprocessed/:
// memory stays bounded, and a table that has refused that many rows is not taking writes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace csv2ddb::ingest {

class GivenUpKeys {
 public:
  explicit GivenUpKeys(std::size_t max_keys) : max_keys_(max_keys) {}

  void add(std::string_view fingerprint);
  bool contains(std::string_view fingerprint) const;
  // Nothing given up yet: the per-item check costs one comparison.
  bool empty() const { return size_ == 0 && !saturated_; }
  std::size_t size() const { return size_; }
  // More than max_keys keys were given up: every key now counts as given up.
  bool saturated() const { return saturated_; }

 private:
  static std::uint64_t hash_of(std::string_view fingerprint);
  std::size_t slot_of(std::uint64_t hash) const;
  void insert(std::uint64_t hash);
  void grow();

  std::size_t max_keys_;
  std::vector<std::uint64_t> slots_;  // 0: empty; a power of two, at most half full
  std::size_t size_ = 0;
  bool saturated_ = false;
};

}  // namespace csv2ddb::ingest
