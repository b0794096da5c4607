// Micro-benchmarks for the per-item hot path of convert and ingest: DynamoDB JSON and plain JSON
// encoding of a typical CSV row, UTF-8 validation of field text, and number canonicalisation.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "model/dynamodb_json.hpp"
#include "model/json.hpp"
#include "model/number.hpp"

namespace {

using csv2ddb::model::AttributeValue;
using csv2ddb::model::Item;

// A row shaped like the reference data: eight string attributes.
Item sample_item() {
  Item item;
  item.attributes = {{"account", AttributeValue::string("12345678")},
                     {"offer_id", AttributeValue::string("123456789012")},
                     {"catalog_id", AttributeValue::string("123456789012345678")},
                     {"account_type_code", AttributeValue::string("AB")},
                     {"offer_type_id", AttributeValue::string("12345678")},
                     {"created", AttributeValue::string("2024-03-01T12:34:56Z")},
                     {"expire", AttributeValue::string("2024-03-01T12:34:56Z")},
                     {"risk", AttributeValue::string("medium")}};
  return item;
}

void BM_AppendDynamoDbItem(benchmark::State& state) {
  const Item item = sample_item();
  std::string out;
  std::size_t bytes = 0;
  for (auto _ : state) {
    out.clear();
    csv2ddb::model::append_dynamodb_item(out, item);
    bytes += out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_AppendDynamoDbItem);

void BM_AppendPlainItem(benchmark::State& state) {
  const Item item = sample_item();
  std::string out;
  std::size_t bytes = 0;
  for (auto _ : state) {
    out.clear();
    csv2ddb::model::append_plain_item(out, item);
    bytes += out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_AppendPlainItem);

void BM_AppendJsonStringWithEscapes(benchmark::State& state) {
  const std::string text = "a note with \"quotes\", a tab\there and a newline\n in the middle";
  std::string out;
  for (auto _ : state) {
    out.clear();
    csv2ddb::model::append_json_string(out, text);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_AppendJsonStringWithEscapes);

void BM_IsValidUtf8(benchmark::State& state) {
  const bool ascii = state.range(0) == 0;
  std::string text;
  while (text.size() < 4096) {
    text += ascii ? "2024-03-01T12:34:56Z,12345678,medium,"
                  : "Z\xC3\xBCrich,\xE2\x82\xAC 12,\xF0\x9F\x98\x80 ok,";
  }
  for (auto _ : state) benchmark::DoNotOptimize(csv2ddb::model::is_valid_utf8(text));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
  state.SetLabel(ascii ? "ascii" : "mixed");
}
BENCHMARK(BM_IsValidUtf8)->Arg(0)->Arg(1);

void BM_CanonicalizeNumber(benchmark::State& state) {
  const std::vector<std::string> inputs = {
      "123456789012", "123456789012345678", "-0.5", "007.50", "1.5E+3", "12345678"};
  std::string out;
  for (auto _ : state) {
    for (const std::string& input : inputs) {
      benchmark::DoNotOptimize(csv2ddb::model::canonicalize_number(input, out));
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * inputs.size()));
}
BENCHMARK(BM_CanonicalizeNumber);

void BM_CanonicalNumber(benchmark::State& state) {
  const std::string input = "123456789012";
  for (auto _ : state) benchmark::DoNotOptimize(csv2ddb::model::canonical_number(input));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CanonicalNumber);

void BM_ParseDynamoDbItemLine(benchmark::State& state) {
  std::string line;
  csv2ddb::model::append_dynamodb_item(line, sample_item());
  for (auto _ : state) {
    auto parsed = csv2ddb::model::parse_json(line);
    benchmark::DoNotOptimize(parsed.ok());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * line.size()));
}
BENCHMARK(BM_ParseDynamoDbItemLine);

}  // namespace
