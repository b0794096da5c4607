// CsvReader throughput over in-memory CSV shaped like the project's sample data (about 50 MB),
// unquoted and quote-heavy. Reports bytes/second of CSV parsed.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>

#include "csv/reader.hpp"

namespace {

using csv2ddb::Result;
using csv2ddb::csv::ByteSource;
using csv2ddb::csv::CsvReader;
using csv2ddb::csv::Record;

constexpr std::size_t kTargetBytes = 50 * 1000 * 1000;

// Serves a string the benchmark owns without copying it first, so only parsing is timed.
class BorrowedSource final : public ByteSource {
 public:
  explicit BorrowedSource(std::string_view bytes) : bytes_(bytes) {}
  Result<std::size_t> read(char* buffer, std::size_t capacity) override {
    const std::size_t n = std::min(capacity, bytes_.size() - position_);
    std::memcpy(buffer, bytes_.data() + position_, n);
    position_ += n;
    return n;
  }
  std::string name() const override { return "<bench>"; }

 private:
  std::string_view bytes_;
  std::size_t position_ = 0;
};

std::string digits(std::mt19937_64& random, int count) {
  std::string text(static_cast<std::size_t>(count), '0');
  for (char& c : text) c = static_cast<char>('0' + random() % 10);
  return text;
}

std::string timestamp(std::mt19937_64& random) {
  char text[32];
  std::snprintf(text, sizeof text, "2024-%02d-%02dT%02d:%02d:%02dZ",
                static_cast<int>(1 + random() % 12), static_cast<int>(1 + random() % 28),
                static_cast<int>(random() % 24), static_cast<int>(random() % 60),
                static_cast<int>(random() % 60));
  return text;
}

// The sample data's columns. `quoted` wraps every field in quotes and puts a doubled quote and
// a delimiter into one text column, the worst case for the reader's unquoting.
std::string make_csv(bool quoted) {
  static const char* const kRisks[] = {"high", "medium", "low"};
  std::mt19937_64 random(42);
  std::string csv =
      "account,offer_id,catalog_id,account_type_code,offer_type_id,created,expire,risk\n";
  csv.reserve(kTargetBytes + 256);
  const auto field = [&](const std::string& value, bool last) {
    if (quoted) {
      csv += '"';
      csv += value;
      csv += '"';
    } else {
      csv += value;
    }
    csv += last ? '\n' : ',';
  };
  while (csv.size() < kTargetBytes) {
    field(digits(random, 8), false);
    field(digits(random, 12), false);
    field(digits(random, 18), false);
    field(
        std::string{static_cast<char>('A' + random() % 26), static_cast<char>('A' + random() % 26)},
        false);
    field(digits(random, 8), false);
    field(timestamp(random), false);
    field(timestamp(random), false);
    const std::string risk = kRisks[random() % 3];
    field(quoted ? risk + " \"\"tier\"\", v1" : risk, true);
  }
  return csv;
}

void read_everything(benchmark::State& state, const std::string& csv) {
  std::size_t fields = 0;
  for (auto _ : state) {
    CsvReader reader(std::make_unique<BorrowedSource>(csv));
    Record record;
    while (true) {
      auto more = reader.next(record);
      if (!more.ok()) {
        state.SkipWithError(more.error().message.c_str());
        return;
      }
      if (!*more) break;
      fields += record.fields.size();
      benchmark::DoNotOptimize(record.fields.data());
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * csv.size()));
  state.counters["fields"] = static_cast<double>(fields) / static_cast<double>(state.iterations());
}

void BM_CsvReaderUnquoted(benchmark::State& state) {
  static const std::string csv = make_csv(false);
  read_everything(state, csv);
}
BENCHMARK(BM_CsvReaderUnquoted)->Unit(benchmark::kMillisecond);

void BM_CsvReaderQuoted(benchmark::State& state) {
  static const std::string csv = make_csv(true);
  read_everything(state, csv);
}
BENCHMARK(BM_CsvReaderQuoted)->Unit(benchmark::kMillisecond);

}  // namespace
