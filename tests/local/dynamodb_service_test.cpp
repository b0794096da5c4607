// The DynamoDB operations in-process (no HTTP): DynamoDB's validation messages, capacity
// arithmetic and paging, checked exactly.
#include "local/dynamodb/dynamodb_service.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

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
  EXPECT_EQ(fails("TransactWriteItems", "{}").code, "UnknownOperationException");
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

}  // namespace
}  // namespace csv2ddb::local::dynamodb
