// libFuzzer target for the local DynamoDB's request handling: any bytes as the JSON body of
// any operation (the first byte picks it), against a real table store in a temporary folder.
// Every outcome must be a response or an Error with a DynamoDB error code; never a crash, a
// sanitizer report or an InternalServerError (which would mean a request reached storage in a
// state validation should have refused).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "local/dynamodb/dynamodb_service.hpp"

using namespace csv2ddb::local;

namespace {

constexpr std::string_view kOperations[] = {
    "CreateTable", "DescribeTable",  "ListTables",   "DeleteTable", "PutItem", "GetItem",
    "DeleteItem",  "BatchWriteItem", "BatchGetItem", "Scan",        "Query",   "Unknown"};

struct Fixture {
  Fixture() {
    dir = std::filesystem::temp_directory_path() /
          ("csv2ddb-fuzz-dynamodb-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    auto opened = dynamodb::TableStore::open(dir.string());
    if (!opened) std::abort();
    store = std::move(*opened);
    service = std::make_unique<dynamodb::DynamoDbService>(*store, faults);
    // Two tables the fuzzer can name: one with a numeric range key, one hash-only.
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
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Fixture fixture;
  if (size == 0) return 0;
  const std::string_view operation = kOperations[data[0] % std::size(kOperations)];
  if (operation == "DeleteTable") return 0;  // keep the fixture's tables
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto result = fixture.service->call(operation, body);
  if (!result.ok() &&
      (result.error().code.empty() || result.error().code == "InternalServerError")) {
    std::fprintf(stderr, "unexpected error: %s\n", result.error().to_string().c_str());
    std::abort();
  }
  return 0;
}
