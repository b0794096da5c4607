// Building the body of one BatchWriteItem request of 25 items (DynamoDbClient::batch_write_body):
// from items already encoded, which is what every writer lane does before signing and sending,
// and from model::Items, which is that plus the encoding; and the reader's per-item planning
// (plan_item: key fingerprint, DynamoDB JSON, write units), which is where the encoding happens;
// then the HTTP client's direct path: the request's bytes, and parsing DynamoDB's answer.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "aws/dynamodb_client.hpp"
#include "aws/http_wire.hpp"
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

// A signed BatchWriteItem as the lanes send it: head and 25-item body into a reused buffer.
void BM_HttpRequestBytes(benchmark::State& state) {
  const csv2ddb::model::EncodedItems encoded(sample_batch());
  csv2ddb::aws::HttpRequest request;
  request.method = "POST";
  request.url = "http://127.0.0.1:4566/";
  request.headers = {{"Host", "127.0.0.1:4566"},
                     {"Content-Type", "application/x-amz-json-1.0"},
                     {"X-Amz-Target", "DynamoDB_20120810.BatchWriteItem"},
                     {"X-Amz-Date", "20240501T120000Z"},
                     {"Authorization", std::string(200, 'a')}};
  request.body = csv2ddb::aws::DynamoDbClient::batch_write_body("offers", encoded.views());
  std::string wire;
  for (auto _ : state) {
    wire.clear();
    csv2ddb::aws::append_http_request(wire, request, "/", "127.0.0.1:4566", "csv2ddb/0.1", "");
    benchmark::DoNotOptimize(wire.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * wire.size()));
}
BENCHMARK(BM_HttpRequestBytes);

// DynamoDB's answer to a BatchWriteItem that wrote everything, as it arrives.
void BM_HttpResponseParse(benchmark::State& state) {
  const std::string answer =
      "HTTP/1.1 200 OK\r\nServer: Server\r\nDate: Wed, 01 May 2024 12:00:00 GMT\r\n"
      "Content-Type: application/x-amz-json-1.0\r\nContent-Length: 88\r\n"
      "Connection: keep-alive\r\nx-amzn-RequestId: "
      "JFPV6R3U8DQN0I1L2H4K5M6N7O8P9Q0R1S2T3U4V5W6X7Y8Z9A0B\r\nx-amz-crc32: 2745614147\r\n\r\n"
      "{\"ConsumedCapacity\":[{\"CapacityUnits\":25.0,\"TableName\":\"offers\"}],"
      "\"UnprocessedItems\":{}}";
  {
    csv2ddb::aws::HttpResponseParser check;
    auto progress = check.feed(answer);
    if (!progress.ok() || *progress != csv2ddb::aws::HttpResponseParser::Progress::kComplete) {
      state.SkipWithError("the sample answer does not parse");
      return;
    }
  }
  for (auto _ : state) {
    csv2ddb::aws::HttpResponseParser parser;
    auto progress = parser.feed(answer);
    benchmark::DoNotOptimize(progress.ok());
    benchmark::DoNotOptimize(parser.response().body.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HttpResponseParse);

}  // namespace
