#include "ingest/share.hpp"

namespace csv2ddb::ingest {

std::vector<Share> split_into_shares(std::uint64_t size, std::uint32_t count) {
  std::vector<Share> shares;
  if (count == 0) return shares;
  for (std::uint32_t i = 0; i < count; ++i) {
    Share share;
    share.index = i;
    share.count = count;
    // size * i / count without overflow for any 64-bit size.
    share.range_begin = i == 0 ? 0 : size / count * i + size % count * i / count;
    shares.push_back(share);
  }
  for (std::uint32_t i = 0; i + 1 < count; ++i) shares[i].range_end = shares[i + 1].range_begin;
  return shares;
}

std::uint64_t share_key_hash(std::string_view fingerprint) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (const char c : fingerprint) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return hash;
}

}  // namespace csv2ddb::ingest
