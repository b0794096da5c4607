// Micro-benchmarks for the JSON Lines inputs' hot path: a line of DynamoDB JSON or of plain JSON
// (a make-csv row's eight string attributes) decoded into a checked item, and the line reader
// splitting a buffer into lines. Next to BM_AppendDynamoDbItem (bench_item_encoding.cpp), which
// is what a row costs on its way out again.
#include <benchmark/benchmark.h>

#include <string>

#include "csv/byte_source.hpp"
#include "ingest/json_line_items.hpp"
#include "ingest/line_reader.hpp"
#include "model/attribute_value.hpp"

namespace {

using csv2ddb::ingest::LineOutcome;

const char* const kDynamoDbLine =
    R"({"Item":{"account":{"S":"12345678"},"offer_id":{"S":"123456789012"},)"
    R"("catalog_id":{"S":"123456789012345678"},"account_type_code":{"S":"AB"},)"
    R"("offer_type_id":{"S":"12345678"},"created":{"S":"2024-03-01T12:34:56Z"},)"
    R"("expire":{"S":"2024-03-01T12:34:56Z"},"risk":{"S":"medium"}}})";

const char* const kPlainLine =
    R"({"account":"12345678","offer_id":"123456789012","catalog_id":"123456789012345678",)"
    R"("account_type_code":"AB","offer_type_id":"12345678","created":"2024-03-01T12:34:56Z",)"
    R"("expire":"2024-03-01T12:34:56Z","risk":"medium"})";

csv2ddb::model::KeySchema schema() {
  return csv2ddb::model::parse_key_schema("account:S,offer_id:S").value();
}

void BM_DecodeDynamoDbJsonLine(benchmark::State& state) {
  const auto keys = schema();
  csv2ddb::model::Item item;
  std::string reason;
  const std::string line = kDynamoDbLine;
  for (auto _ : state) {
    const LineOutcome outcome =
        csv2ddb::ingest::decode_dynamodb_json_line(line, keys, item, reason);
    benchmark::DoNotOptimize(outcome);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * line.size()));
}
BENCHMARK(BM_DecodeDynamoDbJsonLine);

void BM_DecodePlainJsonLine(benchmark::State& state) {
  const auto keys = schema();
  const csv2ddb::ingest::Typing typing;
  csv2ddb::model::Item item;
  std::string reason;
  const std::string line = kPlainLine;
  for (auto _ : state) {
    const LineOutcome outcome =
        csv2ddb::ingest::decode_plain_json_line(line, keys, typing, item, reason);
    benchmark::DoNotOptimize(outcome);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * line.size()));
}
BENCHMARK(BM_DecodePlainJsonLine);

void BM_LineReader(benchmark::State& state) {
  std::string text;
  while (text.size() < (std::size_t{32} << 20)) text.append(kDynamoDbLine).push_back('\n');
  for (auto _ : state) {
    csv2ddb::ingest::LineReader reader(csv2ddb::csv::make_memory_source(text, "bench"));
    csv2ddb::ingest::Line line;
    std::size_t lines = 0;
    while (*reader.next(line)) ++lines;
    benchmark::DoNotOptimize(lines);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_LineReader);

}  // namespace
