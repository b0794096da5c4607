// The DynamoDB client against dynalite, an independent DynamoDB implementation: table life
// cycle, every attribute type through BatchWriteItem and back through Scan, Query and GetItem,
// and invalid batches whose error codes and messages are dynalite's own (recorded verbatim: it
// mirrors DynamoDB's wording). awscli v2 then reads what we wrote.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "adapters/dynamodb_table_writer.hpp"
#include "aws/dynamodb_client.hpp"
#include "client_test_support.hpp"
#include "model/json.hpp"
#include "test_servers.hpp"

namespace csv2ddb::aws {
namespace {

using adapters::DynamoDbTableWriter;

using testing::B;
using testing::N;
using testing::S;
using Status = ingest::BatchWriteOutcome::Status;

class DynaliteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    server_ = testing::start_dynalite(&why);
    if (!server_) GTEST_SKIP() << why;
    client_ = std::make_shared<DynamoDbClient>(
        testing::make_test_caller("dynamodb", ErrorDialect::kDynamoDbJson, server_->url()));
    schema_.hash = {"account", model::AttributeType::kS};
    schema_.range = model::KeyAttribute{"offer_id", model::AttributeType::kS};
    auto created = client_->create_table("offers", schema_);
    ASSERT_TRUE(created) << created.error().to_string();
    ASSERT_TRUE(client_->wait_until_active("offers"));
  }

  // 25 items with every attribute type, odd bytes and UTF-8.
  static std::vector<model::Item> sample_items() {
    std::vector<model::Item> items;
    for (int i = 0; i < 25; ++i) {
      model::Item item;
      item.attributes.push_back({"account", S("acct-" + std::to_string(i % 3))});
      item.attributes.push_back({"offer_id", S("offer-" + std::to_string(i))});
      item.attributes.push_back({"price", N(std::to_string(i) + ".25")});
      item.attributes.push_back({"big", N("12345678901234567890123456789012345678")});
      item.attributes.push_back({"raw", B(std::string("\x00\xff\x10", 3) + std::to_string(i))});
      item.attributes.push_back({"title", S("Crème brûlée ☕ 東京 " + std::to_string(i))});
      item.attributes.push_back({"active", model::AttributeValue::boolean_value(i % 2 == 0)});
      item.attributes.push_back({"nothing", model::AttributeValue::null()});
      item.attributes.push_back(
          {"tags", testing::set_of(model::AttributeType::kSS, {"a", "b", "ü"})});
      item.attributes.push_back(
          {"sizes", testing::set_of(model::AttributeType::kNS, {"1", "2.5", "-3"})});
      item.attributes.push_back(
          {"blobs", testing::set_of(model::AttributeType::kBS, {std::string("\x01", 1), "xyz"})});
      model::AttributeValue list;
      list.type = model::AttributeType::kL;
      list.list = {S("x"), N("7")};
      item.attributes.push_back({"list", list});
      model::AttributeValue map;
      map.type = model::AttributeType::kM;
      map.map = {{"inner", S("v")}, {"n", N("0")}};
      item.attributes.push_back({"doc", map});
      items.push_back(std::move(item));
    }
    return items;
  }

  static model::Item keyed(std::string account, std::string offer) {
    model::Item item;
    item.attributes.push_back({"account", S(std::move(account))});
    item.attributes.push_back({"offer_id", S(std::move(offer))});
    return item;
  }

  std::unique_ptr<testing::ChildServer> server_;
  std::shared_ptr<DynamoDbClient> client_;
  model::KeySchema schema_;
};

TEST_F(DynaliteTest, DescribeTableGivesKeySchemaWithTypes) {
  auto description = client_->describe_table("offers");
  ASSERT_TRUE(description) << description.error().to_string();
  EXPECT_EQ(description->name, "offers");
  EXPECT_EQ(description->status, "ACTIVE");
  EXPECT_EQ(description->key_schema.hash.name, "account");
  EXPECT_EQ(description->key_schema.hash.type, model::AttributeType::kS);
  ASSERT_TRUE(description->key_schema.range.has_value());
  EXPECT_EQ(description->key_schema.range->name, "offer_id");

  DynamoDbTableWriter writer(client_);
  auto schema = writer.describe_key_schema("offers");
  ASSERT_TRUE(schema);
  EXPECT_EQ(schema->hash.name, "account");
}

TEST_F(DynaliteTest, BatchWriteThenScanQueryGetReturnTheSameItems) {
  const std::vector<model::Item> items = sample_items();
  auto written = client_->batch_write_item("offers", items);
  ASSERT_TRUE(written) << written.error().to_string();
  EXPECT_TRUE(written->unprocessed.empty());
  EXPECT_GT(written->consumed_wcu, 0.0);

  // Scan page by page (Limit 7 forces ExclusiveStartKey pagination), then the helper.
  std::vector<model::Item> paged;
  std::optional<model::Item> start;
  int pages = 0;
  do {
    auto page = client_->scan("offers", start, 7);
    ASSERT_TRUE(page) << page.error().to_string();
    paged.insert(paged.end(), page->items.begin(), page->items.end());
    start = page->last_evaluated_key;
    ++pages;
  } while (start);
  EXPECT_GE(pages, 4);
  EXPECT_EQ(testing::canonical_items(paged), testing::canonical_items(items));
  auto all = client_->scan_all("offers");
  ASSERT_TRUE(all);
  EXPECT_EQ(testing::canonical_items(*all), testing::canonical_items(items));

  QueryRequest query;
  query.table = "offers";
  query.key_condition_expression = "#a = :a AND begins_with(#o, :p)";
  query.names = {{"#a", "account"}, {"#o", "offer_id"}};
  query.values.attributes.push_back({":a", S("acct-1")});
  query.values.attributes.push_back({":p", S("offer-1")});
  auto found = client_->query(query);
  ASSERT_TRUE(found) << found.error().to_string();
  // acct-1 holds offers 1, 4, 7, ..., 22; those starting "offer-1": 1, 10, 13, 16, 19.
  std::vector<std::string> offers;
  for (const model::Item& item : found->items) offers.push_back(item.find("offer_id")->text);
  EXPECT_EQ(offers,
            (std::vector<std::string>{"offer-1", "offer-10", "offer-13", "offer-16", "offer-19"}));

  auto item = client_->get_item("offers", keyed("acct-2", "offer-5"));
  ASSERT_TRUE(item) << item.error().to_string();
  ASSERT_TRUE(item->has_value());
  EXPECT_EQ(testing::normalized(**item), testing::normalized(items[5]));
  auto missing = client_->get_item("offers", keyed("acct-2", "no-such-offer"));
  ASSERT_TRUE(missing);
  EXPECT_FALSE(missing->has_value());

  ASSERT_TRUE(client_->put_item("offers", keyed("acct-9", "single")));
  auto single = client_->get_item("offers", keyed("acct-9", "single"));
  ASSERT_TRUE(single && single->has_value());

  ASSERT_TRUE(client_->delete_table("offers"));
  // dynalite answers DeleteTable with status DELETING and drops the table a timer tick later
  // (as DynamoDB does, only slower): poll as a waiter would.
  auto gone = client_->describe_table("offers");
  for (int attempt = 0; gone && attempt < 100; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    gone = client_->describe_table("offers");
  }
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, "ResourceNotFoundException");
  EXPECT_NE(gone.error().message.find("Requested resource not found"), std::string::npos)
      << gone.error().message;
}

struct InvalidBatchCase {
  std::string name;
  std::vector<model::Item> items;
  std::string code;
  std::string message;  // dynalite's, verbatim
};

TEST_F(DynaliteTest, InvalidBatchesFailWithDynalitesCodeAndMessage) {
  std::vector<InvalidBatchCase> cases;
  cases.push_back({"duplicate keys",
                   {keyed("a", "1"), keyed("a", "1")},
                   "ValidationException",
                   "Provided list of item keys contains duplicates"});
  model::Item huge = keyed("a", "huge");
  huge.attributes.push_back({"blob", S(std::string(401 * 1024, 'x'))});
  cases.push_back({"item over 400 KB",
                   {huge},
                   "ValidationException",
                   "Item size has exceeded the maximum allowed size"});
  cases.push_back({"empty string key",
                   {keyed("", "1")},
                   "ValidationException",
                   "One or more parameter values are not valid. The AttributeValue for a key "
                   "attribute cannot contain an empty string value. Key: account"});
  // dynalite quotes the whole RequestItems map back, as compact JSON.
  std::vector<model::Item> too_many;
  std::string quoted = "{\"offers\":[";
  for (int i = 0; i < 26; ++i) {
    too_many.push_back(keyed("a", std::to_string(i)));
    if (i > 0) quoted += ",";
    quoted += "{\"PutRequest\":{\"Item\":{\"account\":{\"S\":\"a\"},\"offer_id\":{\"S\":\"" +
              std::to_string(i) + "\"}}}}";
  }
  quoted += "]}";
  cases.push_back({"26 items", too_many, "ValidationException",
                   "1 validation error detected: Value '" + quoted +
                       "' at 'requestItems' failed to satisfy constraint: Map value must satisfy "
                       "constraint: [Member must have length less than or equal to 25, Member "
                       "must have length greater than or equal to 1]"});
  model::Item no_range;
  no_range.attributes.push_back({"account", S("a")});
  cases.push_back({"missing key",
                   {no_range},
                   "ValidationException",
                   "The provided key element does not match the schema"});

  DynamoDbTableWriter writer(client_);
  for (const InvalidBatchCase& c : cases) {
    SCOPED_TRACE(c.name);
    AwsError failure;
    auto result = client_->batch_write_item("offers", c.items, RetryMode::kStandard, &failure);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, c.code);
    EXPECT_EQ(failure.code, c.code);
    EXPECT_EQ(failure.http_status, 400);
    EXPECT_EQ(failure.message, c.message);

    const ingest::BatchWriteOutcome outcome = writer.batch_put("offers", c.items);
    EXPECT_EQ(outcome.status, Status::kInvalid);
    EXPECT_EQ(outcome.error_code, c.code);
    EXPECT_EQ(outcome.error_message, c.message);
  }
}

TEST_F(DynaliteTest, TableWriterReportsAMissingTableAsFatal) {
  DynamoDbTableWriter writer(client_);
  const ingest::BatchWriteOutcome outcome = writer.batch_put("no_such_table", {keyed("a", "1")});
  EXPECT_EQ(outcome.status, Status::kFatal);
  EXPECT_EQ(outcome.error_code, "ResourceNotFoundException");
  EXPECT_EQ(outcome.error_message, "Requested resource not found");

  const ingest::BatchWriteOutcome ok = writer.batch_put("offers", sample_items());
  EXPECT_EQ(ok.status, Status::kOk);
  EXPECT_TRUE(ok.unprocessed.empty());
  EXPECT_DOUBLE_EQ(ok.consumed_wcu, 25.0);

  auto schema = writer.describe_key_schema("no_such_table");
  ASSERT_FALSE(schema);
  EXPECT_EQ(schema.error().code, "ResourceNotFoundException");
}

TEST_F(DynaliteTest, AwsCliScanReturnsTheItemsWeWrote) {
  const std::string aws = testing::awscli_path();
  if (aws.empty()) GTEST_SKIP() << "awscli v2 (/usr/bin/aws) is not installed";
  const std::vector<model::Item> items = sample_items();
  auto written = client_->batch_write_item("offers", items);
  ASSERT_TRUE(written) << written.error().to_string();

  const testing::CommandResult scan =
      testing::run_command({aws, "dynamodb", "scan", "--table-name", "offers", "--endpoint-url",
                            server_->url(), "--output", "json"},
                           testing::awscli_env("test", "test"));
  ASSERT_EQ(scan.exit_code, 0) << scan.err;
  auto document = model::parse_json(scan.out);
  ASSERT_TRUE(document) << document.error().to_string();
  const model::JsonValue* listed = document->find("Items");
  ASSERT_NE(listed, nullptr);
  std::vector<model::Item> seen;
  for (const model::JsonValue& element : listed->as_array()) {
    auto item = model::decode_dynamodb_item(element);
    ASSERT_TRUE(item) << item.error().to_string();
    seen.push_back(std::move(item).value());
  }
  EXPECT_EQ(testing::canonical_items(seen), testing::canonical_items(items));
}

}  // namespace
}  // namespace csv2ddb::aws
