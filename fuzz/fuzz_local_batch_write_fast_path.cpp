// libFuzzer target for BatchWriteItem's fast path (batch_write_fast_path.cpp), differentially:
// any bytes as the request body; whenever the fast path accepts them, the general path (the
// JSON parser and plan_batch_write) must accept them too and plan exactly the same writes (key
// bytes, stored JSON, sizes, order, the elements UnprocessedItems would hand back).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "local/dynamodb/batch_write.hpp"
#include "local/dynamodb/dynamodb_service.hpp"

using namespace csv2ddb::local;

namespace {

struct Fixture {
  Fixture() {
    dir = std::filesystem::temp_directory_path() /
          ("csv2ddb-fuzz-fast-path-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    auto opened = dynamodb::TableStore::open(dir.string());
    if (!opened) std::abort();
    store = std::move(*opened);
    service = std::make_unique<dynamodb::DynamoDbService>(*store, faults);
    context =
        std::make_unique<dynamodb::OperationContext>(dynamodb::OperationContext{*store, faults});
    // A table with a numeric range key, and a hash-only one keyed by bytes.
    (void)service->call("CreateTable",
                        R"({"TableName":"fuzz","BillingMode":"PAY_PER_REQUEST",
          "KeySchema":[{"AttributeName":"a","KeyType":"HASH"},{"AttributeName":"o","KeyType":"RANGE"}],
          "AttributeDefinitions":[{"AttributeName":"a","AttributeType":"S"},{"AttributeName":"o","AttributeType":"N"}]})");
    (void)service->call("CreateTable",
                        R"({"TableName":"hash","BillingMode":"PAY_PER_REQUEST",
          "KeySchema":[{"AttributeName":"k","KeyType":"HASH"}],
          "AttributeDefinitions":[{"AttributeName":"k","AttributeType":"B"}]})");
  }
  ~Fixture() { std::filesystem::remove_all(dir); }

  std::filesystem::path dir;
  FaultInjector faults{FaultSpec{}, 1};
  std::unique_ptr<dynamodb::TableStore> store;
  std::unique_ptr<dynamodb::DynamoDbService> service;
  std::unique_ptr<dynamodb::OperationContext> context;
};

std::string describe(const dynamodb::BatchWritePlan& plan) {
  std::string out = plan.capacity_mode + "\n";
  for (const dynamodb::TableWrites& table : plan.tables) {
    out += table.table.name + "\n";
    for (std::size_t i = 0; i < table.writes.size(); ++i) {
      const dynamodb::ItemWrite& w = table.writes[i];
      out += (w.is_put ? "put\n" : "delete\n") + std::to_string(w.hash.size()) + ":" + w.hash +
             std::to_string(w.range.size()) + ":" + w.range + "\n" + std::to_string(w.size) + "\n" +
             w.json + "\n";
      table.originals[i].append_to(out);
      out += "\n";
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Fixture fixture;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto fast = dynamodb::plan_batch_write_from_text(body, *fixture.context);
  if (!fast) return 0;
  auto parsed = csv2ddb::model::parse_json(body);
  if (!parsed || !parsed->is_object()) {
    std::fprintf(stderr, "the fast path took what the JSON parser refuses\n");
    std::abort();
  }
  auto general = dynamodb::plan_batch_write(*parsed, *fixture.context);
  if (!general) {
    std::fprintf(stderr, "the fast path took what the general path refuses: %s\n",
                 general.error().to_string().c_str());
    std::abort();
  }
  if (describe(*fast) != describe(*general)) {
    std::fprintf(stderr, "the plans differ:\n%s\nversus\n%s\n", describe(*fast).c_str(),
                 describe(*general).c_str());
    std::abort();
  }
  return 0;
}
