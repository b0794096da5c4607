// One share of an import fanned out over several runs (docs/scaling.md, "Fan-out by key").
// Every run reads the whole input, so each knows every record's true start (quoted newlines
// included) and every key's place in the file. Of the records, a run accounts for
// - the rows with a key (items) whose key falls to its share: it writes them, or rejects them,
//   leaves them unprocessed or finds them in conflict. A key always falls to the same share,
//   which writes its rows in file order, so for one key the row read last still wins whatever
//   order the runs finish in;
// - the rows without a key (skipped, rejected by the mapper) that start in its byte range.
// It also writes the JSON copy of the items that start in its byte range, whoever writes them.
// So every record is accounted by exactly one run, the runs' counts add up to one run's, and
// their JSON copies put end to end in share order are one run's, byte for byte.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "model/attribute_value.hpp"

namespace csv2ddb::ingest {

struct Share {
  std::uint32_t index = 0;
  std::uint32_t count = 1;
  std::uint64_t range_begin = 0;         // of the (decompressed) input
  std::uint64_t range_end = UINT64_MAX;  // exclusive

  bool owns_offset(std::uint64_t offset) const {
    return offset >= range_begin && offset < range_end;
  }
  bool owns_key(std::uint64_t key_hash) const { return key_hash % count == index; }
};

// `count` shares of an input of `size` bytes: equal byte ranges, the last one open-ended.
std::vector<Share> split_into_shares(std::uint64_t size, std::uint32_t count);

// The hash that gives a key its share: FNV-1a of the key's fingerprint (model::key_fingerprint),
// the same in every process and build, and unlike the lanes' hash (so a share's keys still
// spread over all of its lanes).
std::uint64_t share_key_hash(std::string_view fingerprint);

}  // namespace csv2ddb::ingest
