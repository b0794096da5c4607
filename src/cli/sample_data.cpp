#include "cli/sample_data.hpp"

#include <array>
#include <string>

namespace csv2ddb::cli {
namespace {

__extension__ using Uint128 = unsigned __int128;  // GCC/clang extension: exact 64x64 products

// splitmix64: tiny, fast, and good enough for sample data; fixed so a seed always gives the
// same file on every machine (std:: distributions differ between standard libraries).
class SampleRandom {
 public:
  explicit SampleRandom(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, bound) without modulo bias worth caring about for bound << 2^64.
  std::uint64_t below(std::uint64_t bound) {
    return static_cast<std::uint64_t>((static_cast<Uint128>(next()) * bound) >> 64);
  }

 private:
  std::uint64_t state_;
};

void append_digits(std::string& out, std::uint64_t value, int width) {
  std::array<char, 20> digits{};
  for (int i = width - 1; i >= 0; --i) {
    digits[static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out.append(digits.data(), static_cast<std::size_t>(width));
}

// Days since 1970-01-01 to a civil date (proleptic Gregorian), by the era arithmetic.
void civil_from_days(std::int64_t days, int& year, unsigned& month, unsigned& day) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto day_of_era = static_cast<unsigned>(days - era * 146097);
  const unsigned year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const unsigned day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const unsigned month_index = (5 * day_of_year + 2) / 153;
  day = day_of_year - (153 * month_index + 2) / 5 + 1;
  month = month_index < 10 ? month_index + 3 : month_index - 9;
  year = static_cast<int>(year_of_era + era * 400) + (month <= 2 ? 1 : 0);
}

// ISO-8601 UTC, e.g. 2025-03-07T14:05:09Z.
void append_timestamp(std::string& out, std::int64_t epoch_seconds) {
  int year = 0;
  unsigned month = 0;
  unsigned day = 0;
  civil_from_days(epoch_seconds / 86400, year, month, day);
  const auto second_of_day = static_cast<std::uint64_t>(epoch_seconds % 86400);
  append_digits(out, static_cast<std::uint64_t>(year), 4);
  out.push_back('-');
  append_digits(out, month, 2);
  out.push_back('-');
  append_digits(out, day, 2);
  out.push_back('T');
  append_digits(out, second_of_day / 3600, 2);
  out.push_back(':');
  append_digits(out, second_of_day / 60 % 60, 2);
  out.push_back(':');
  append_digits(out, second_of_day % 60, 2);
  out.push_back('Z');
}

constexpr std::int64_t kCreatedFrom = 1704067200;  // 2024-01-01T00:00:00Z
constexpr std::int64_t kCreatedSpan = std::int64_t{2} * 365 * 86400;
constexpr std::int64_t kDay = 86400;
constexpr std::uint64_t kAccountNumbers = kMaxSampleAccounts;  // 10000000..99999999
constexpr std::uint64_t kOfferIds = kMaxSampleRows;            // 100000000000..999999999999

}  // namespace

std::uint64_t permute_index(std::uint64_t index, std::uint64_t modulus, std::uint64_t offset) {
  // Multiplication by k permutes the residues mod m exactly when gcd(k, m) = 1. Our moduli are
  // 9 * 10^n = 2^a * 3^b * 5^c, so k must be divisible by none of 2, 3 and 5; then so is k mod m.
  // (The golden-ratio constant 0x9E3779B97F4A7C15, used here before, ends in 5 in decimal: it
  // folded 90,000,000 accounts onto 18,000,000 and repeated offer ids every 1.8e11 rows.)
  constexpr std::uint64_t kUnit = 0x9E3779B97F4A7C13ULL;
  static_assert(kUnit % 2 != 0 && kUnit % 3 != 0 && kUnit % 5 != 0);
  const Uint128 product = static_cast<Uint128>(index % modulus) * (kUnit % modulus);
  return static_cast<std::uint64_t>((product + offset % modulus) % modulus);
}

Status write_sample_csv(const SampleOptions& options,
                        const std::function<Status(std::string_view)>& sink) {
  if (options.accounts == 0 || options.accounts > kMaxSampleAccounts) {
    return make_error("UsageError",
                      "--accounts must be between 1 and " + std::to_string(kMaxSampleAccounts));
  }
  if (options.rows > kMaxSampleRows) {
    return make_error("UsageError", "--rows must be at most " + std::to_string(kMaxSampleRows));
  }
  SampleRandom random(options.seed);
  // Account number i of the run is a permutation of i, computed per row: no table of accounts
  // (90 million of them would be 720 MB), and distinct indices always give distinct accounts.
  const std::uint64_t account_offset = random.below(kAccountNumbers);
  const std::uint64_t offer_offset = random.below(kOfferIds);
  static constexpr std::array<std::string_view, 3> kRisks = {"high", "medium", "low"};

  std::string chunk;
  constexpr std::size_t kChunkBytes = 1 << 20;
  chunk.reserve(kChunkBytes + 256);
  chunk.append("account,offer_id,catalog_id,account_type_code,offer_type_id,created,expire,risk\n");
  for (std::uint64_t row = 0; row < options.rows; ++row) {
    const std::uint64_t account = random.below(options.accounts);
    append_digits(chunk, 10'000'000 + permute_index(account, kAccountNumbers, account_offset), 8);
    chunk.push_back(',');
    // Offer ids are a permutation of the row number: unique in the file, so pairs are too.
    append_digits(chunk, 100'000'000'000 + permute_index(row, kOfferIds, offer_offset), 12);
    chunk.push_back(',');
    append_digits(chunk, 100'000'000'000'000'000ULL + random.below(900'000'000'000'000'000ULL), 18);
    chunk.push_back(',');
    chunk.push_back(static_cast<char>('A' + random.below(26)));
    chunk.push_back(static_cast<char>('A' + random.below(26)));
    chunk.push_back(',');
    append_digits(chunk, 10'000'000 + random.below(90'000'000), 8);
    chunk.push_back(',');
    const auto created = kCreatedFrom + static_cast<std::int64_t>(random.below(kCreatedSpan));
    append_timestamp(chunk, created);
    chunk.push_back(',');
    // 7 to 365 days later, to the second.
    append_timestamp(chunk,
                     created + 7 * kDay + static_cast<std::int64_t>(random.below(358 * kDay + 1)));
    chunk.push_back(',');
    chunk.append(kRisks[random.below(kRisks.size())]);
    chunk.push_back('\n');
    if (chunk.size() >= kChunkBytes) {
      if (auto status = sink(chunk); !status) return status;
      chunk.clear();
    }
  }
  return sink(chunk);
}

}  // namespace csv2ddb::cli
