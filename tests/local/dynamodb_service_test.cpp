// The DynamoDB operations in-process (no HTTP): DynamoDB's validation messages, capacity
// arithmetic and paging, checked exactly.
#include "local/dynamodb/dynamodb_service.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace csv2ddb::local::dynamodb {
namespace {

class DynamoDbServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() /
        ("csv2ddb-local-unit-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    auto opened = TableStore::open(dir_.string());
    ASSERT_TRUE(opened.ok());
    store_ = std::move(*opened);
    service_ = std::make_unique<DynamoDbService>(*store_, faults_);
    ok("CreateTable",
       R"({"TableName":"offers","BillingMode":"PAY_PER_REQUEST",
           "KeySchema":[{"AttributeName":"a","KeyType":"HASH"},{"AttributeName":"o","KeyType":"RANGE"}],
           "AttributeDefinitions":[{"AttributeName":"a","AttributeType":"S"},{"AttributeName":"o","AttributeType":"N"}]})");
  }
  void TearDown() override {
    service_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string ok(std::string_view operation, std::string_view body) {
    auto result = service_->call(operation, body);
    EXPECT_TRUE(result.ok()) << operation << ": " << result.error().to_string();
    return result.ok() ? *result : "";
  }
  Error fails(std::string_view operation, std::string_view body) {
    auto result = service_->call(operation, body);
    EXPECT_FALSE(result.ok()) << operation << " succeeded: " << *result;
    return result.ok() ? Error{} : result.error();
  }

  std::filesystem::path dir_;
  FaultInjector faults_{FaultSpec{}, 1};
  std::unique_ptr<TableStore> store_;
  std::unique_ptr<DynamoDbService> service_;
};

TEST_F(DynamoDbServiceTest, UnknownOperationAndBadJson) {
  EXPECT_EQ(fails("ExecuteStatement", "{}").code, "UnknownOperationException");
  EXPECT_EQ(fails("PutItem", "{not json").code, "SerializationException");
  EXPECT_EQ(fails("PutItem", R"({"TableName":5})").message,
            "NUMBER_VALUE cannot be converted to String");
  EXPECT_EQ(fails("Scan", R"({"TableName":"offers","Limit":"x"})").message,
            "STRING_VALUE cannot be converted to Integer");
}

TEST_F(DynamoDbServiceTest, CreateTableValidation) {
  EXPECT_EQ(fails("CreateTable", "{}").message,
            "The parameter 'TableName' is required but was not present in the request");
  EXPECT_EQ(fails("CreateTable", R"({"TableName":"ab"})").message,
            "TableName must be at least 3 characters long and at most 255 characters long");
  EXPECT_EQ(fails("CreateTable", R"({"TableName":"a b c","BillingMode":"FREE"})").message,
            "4 validation errors detected: "
            "Value null at 'attributeDefinitions' failed to satisfy constraint: Member must not "
            "be null; "
            "Value 'a b c' at 'tableName' failed to satisfy constraint: Member must satisfy "
            "regular expression pattern: [a-zA-Z0-9_.-]+; "
            "Value 'FREE' at 'billingMode' failed to satisfy constraint: Member must satisfy "
            "enum value set: [PROVISIONED, PAY_PER_REQUEST]; "
            "Value null at 'keySchema' failed to satisfy constraint: Member must not be null");
  const Error in_use = fails("CreateTable",
                             R"({"TableName":"offers","BillingMode":"PAY_PER_REQUEST",
          "KeySchema":[{"AttributeName":"a","KeyType":"HASH"}],
          "AttributeDefinitions":[{"AttributeName":"a","AttributeType":"S"}]})");
  EXPECT_EQ(in_use.code, "ResourceInUseException");
  EXPECT_EQ(fails("CreateTable",
                  R"({"TableName":"other","KeySchema":[{"AttributeName":"a","KeyType":"HASH"}],
                      "AttributeDefinitions":[{"AttributeName":"a","AttributeType":"S"}]})")
                .message,
            "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits "
            "must both be specified when BillingMode is PROVISIONED");
}

TEST_F(DynamoDbServiceTest, BatchWriteValidation) {
  auto put = [](const std::string& a, const std::string& o) {
    return R"({"PutRequest":{"Item":{"a":{"S":")" + a + R"("},"o":{"N":")" + o + R"("}}}})";
  };
  std::string too_many = R"({"RequestItems":{"offers":[)";
  for (int i = 0; i < 26; ++i) too_many += (i ? "," : "") + put("x", std::to_string(i));
  too_many += "]}}";
  EXPECT_TRUE(fails("BatchWriteItem", too_many)
                  .message.starts_with("1 validation error detected: Value '{\"offers\":[{"));
  EXPECT_NE(fails("BatchWriteItem", too_many)
                .message.find("Map value must satisfy constraint: [Member must have length less "
                              "than or equal to 25, Member must have length greater than or "
                              "equal to 1]"),
            std::string::npos);
  EXPECT_EQ(fails("BatchWriteItem",
                  R"({"RequestItems":{"offers":[)" + put("x", "1") + "," + put("x", "1.0") + "]}}")
                .message,
            "Provided list of item keys contains duplicates");
  EXPECT_EQ(
      fails("BatchWriteItem", R"({"RequestItems":{"offers":[)" + put("", "1") + "]}}").message,
      "One or more parameter values are not valid. The AttributeValue for a key attribute "
      "cannot contain an empty string value. Key: a");
  EXPECT_EQ(
      fails("BatchWriteItem", R"({"RequestItems":{"offers":[)" + put("x", "1x") + "]}}").message,
      "The parameter cannot be converted to a numeric value: 1x");
  EXPECT_EQ(fails("BatchWriteItem",
                  R"({"RequestItems":{"offers":[{"PutRequest":{"Item":{"a":{"S":"x"}}}}]}})")
                .message,
            "The provided key element does not match the schema");
  EXPECT_EQ(
      fails("BatchWriteItem", R"({"RequestItems":{"nosuchtable":[)" + put("x", "1") + "]}}").code,
      "ResourceNotFoundException");
  EXPECT_EQ(
      fails(
          "BatchWriteItem",
          R"({"RequestItems":{"offers":[{"PutRequest":{"Item":{"a":{"S":"x"},"o":{"N":"1"},"s":{"SS":[]}}}}]}})")
          .message,
      "One or more parameter values were invalid: An string set  may not be empty");
  const std::string big(400 * 1024, 'x');
  EXPECT_EQ(
      fails(
          "BatchWriteItem",
          R"({"RequestItems":{"offers":[{"PutRequest":{"Item":{"a":{"S":"x"},"o":{"N":"1"},"big":{"S":")" +
              big + R"("}}}}]}})")
          .message,
      "Item size has exceeded the maximum allowed size");
}

// 25 write requests and 100 keys are limits of the whole call, not of each table in it.
TEST_F(DynamoDbServiceTest, BatchLimitsCountEveryTable) {
  ok("CreateTable",
     R"({"TableName":"second","BillingMode":"PAY_PER_REQUEST",
         "KeySchema":[{"AttributeName":"a","KeyType":"HASH"}],
         "AttributeDefinitions":[{"AttributeName":"a","AttributeType":"S"}]})");
  auto writes = [](int offers, int second) {
    std::string body = R"({"RequestItems":{"offers":[)";
    for (int i = 0; i < offers; ++i) {
      body += (i ? "," : "") + std::string(R"({"PutRequest":{"Item":{"a":{"S":"x"},"o":{"N":")") +
              std::to_string(i) + R"("}}}})";
    }
    body += R"(],"second":[)";
    for (int i = 0; i < second; ++i) {
      body += (i ? "," : "") + std::string(R"({"PutRequest":{"Item":{"a":{"S":"k)") +
              std::to_string(i) + R"("}}}})";
    }
    return body + "]}}";
  };
  const Error too_many = fails("BatchWriteItem", writes(13, 13));
  EXPECT_EQ(too_many.code, "ValidationException");
  EXPECT_EQ(too_many.message, "Too many items requested for the BatchWriteItem call");
  EXPECT_EQ(fails("Scan", R"({"TableName":"second","Limit":0})").code, "ValidationException");
  EXPECT_EQ(ok("Scan", R"({"TableName":"second","Select":"COUNT"})"),
            R"({"Count":0,"ScannedCount":0})");  // nothing of the refused call was written
  ok("BatchWriteItem", writes(12, 13));
  auto gets = [](int offers, int second) {
    std::string body = R"({"RequestItems":{"offers":{"Keys":[)";
    for (int i = 0; i < offers; ++i) {
      body += (i ? "," : "") + std::string(R"({"a":{"S":"x"},"o":{"N":")") + std::to_string(i) +
              R"("}})";
    }
    body += R"(]},"second":{"Keys":[)";
    for (int i = 0; i < second; ++i) {
      body += (i ? "," : "") + std::string(R"({"a":{"S":"k)") + std::to_string(i) + R"("}})";
    }
    return body + "]}}}";
  };
  EXPECT_EQ(fails("BatchGetItem", gets(51, 50)).message,
            "Too many items requested for the BatchGetItem call");
  ok("BatchGetItem", gets(50, 50));
}

TEST_F(DynamoDbServiceTest, WriteCapacityIsOneUnitPerStartedKilobyteOfTheLargerItem) {
  const std::string kb(1100, 'x');  // 1100 bytes of value: two units
  EXPECT_EQ(
      ok("BatchWriteItem",
         R"({"ReturnConsumedCapacity":"INDEXES","RequestItems":{"offers":[
                   {"PutRequest":{"Item":{"a":{"S":"x"},"o":{"N":"1"},"v":{"S":")" +
             kb + R"("}}}},
                   {"PutRequest":{"Item":{"a":{"S":"x"},"o":{"N":"2"}}}}]}})"),
      R"({"UnprocessedItems":{},"ConsumedCapacity":[{"TableName":"offers","CapacityUnits":3,"Table":{"CapacityUnits":3}}]})");
  // Overwriting the big item with a small one still costs what the old one weighed.
  EXPECT_EQ(
      ok("PutItem",
         R"({"TableName":"offers","ReturnConsumedCapacity":"TOTAL","Item":{"a":{"S":"x"},"o":{"N":"1"}}})"),
      R"({"ConsumedCapacity":{"TableName":"offers","CapacityUnits":2}})");
  // Deleting an absent item costs one unit.
  EXPECT_EQ(
      ok("DeleteItem",
         R"({"TableName":"offers","ReturnConsumedCapacity":"TOTAL","Key":{"a":{"S":"x"},"o":{"N":"9"}}})"),
      R"({"ConsumedCapacity":{"TableName":"offers","CapacityUnits":1}})");
}

TEST_F(DynamoDbServiceTest, ScanPagesWithLastEvaluatedKey) {
  ok("BatchWriteItem", R"({"RequestItems":{"offers":[
       {"PutRequest":{"Item":{"a":{"S":"x"},"o":{"N":"-1.5"}}}},
       {"PutRequest":{"Item":{"a":{"S":"x"},"o":{"N":"10"}}}},
       {"PutRequest":{"Item":{"a":{"S":"x"},"o":{"N":"2"}}}}]}})");
  EXPECT_EQ(ok("Scan", R"({"TableName":"offers","Limit":2})"),
            R"({"Items":[{"a":{"S":"x"},"o":{"N":"-1.5"}},{"a":{"S":"x"},"o":{"N":"2"}}],)"
            R"("Count":2,"ScannedCount":2,"LastEvaluatedKey":{"a":{"S":"x"},"o":{"N":"2"}}})");
  EXPECT_EQ(
      ok("Scan",
         R"({"TableName":"offers","Limit":2,"ExclusiveStartKey":{"a":{"S":"x"},"o":{"N":"2"}}})"),
      R"({"Items":[{"a":{"S":"x"},"o":{"N":"10"}}],"Count":1,"ScannedCount":1})");
  EXPECT_EQ(ok("Query",
               R"({"TableName":"offers","KeyConditionExpression":"a = :a AND o < :o",
                   "ExpressionAttributeValues":{":a":{"S":"x"},":o":{"N":"10"}},"ScanIndexForward":false,
                   "Select":"COUNT"})"),
            R"({"Count":2,"ScannedCount":2})");
}

// ItemCount and TableSizeBytes are counters kept with every write (never a scan of the table):
// exact through new items, overwrites of another size, deletes of present and absent keys,
// batches, and a restart. The sizes are DynamoDB's item sizes: names plus values.
TEST_F(DynamoDbServiceTest, DescribeTableCountersFollowEveryWrite) {
  auto counters = [this] {
    const std::string described = ok("DescribeTable", R"({"TableName":"offers"})");
    auto grab = [&](const std::string& name) {
      const auto at = described.find("\"" + name + "\":");
      if (at == std::string::npos) return std::string("missing");
      const auto start = at + name.size() + 3;
      return described.substr(start, described.find_first_of(",}", start) - start);
    };
    return grab("ItemCount") + "/" + grab("TableSizeBytes");
  };
  EXPECT_EQ(counters(), "0/0");
  ok("PutItem", R"({"TableName":"offers","Item":{"a":{"S":"x"},"o":{"N":"1"}}})");  // 1+1 + 1+2
  EXPECT_EQ(counters(), "1/5");
  ok("PutItem", R"({"TableName":"offers","Item":{"a":{"S":"x"},"o":{"N":"1"},"v":{"S":"abc"}}})");
  EXPECT_EQ(counters(), "1/9");  // the same key, 4 bytes more
  ok("BatchWriteItem", R"({"RequestItems":{"offers":[
       {"PutRequest":{"Item":{"a":{"S":"y"},"o":{"N":"1"}}}},
       {"PutRequest":{"Item":{"a":{"S":"y"},"o":{"N":"2"}}}},
       {"DeleteRequest":{"Key":{"a":{"S":"x"},"o":{"N":"1"}}}},
       {"DeleteRequest":{"Key":{"a":{"S":"z"},"o":{"N":"1"}}}}]}})");
  EXPECT_EQ(counters(), "2/10");
  ok("DeleteItem", R"({"TableName":"offers","Key":{"a":{"S":"y"},"o":{"N":"2"}}})");
  ok("DeleteItem", R"({"TableName":"offers","Key":{"a":{"S":"y"},"o":{"N":"2"}}})");  // absent
  EXPECT_EQ(counters(), "1/5");
  service_.reset();
  store_.reset();
  auto reopened = TableStore::open(dir_.string());
  ASSERT_TRUE(reopened.ok());
  store_ = std::move(*reopened);
  service_ = std::make_unique<DynamoDbService>(*store_, faults_);
  EXPECT_EQ(counters(), "1/5");
  const std::string deleted = ok("DeleteTable", R"({"TableName":"offers"})");
  EXPECT_NE(deleted.find("\"ItemCount\":1"), std::string::npos) << deleted;
  EXPECT_NE(deleted.find("\"TableSizeBytes\":5"), std::string::npos) << deleted;
}

// DeleteTable removes every item of a table, however many: it never runs on the reactor
// thread (which serves every other connection), and is done in chunks so that writers
// waiting there wait for one chunk at most. The other operations, bounded, run inline.
TEST_F(DynamoDbServiceTest, OnlyBoundedOperationsRunOnTheReactor) {
  auto policy = [this](const std::string& operation) {
    HttpRequest head;
    head.method = "POST";
    head.headers = {{"X-Amz-Target", "DynamoDB_20120810." + operation}};
    return service_->body_policy(head).run_inline;
  };
  EXPECT_FALSE(policy("DeleteTable"));
  for (const char* operation : {"BatchWriteItem", "PutItem", "GetItem", "Query", "Scan",
                                "DescribeTable", "CreateTable", "ListTables"}) {
    EXPECT_TRUE(policy(operation)) << operation;
  }
  // 5000 items go in several chunks; the table is gone and a new one of the same name is empty.
  for (int batch = 0; batch < 200; ++batch) {
    std::string body = R"({"RequestItems":{"offers":[)";
    for (int i = 0; i < 25; ++i) {
      body += (i ? "," : "") + std::string(R"({"PutRequest":{"Item":{"a":{"S":"b)") +
              std::to_string(batch) + R"("},"o":{"N":")" + std::to_string(i) + R"("}}}})";
    }
    ok("BatchWriteItem", body + "]}}");
  }
  const std::string deleted = ok("DeleteTable", R"({"TableName":"offers"})");
  EXPECT_NE(deleted.find("\"ItemCount\":5000"), std::string::npos) << deleted;
  ok("CreateTable",
     R"({"TableName":"offers","BillingMode":"PAY_PER_REQUEST",
         "KeySchema":[{"AttributeName":"a","KeyType":"HASH"},{"AttributeName":"o","KeyType":"RANGE"}],
         "AttributeDefinitions":[{"AttributeName":"a","AttributeType":"S"},{"AttributeName":"o","AttributeType":"N"}]})");
  EXPECT_EQ(ok("Scan", R"({"TableName":"offers","Select":"COUNT"})"),
            R"({"Count":0,"ScannedCount":0})");
}

// ReturnValues ALL_OLD is read inside the write's own transaction. Many threads put to one key
// at once, each a value of its own: every put must see a different old value, and the old
// values plus the final one are exactly the values written (a chain, nothing seen twice).
TEST_F(DynamoDbServiceTest, AllOldIsTheItemThisPutReplaced) {
  constexpr int kThreads = 8;
  constexpr int kPuts = 60;
  std::vector<std::vector<std::string>> seen(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t, &seen] {
      for (int i = 0; i < kPuts; ++i) {
        const std::string value = std::to_string(t * 1000 + i);
        auto result = service_->call(
            "PutItem", R"({"TableName":"offers","ReturnValues":"ALL_OLD","Item":{"a":{"S":"k"},)"
                       R"("o":{"N":"1"},"v":{"S":")" +
                           value + R"("}}})");
        if (!result) {
          seen[t].push_back("error " + result.error().message);
          continue;
        }
        const auto at = result->find(R"("v":{"S":")");
        seen[t].push_back(at == std::string::npos
                              ? "none"
                              : result->substr(at + 10, result->find('"', at + 10) - at - 10));
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::multiset<std::string> olds;
  for (const auto& values : seen) olds.insert(values.begin(), values.end());
  const std::string final_item =
      ok("GetItem", R"({"TableName":"offers","Key":{"a":{"S":"k"},"o":{"N":"1"}}})");
  const auto at = final_item.find(R"("v":{"S":")");
  ASSERT_NE(at, std::string::npos);
  olds.insert(final_item.substr(at + 10, final_item.find('"', at + 10) - at - 10));
  std::multiset<std::string> expected{"none"};
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kPuts; ++i) expected.insert(std::to_string(t * 1000 + i));
  }
  EXPECT_EQ(olds, expected);
}

// The WAL is checkpointed by the store's own thread, not in the commit of whichever request
// filled it (on the server's reactor, that would stall every connection for the copy and two
// fsyncs), and the writer's own automatic checkpoints are off. So this guards the thread: with
// 60 MB written back to back, the database file itself must grow (pages copied into it from
// the WAL), and the WAL must have started over near 32 MB (the writer finishes a checkpoint
// there; a thread chasing a writer that never pauses would let it grow without bound).
TEST_F(DynamoDbServiceTest, TheWalIsCheckpointedInTheBackground) {
  const std::string big(20000, 'v');
  for (int batch = 0; batch < 120; ++batch) {
    std::string body = R"({"RequestItems":{"offers":[)";
    for (int i = 0; i < 25; ++i) {
      body += (i ? "," : "") + std::string(R"({"PutRequest":{"Item":{"a":{"S":"w)") +
              std::to_string(batch) + R"("},"o":{"N":")" + std::to_string(i) + R"("},"v":{"S":")" +
              big + R"("}}}})";
    }
    ok("BatchWriteItem", body + "]}}");
  }
  const auto database = dir_ / "dynamodb.sqlite3";
  std::uintmax_t size = 0;
  for (int i = 0; i < 200 && size < 8'000'000; ++i) {
    size = std::filesystem::file_size(database);
    if (size < 8'000'000) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_GE(size, 8'000'000U);
  EXPECT_LE(std::filesystem::file_size(dir_ / "dynamodb.sqlite3-wal"), 40'000'000U);
}

}  // namespace
}  // namespace csv2ddb::local::dynamodb
