// The import handler called directly with real S3 events, against dynalite (DynamoDB) and
// s3rver (S3) on 127.0.0.1: the table ends up holding the CSV's items, the outputs land at the
// ARCHITECTURE.md keys, and keys that must not start an ingestion are skipped.
#include "lambda/import_handler.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "aws/dynamodb_client.hpp"
#include "aws/s3_client.hpp"
#include "client_test_support.hpp"
#include "lambda_test_support.hpp"
#include "model/json.hpp"
#include "test_servers.hpp"

namespace csv2ddb::lambda {
namespace {

constexpr const char* kBucket = "imports";

// Form-URL-encodes a key the way S3 writes it into events: ' ' as '+', other reserved and
// non-ASCII bytes as %XX.
std::string event_encoded(const std::string& key) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : key) {
    if (std::isalnum(c) || c == '/' || c == '.' || c == '-' || c == '_') {
      out.push_back(static_cast<char>(c));
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string s3_event(const std::vector<std::string>& encoded_keys, const std::string& etag = "") {
  std::string out = R"({"Records":[)";
  for (std::size_t i = 0; i < encoded_keys.size(); ++i) {
    if (i > 0) out += ',';
    out += R"({"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1",)"
           R"("eventName":"ObjectCreated:Put","s3":{"s3SchemaVersion":"1.0",)"
           R"("bucket":{"name":")" +
           std::string(kBucket) + R"(","arn":"arn:aws:s3:::imports"},"object":{"key":")" +
           encoded_keys[i] + "\",\"size\":1" +
           (etag.empty() ? std::string() : ",\"eTag\":\"" + etag + "\"") +
           R"(,"sequencer":"0062E99A88DC407460"}}})";
  }
  return out + "]}";
}

class ImportHandlerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string why;
    dynalite_ = aws::testing::start_dynalite(&why).release();
    if (dynalite_ == nullptr) {
      skip_reason_ = new std::string(why);
      return;
    }
    s3_dir_ = new aws::testing::TempDir();
    s3rver_ = aws::testing::start_s3rver(s3_dir_->path(), &why).release();
    if (s3rver_ == nullptr) skip_reason_ = new std::string(why);
  }
  static void TearDownTestSuite() {
    delete s3rver_;
    delete dynalite_;
    delete s3_dir_;
    delete skip_reason_;
    s3rver_ = nullptr;
    dynalite_ = nullptr;
    s3_dir_ = nullptr;
    skip_reason_ = nullptr;
  }

  void SetUp() override {
    if (skip_reason_ != nullptr) GTEST_SKIP() << *skip_reason_;
    aws::testing::TestCallerOptions s3_options;
    s3_options.access_key = "S3RVER";
    s3_options.secret_key = "S3RVER";
    clients_.s3 = std::make_shared<aws::S3Client>(aws::testing::make_test_caller(
        "s3", aws::ErrorDialect::kS3Xml, s3rver_->url(), s3_options));
    clients_.dynamodb = std::make_shared<aws::DynamoDbClient>(aws::testing::make_test_caller(
        "dynamodb", aws::ErrorDialect::kDynamoDbJson, dynalite_->url()));
    // Each test its own table, so tests do not see each other's items.
    table_ =
        std::string("offers-") + ::testing::UnitTest::GetInstance()->current_test_info()->name();
    auto schema = model::parse_key_schema("account:S,offer_id:S");
    ASSERT_TRUE(schema);
    ASSERT_TRUE(clients_.dynamodb->create_table(table_, *schema));
    ASSERT_TRUE(clients_.dynamodb->wait_until_active(table_));
    (void)clients_.s3->create_bucket(kBucket);  // exists already after the first test
    config_.table = table_;
    config_.function_name = "import-test";
  }

  void put(const std::string& key, const std::string& body) {
    auto stored = aws::testing::put_into_s3rver(*clients_.s3, kBucket, key, body, "text/csv");
    ASSERT_TRUE(stored) << stored.error().to_string();
  }

  std::optional<std::string> get(const std::string& key) {
    std::string body;
    auto info = clients_.s3->get_object(kBucket, key, {}, [&](std::string_view chunk) {
      body.append(chunk);
      return Status{};
    });
    if (!info) return std::nullopt;
    return body;
  }

  std::vector<std::string> table_items() {
    auto items = clients_.dynamodb->scan_all(table_);
    EXPECT_TRUE(items) << items.error().to_string();
    return items ? aws::testing::canonical_items(*items) : std::vector<std::string>{};
  }

  InvocationResponse invoke(const std::string& event) {
    InvocationRequest request;
    request.request_id = "test-request";
    request.payload = event;
    return handle_import(request, config_, clients_);
  }

  static std::string member(const std::string& json, const char* name) {
    auto parsed = model::parse_json(json);
    if (!parsed) return "<not json>";
    const model::JsonValue* value = parsed->find(name);
    return value == nullptr ? "<absent>" : model::to_json(*value);
  }

  static aws::testing::ChildServer* dynalite_;
  static aws::testing::ChildServer* s3rver_;
  static aws::testing::TempDir* s3_dir_;
  static std::string* skip_reason_;
  ImportClients clients_;
  ImportConfig config_;
  std::string table_;
};

aws::testing::ChildServer* ImportHandlerTest::dynalite_ = nullptr;
aws::testing::ChildServer* ImportHandlerTest::s3rver_ = nullptr;
aws::testing::TempDir* ImportHandlerTest::s3_dir_ = nullptr;
std::string* ImportHandlerTest::skip_reason_ = nullptr;

TEST_F(ImportHandlerTest, WritesTheRowsAndTheOutputsBesideTheObject) {
  put("data/offers.csv",
      "account,offer_id,price\n"
      "A1,O1,10\n"
      "A1,O2,20\n"
      ",O3,30\n"  // no hash key: rejected
      "A2,O1,\n"
      "A1,O1,11\n");  // the same key again: the last row wins
  InvocationResponse response = invoke(s3_event({"data/offers.csv"}));
  ASSERT_TRUE(response.is_success()) << response.error_message();

  EXPECT_EQ(table_items(), (std::vector<std::string>{
                               R"({"account":{"S":"A1"},"offer_id":{"S":"O1"},"price":{"S":"11"}})",
                               R"({"account":{"S":"A1"},"offer_id":{"S":"O2"},"price":{"S":"20"}})",
                               R"({"account":{"S":"A2"},"offer_id":{"S":"O1"}})"}));

  const std::string& result = response.payload();
  EXPECT_EQ(member(result, "processed_rows"), "4");
  EXPECT_EQ(member(result, "unprocessed_rows"), "0");
  EXPECT_EQ(member(result, "unprocessed_file"), "null");
  EXPECT_EQ(member(result, "json_copy"), R"("s3://imports/json-copy/data/offers.json")");
  EXPECT_EQ(member(result, "rows_read"), "5");
  EXPECT_EQ(member(result, "rows_rejected"), "1");
  EXPECT_EQ(member(result, "skipped"), "[]");

  auto copy = get("json-copy/data/offers.json");
  ASSERT_TRUE(copy);
  auto copy_json = model::parse_json(*copy);
  ASSERT_TRUE(copy_json) << *copy;
  EXPECT_EQ(model::to_json(*copy_json), R"({"data":[{"account":"A1","offer_id":"O1","price":"10"},)"
                                        R"({"account":"A1","offer_id":"O2","price":"20"},)"
                                        R"({"account":"A2","offer_id":"O1"},)"
                                        R"({"account":"A1","offer_id":"O1","price":"11"}]})");

  auto rejected = get("rejected/data/offers.csv.rejected.jsonl");
  ASSERT_TRUE(rejected);
  auto rejected_line = model::parse_json(rejected->substr(0, rejected->find('\n')));
  ASSERT_TRUE(rejected_line) << *rejected;
  EXPECT_EQ(model::to_json(*rejected_line->find("line")), "4");
  EXPECT_EQ(model::to_json(*rejected_line->find("fields")), R"(["","O3","30"])");

  auto report = get("reports/data/offers.csv.report.json");
  ASSERT_TRUE(report);
  EXPECT_EQ(member(*report, "rows_read"), "5");
  EXPECT_EQ(member(*report, "rows_written"), "4");
  EXPECT_EQ(member(*report, "source"), R"("s3://imports/data/offers.csv")");
  EXPECT_FALSE(get("unprocessed/data/offers.csv.unprocessed.json"));
}

TEST_F(ImportHandlerTest, KeysWithSpacesPlusAndNonAsciiAreDecoded) {
  const std::string key = "in folder/a b+c \xC3\xBC\xE6\x9D\xB1.csv";
  put(key, "account,offer_id\nA9,O9\n");
  const std::string encoded = event_encoded(key);
  ASSERT_EQ(encoded, "in+folder/a+b%2Bc+%C3%BC%E6%9D%B1.csv");
  InvocationResponse response = invoke(s3_event({encoded}));
  ASSERT_TRUE(response.is_success()) << response.error_message();
  EXPECT_EQ(table_items(),
            (std::vector<std::string>{R"({"account":{"S":"A9"},"offer_id":{"S":"O9"}})"}));
  auto copy = get("json-copy/in folder/a b+c \xC3\xBC\xE6\x9D\xB1.json");
  ASSERT_TRUE(copy);
  EXPECT_NE(copy->find(R"({"account":"A9","offer_id":"O9"})"), std::string::npos) << *copy;
  EXPECT_TRUE(get("reports/" + key + ".report.json"));
}

TEST_F(ImportHandlerTest, OutputPrefixAndNonCsvKeysAreSkipped) {
  put("json-copy/loop.csv", "account,offer_id\nX,Y\n");
  put("notes.txt", "account,offer_id\nX,Y\n");
  InvocationResponse response =
      invoke(s3_event({"json-copy/loop.csv", "notes.txt", "reports/a.csv.report.json"}));
  ASSERT_TRUE(response.is_success()) << response.error_message();
  EXPECT_EQ(member(response.payload(), "skipped"),
            R"([{"key":"json-copy/loop.csv","reason":"output prefix"},)"
            R"({"key":"notes.txt","reason":"not an input key"},)"
            R"({"key":"reports/a.csv.report.json","reason":"output prefix"}])");
  EXPECT_EQ(member(response.payload(), "files"), "[]");
  EXPECT_TRUE(table_items().empty());
  EXPECT_FALSE(get("json-copy/json-copy/loop.json"));
  EXPECT_FALSE(get("reports/notes.txt.report.json"));
}

TEST_F(ImportHandlerTest, SuffixIsCaseInsensitive) {
  put("UPPER.CSV", "account,offer_id\nU1,V1\n");
  InvocationResponse response = invoke(s3_event({"UPPER.CSV"}));
  ASSERT_TRUE(response.is_success()) << response.error_message();
  EXPECT_EQ(table_items().size(), 1u);
  EXPECT_TRUE(get("json-copy/UPPER.json"));
}

TEST_F(ImportHandlerTest, GzipObjectIsDecompressedAndItsOutputsDropTheSuffix) {
  put("daily/2024-01-02.csv.gz", testing::gzipped("account,offer_id,price\nG1,H1,1.5\nG2,H2,2\n"));
  InvocationResponse response = invoke(s3_event({"daily/2024-01-02.csv.gz"}));
  ASSERT_TRUE(response.is_success()) << response.error_message();
  EXPECT_EQ(table_items(),
            (std::vector<std::string>{
                R"({"account":{"S":"G1"},"offer_id":{"S":"H1"},"price":{"S":"1.5"}})",
                R"({"account":{"S":"G2"},"offer_id":{"S":"H2"},"price":{"S":"2"}})"}));
  EXPECT_EQ(member(response.payload(), "json_copy"),
            R"("s3://imports/json-copy/daily/2024-01-02.json")");
  EXPECT_TRUE(get("json-copy/daily/2024-01-02.json"));
  EXPECT_TRUE(get("reports/daily/2024-01-02.csv.gz.report.json"));
}

TEST_F(ImportHandlerTest, ReplayedEventForAnOverwrittenObjectIsSkipped) {
  put("replayed.csv", "account,offer_id\nR1,S1\n");
  InvocationResponse response =
      invoke(s3_event({"replayed.csv"}, "0123456789abcdef0123456789abcdef"));
  ASSERT_TRUE(response.is_success()) << response.error_message();
  EXPECT_EQ(member(response.payload(), "skipped"),
            R"([{"key":"replayed.csv","reason":"stale event"}])");
  EXPECT_TRUE(table_items().empty());
}

TEST_F(ImportHandlerTest, MatchingEtagIsImported) {
  auto etag = aws::testing::put_into_s3rver(*clients_.s3, kBucket, "current.csv",
                                            "account,offer_id\nC1,D1\n");
  ASSERT_TRUE(etag);
  std::string bare = *etag;
  bare.erase(std::remove(bare.begin(), bare.end(), '"'), bare.end());
  InvocationResponse response = invoke(s3_event({"current.csv"}, bare));
  ASSERT_TRUE(response.is_success()) << response.error_message();
  EXPECT_EQ(member(response.payload(), "processed_rows"), "1");
}

TEST_F(ImportHandlerTest, MissingTableFailsTheInvocation) {
  put("orphan.csv", "account,offer_id\nA,B\n");
  config_.table = "no-such-table";
  InvocationResponse response = invoke(s3_event({"orphan.csv"}));
  ASSERT_FALSE(response.is_success());
  EXPECT_EQ(response.error_type(), "ResourceNotFoundException");
  EXPECT_NE(response.error_message().find("s3://imports/orphan.csv"), std::string::npos)
      << response.error_message();
  // Every object that started an import has a report, also when it failed.
  auto report = get("reports/orphan.csv.report.json");
  ASSERT_TRUE(report);
  EXPECT_NE(report->find(R"("rows_read":0,)"), std::string::npos) << *report;
  EXPECT_NE(report->find(R"("status":"failed","error":{"reason":"ResourceNotFoundException: )"),
            std::string::npos)
      << *report;
}

TEST_F(ImportHandlerTest, AFileTheFunctionCannotUseGetsAFailedReport) {
  put("no-key.csv", "offer_id,price\nB,1\n");
  put("twice.csv", "account,offer_id,offer_id\nA,B,C\n");
  for (const char* key : {"no-key.csv", "twice.csv"}) {
    InvocationResponse response = invoke(s3_event({key}));
    ASSERT_FALSE(response.is_success()) << key;
    auto report = get(std::string("reports/") + key + ".report.json");
    ASSERT_TRUE(report) << key;
    EXPECT_NE(report->find(R"("status":"failed")"), std::string::npos) << *report;
  }
  EXPECT_NE(get("reports/no-key.csv.report.json")->find("key attribute 'account' is not a column"),
            std::string::npos);
  EXPECT_NE(get("reports/twice.csv.report.json")->find("duplicates column 2"), std::string::npos);
}

TEST_F(ImportHandlerTest, MissingObjectFailsTheInvocation) {
  InvocationResponse response = invoke(s3_event({"gone.csv"}));
  ASSERT_FALSE(response.is_success());
  EXPECT_NE(response.error_message().find("gone.csv"), std::string::npos);
}

// DynamoDB that never writes anything (every BatchWriteItem comes back as UnprocessedItems):
// after the last retry the rows are saved under unprocessed/ and the result says where, as the
// reference's unprocessed_file does.
TEST_F(ImportHandlerTest, RowsStillUnwrittenGoToUnprocessed) {
  aws::testing::FakeHttpServer refusing_dynamodb([](const aws::testing::ReceivedRequest& request) {
    const std::string* target = request.header("X-Amz-Target");
    aws::testing::FakeResponse response;
    response.headers = {{"Content-Type", "application/x-amz-json-1.0"}};
    if (target != nullptr && target->find("DescribeTable") != std::string::npos) {
      response.body = R"({"Table":{"TableName":"t","TableStatus":"ACTIVE","KeySchema":[)"
                      R"({"AttributeName":"account","KeyType":"HASH"},{"AttributeName":"offer_id",)"
                      R"("KeyType":"RANGE"}],"AttributeDefinitions":[{"AttributeName":"account",)"
                      R"("AttributeType":"S"},{"AttributeName":"offer_id","AttributeType":"S"}]}})";
      return response;
    }
    auto body = model::parse_json(request.body);
    const model::JsonValue* items = body ? body->find("RequestItems") : nullptr;
    response.body = "{\"UnprocessedItems\":" + (items ? model::to_json(*items) : "{}") + "}";
    return response;
  });
  ImportClients clients = clients_;
  clients.dynamodb = std::make_shared<aws::DynamoDbClient>(aws::testing::make_test_caller(
      "dynamodb", aws::ErrorDialect::kDynamoDbJson, refusing_dynamodb.url()));
  config_.max_retries = 0;
  config_.concurrency = 1;  // one lane: the unprocessed file keeps file order
  put("throttled.csv", "account,offer_id\nU1,P1\nU2,P2\n");
  InvocationRequest request;
  request.payload = s3_event({"throttled.csv"});
  InvocationResponse response = handle_import(request, config_, clients);
  ASSERT_TRUE(response.is_success()) << response.error_message();
  EXPECT_EQ(member(response.payload(), "processed_rows"), "0");
  EXPECT_EQ(member(response.payload(), "unprocessed_rows"), "2");
  EXPECT_EQ(member(response.payload(), "unprocessed_file"),
            R"("s3://imports/unprocessed/throttled.csv.unprocessed.json")");
  auto unprocessed = get("unprocessed/throttled.csv.unprocessed.json");
  ASSERT_TRUE(unprocessed);
  auto parsed = model::parse_json(*unprocessed);
  ASSERT_TRUE(parsed) << *unprocessed;
  EXPECT_EQ(model::to_json(*parsed),
            R"([{"account":"U1","offer_id":"P1"},{"account":"U2","offer_id":"P2"}])");
}

// The real executable, wired from its environment as Lambda starts it (endpoints from
// AWS_ENDPOINT_URL_*), served one S3 event by a fake Runtime API.
TEST_F(ImportHandlerTest, BootstrapImportsThroughTheRuntimeApi) {
  put("via bootstrap/file.csv", "account,offer_id,qty\nB1,C1,7\n");
  aws::testing::TempDir runtime_dir;
  testing::FakeRuntimeApi api(
      runtime_dir.path(),
      "[" + testing::runtime_event("boot-1", s3_event({"via+bootstrap/file.csv"})) + "]");
  ASSERT_TRUE(api.ready());
  auto result = aws::testing::run_command({CSV2DDB_BOOTSTRAP},
                                          {{"AWS_LAMBDA_RUNTIME_API", api.endpoint()},
                                           {"_HANDLER", "import"},
                                           {"DYNAMO_DB_TABLE_NAME", table_},
                                           {"CSV2DDB_TYPES", "qty:N"},
                                           {"AWS_REGION", "us-east-1"},
                                           {"AWS_ACCESS_KEY_ID", "S3RVER"},
                                           {"AWS_SECRET_ACCESS_KEY", "S3RVER"},
                                           {"AWS_ENDPOINT_URL_S3", s3rver_->url()},
                                           {"AWS_ENDPOINT_URL_DYNAMODB", dynalite_->url()},
                                           {"AWS_LAMBDA_FUNCTION_NAME", "csv2ddb-import"}});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  const auto posts = api.posts();
  ASSERT_EQ(posts.size(), 1u) << result.out << result.err;
  ASSERT_EQ(posts[0].kind, "response") << posts[0].body;
  EXPECT_EQ(member(posts[0].body, "processed_rows"), "1");
  EXPECT_EQ(table_items(), (std::vector<std::string>{
                               R"({"account":{"S":"B1"},"offer_id":{"S":"C1"},"qty":{"N":"7"}})"}));
  EXPECT_TRUE(get("json-copy/via bootstrap/file.json"));
  // The metrics line in Embedded Metric Format, on stdout with the logs.
  EXPECT_NE(result.out.find(R"("FunctionName":"csv2ddb-import","RowsWritten":1,)"),
            std::string::npos)
      << result.out;
}

}  // namespace
}  // namespace csv2ddb::lambda
