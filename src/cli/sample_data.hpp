// Sample offers in the reference generator's shape, for demos, tests and benchmarks:
//   account,offer_id,catalog_id,account_type_code,offer_type_id,created,expire,risk
// Deterministic for a seed, unique (account, offer_id) pairs, and fast enough to write a
// million rows in well under a second.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "common/result.hpp"

namespace csv2ddb::cli {

struct SampleOptions {
  std::uint64_t rows = 1000;
  std::uint64_t accounts = 100;  // few accounts, as in the reference: hot partitions on purpose
  std::uint64_t seed = 1;
};

inline constexpr std::uint64_t kMaxSampleAccounts = 90'000'000;   // distinct 8-digit numbers
inline constexpr std::uint64_t kMaxSampleRows = 900'000'000'000;  // distinct 12-digit offer ids

// A bijection on [0, modulus) for the moduli used here (9 * 10^n): a multiplication by a unit
// plus `offset`. Turns running indices into distinct, random-looking ids, so uniqueness needs no
// set of what was generated so far. Exposed for its tests.
std::uint64_t permute_index(std::uint64_t index, std::uint64_t modulus, std::uint64_t offset);

// Calls `sink` with consecutive chunks of CSV text (header first); stops at the first error.
Status write_sample_csv(const SampleOptions& options,
                        const std::function<Status(std::string_view)>& sink);

}  // namespace csv2ddb::cli
