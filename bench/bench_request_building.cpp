// Building the body of one BatchWriteItem request of 25 items (DynamoDbClient::batch_write_body):
// from items already encoded, which is what every writer lane does before signing and sending,
// and from model::Items, which is that plus the encoding; and the reader's per-item planning
// (plan_item: key fingerprint, DynamoDB JSON, write units), which is where the encoding happens.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "aws/dynamodb_client.hpp"
#include "ingest/batch_planner.hpp"
#include "model/dynamodb_json.hpp"

namespace {

using csv2ddb::model::AttributeValue;
using csv2ddb::model::Item;

// 25 rows shaped like make-csv's: eight string attributes, distinct keys.
std::vector<Item> sample_batch() {
  std::vector<Item> items;
  for (int i = 0; i < 25; ++i) {
    Item item;
    item.attributes = {{"account", AttributeValue::string("1234567" + std::to_string(i % 10))},
                       {"offer_id", AttributeValue::string("1234567890" + std::to_string(10 + i))},
                       {"catalog_id", AttributeValue::string("123456789012345678")},
                       {"account_type_code", AttributeValue::string("AB")},
                       {"offer_type_id", AttributeValue::string("12345678")},
                       {"created", AttributeValue::string("2024-03-01T12:34:56Z")},
                       {"expire", AttributeValue::string("2025-01-11T08:00:00Z")},
                       {"risk", AttributeValue::string("medium")}};
    items.push_back(std::move(item));
  }
  return items;
}

void BM_BatchWriteBody25(benchmark::State& state) {
  const std::vector<Item> items = sample_batch();
  const std::string table = "offers";
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::string body = csv2ddb::aws::DynamoDbClient::batch_write_body(table, items);
    bytes += body.size();
    benchmark::DoNotOptimize(body.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.SetItemsProcessed(state.iterations() * 25);
}
BENCHMARK(BM_BatchWriteBody25);

void BM_BatchWriteBody25Encoded(benchmark::State& state) {
  const csv2ddb::model::EncodedItems encoded(sample_batch());
  const std::string table = "offers";
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::string body = csv2ddb::aws::DynamoDbClient::batch_write_body(table, encoded.views());
    bytes += body.size();
    benchmark::DoNotOptimize(body.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.SetItemsProcessed(state.iterations() * 25);
}
BENCHMARK(BM_BatchWriteBody25Encoded);

void BM_PlanItem(benchmark::State& state) {
  const std::vector<Item> items = sample_batch();
  const auto schema = csv2ddb::model::parse_key_schema("account:S,offer_id:S").value();
  std::size_t total = 0;
  for (auto _ : state) {
    for (const Item& item : items) {
      csv2ddb::ingest::PlannedItem planned = csv2ddb::ingest::plan_item(item, schema, 1);
      total += planned.request_bytes + planned.write_units;
    }
    benchmark::DoNotOptimize(total);
  }
  state.SetItemsProcessed(state.iterations() * 25);
}
BENCHMARK(BM_PlanItem);

}  // namespace
