#include "ingest/given_up_keys.hpp"

#include <bit>
#include <functional>

namespace csv2ddb::ingest {

std::uint64_t GivenUpKeys::hash_of(std::string_view fingerprint) {
  const std::uint64_t hash = std::hash<std::string_view>{}(fingerprint);
  return hash == 0 ? 1 : hash;  // 0 marks an empty slot
}

std::size_t GivenUpKeys::slot_of(std::uint64_t hash) const {
  // The keys of one lane share std::hash % lanes (lane_for): index by the high bits of a
  // multiplicative mix instead, which do not inherit that pattern.
  const int bits = std::countr_zero(slots_.size());
  if (bits == 0) return 0;
  return static_cast<std::size_t>((hash * 0x9E3779B97F4A7C15ULL) >> (64 - bits));
}

void GivenUpKeys::insert(std::uint64_t hash) {
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t slot = slot_of(hash);; slot = (slot + 1) & mask) {
    if (slots_[slot] == hash) return;
    if (slots_[slot] == 0) {
      slots_[slot] = hash;
      ++size_;
      return;
    }
  }
}

void GivenUpKeys::grow() {
  constexpr std::size_t kInitialSlots = 64;
  std::vector<std::uint64_t> previous = std::move(slots_);
  slots_.assign(previous.empty() ? kInitialSlots : previous.size() * 2, 0);
  size_ = 0;
  for (std::uint64_t hash : previous) {
    if (hash != 0) insert(hash);
  }
}

void GivenUpKeys::add(std::string_view fingerprint) {
  if (saturated_) return;
  if (contains(fingerprint)) return;
  if (size_ >= max_keys_) {
    saturated_ = true;
    std::vector<std::uint64_t>().swap(slots_);
    size_ = 0;
    return;
  }
  if ((size_ + 1) * 2 > slots_.size()) grow();
  insert(hash_of(fingerprint));
}

bool GivenUpKeys::contains(std::string_view fingerprint) const {
  if (saturated_) return true;
  if (size_ == 0) return false;
  const std::uint64_t hash = hash_of(fingerprint);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t slot = slot_of(hash);; slot = (slot + 1) & mask) {
    if (slots_[slot] == hash) return true;
    if (slots_[slot] == 0) return false;
  }
}

}  // namespace csv2ddb::ingest
