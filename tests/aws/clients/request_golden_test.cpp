// Golden files for the requests the clients build: method, path, query, every header (sorted,
// signature included) and body, at a fixed time with fixed credentials. A change in what goes
// on the wire shows up as a diff. UPDATE_GOLDEN=1 rewrites the files.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>

#include "adapters/dynamodb_table_writer.hpp"
#include "aws/dynamodb_client.hpp"
#include "aws/lambda_client.hpp"
#include "aws/s3_client.hpp"
#include "client_test_support.hpp"
#include "ingest/batch_planner.hpp"
#include "test_servers.hpp"

namespace csv2ddb::aws {
namespace {

using adapters::DynamoDbTableWriter;

constexpr std::string_view kFixedTime = "20240501T120000Z";

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string render(const HttpRequest& request) {
  auto parts = split_url(request.url);
  EXPECT_TRUE(parts);
  std::string out = request.method + " " + parts->path + "\n";
  out += "query: " + parts->query + "\n";
  std::vector<std::pair<std::string, std::string>> headers;
  for (const Header& header : request.headers)
    headers.emplace_back(lower(header.name), header.value);
  std::stable_sort(headers.begin(), headers.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [name, value] : headers) out += name + ": " + value + "\n";
  out += "\n" + request.body;
  if (!request.body.empty() && request.body.back() != '\n') out += "\n";
  return out;
}

void expect_golden(const std::string& name, const std::string& actual) {
  const std::string path = std::string(CSV2DDB_SOURCE_DIR) + "/tests/aws/golden/" + name + ".txt";
  const char* update = std::getenv("UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << "missing golden file " << path << " (run with UPDATE_GOLDEN=1)";
  std::stringstream expected;
  expected << in.rdbuf();
  EXPECT_EQ(actual, expected.str()) << "golden file " << path << " differs";
}

// Records the requests a client sends and answers each with `reply`.
class Recorder {
 public:
  explicit Recorder(std::function<HttpResponse(const HttpRequest&)> reply)
      : reply_(std::move(reply)) {}
  Transport transport() {
    return [this](const HttpRequest& request, const BodySink& sink) -> Result<HttpResponse> {
      requests_.push_back(request);
      HttpResponse response = reply_(request);
      if (sink && response.ok() && !response.body.empty()) {
        if (Status sent = sink(response.body); !sent) return sent.take_error();
        response.body.clear();
      }
      return response;
    };
  }
  const std::vector<HttpRequest>& requests() const { return requests_; }

 private:
  std::function<HttpResponse(const HttpRequest&)> reply_;
  std::vector<HttpRequest> requests_;
};

std::shared_ptr<AwsCaller> golden_caller(const std::string& service, ErrorDialect dialect,
                                         Recorder& recorder,
                                         const std::string& region = "us-east-1") {
  AwsCallerOptions options;
  options.clock = [] { return parse_amz_date(kFixedTime).value(); };
  ServiceConfig config{service, region, Endpoint{"http://127.0.0.1:4566", true},
                       dialect, true,   std::nullopt};
  return std::make_shared<AwsCaller>(
      config, testing::fixed_credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
      recorder.transport(), options);
}

HttpResponse ok(std::string body = {}) {
  HttpResponse response;
  response.status = 200;
  response.body = std::move(body);
  return response;
}

TEST(RequestGolden, DynamoDb) {
  Recorder recorder([](const HttpRequest& request) {
    const Header* target = find_header(request.headers, "X-Amz-Target");
    if (target != nullptr && target->value.ends_with("DescribeTable")) {
      return ok(R"({"Table":{"TableName":"offers","TableStatus":"ACTIVE","KeySchema":)"
                R"([{"AttributeName":"account","KeyType":"HASH"}],"AttributeDefinitions":)"
                R"([{"AttributeName":"account","AttributeType":"S"}]}})");
    }
    return ok("{}");
  });
  DynamoDbClient client(golden_caller("dynamodb", ErrorDialect::kDynamoDbJson, recorder));
  model::Item first;
  first.attributes.push_back({"account", testing::S("A1")});
  first.attributes.push_back({"offer_id", testing::S("Ö-1 \"quoted\"\n")});
  first.attributes.push_back({"price", testing::N("12.5")});
  first.attributes.push_back({"raw", testing::B(std::string("\x00\xff", 2))});
  first.attributes.push_back({"tags", testing::set_of(model::AttributeType::kSS, {"a", "b"})});
  model::Item second;
  second.attributes.push_back({"account", testing::S("A2")});
  second.attributes.push_back({"offer_id", testing::S("2")});
  second.attributes.push_back({"active", model::AttributeValue::boolean_value(true)});
  ASSERT_TRUE(client.batch_write_item("offers", {first, second}));
  ASSERT_TRUE(client.describe_table("offers"));
  ASSERT_EQ(recorder.requests().size(), 2u);
  expect_golden("dynamodb_batch_write_item", render(recorder.requests()[0]));
  expect_golden("dynamodb_describe_table", render(recorder.requests()[1]));
}

// The engine's path (items planned by the reader, their DynamoDB JSON put side by side) sends the
// body the golden file above pins down, and each planned item's request_bytes is exactly what it
// adds to that body (the 16 MB cap counts on it).
TEST(RequestGolden, PlannedItemsMakeTheSameBatchWriteItemBody) {
  Recorder recorder([](const HttpRequest&) { return ok("{}"); });
  auto client = std::make_shared<DynamoDbClient>(
      golden_caller("dynamodb", ErrorDialect::kDynamoDbJson, recorder));
  model::Item first;
  first.attributes.push_back({"account", testing::S("A1")});
  first.attributes.push_back({"offer_id", testing::S("\u00d6-1 \"quoted\"\n")});
  first.attributes.push_back({"raw", testing::B(std::string("\x00\xff", 2))});
  model::Item second;
  second.attributes.push_back({"account", testing::S("A2")});
  second.attributes.push_back({"active", model::AttributeValue::boolean_value(true)});
  ASSERT_TRUE(client->batch_write_item("offers", {first, second}));

  const model::KeySchema schema = model::parse_key_schema("account:S").value();
  const ingest::PlannedItem planned[] = {ingest::plan_item(first, schema, 2),
                                         ingest::plan_item(second, schema, 3)};
  const std::string_view json[] = {planned[0].item_json(), planned[1].item_json()};
  DynamoDbTableWriter writer(client);
  EXPECT_EQ(writer.batch_put_json("offers", json).status, ingest::BatchWriteOutcome::Status::kOk);
  ASSERT_EQ(recorder.requests().size(), 2u);
  const std::string& body = recorder.requests()[1].body;
  EXPECT_EQ(body, recorder.requests()[0].body);
  const std::string_view open = R"({"RequestItems":{"offers":[)";
  const std::string_view close = R"(]},"ReturnConsumedCapacity":"TOTAL"})";
  // The first item has no comma before it.
  EXPECT_EQ(body.size(),
            open.size() + planned[0].request_bytes + planned[1].request_bytes - 1 + close.size());
}

TEST(RequestGolden, S3) {
  Recorder recorder([](const HttpRequest& request) {
    if (request.url.find("uploads=") != std::string::npos) {
      return ok(
          "<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key>"
          "<UploadId>UPLOAD-1</UploadId></InitiateMultipartUploadResult>");
    }
    if (request.url.find("list-type=2") != std::string::npos) {
      return ok("<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>");
    }
    if (request.url.find("uploadId=") != std::string::npos && request.method == "POST") {
      return ok(
          "<CompleteMultipartUploadResult><ETag>\"e-2\"</ETag>"
          "</CompleteMultipartUploadResult>");
    }
    HttpResponse response = ok();
    response.headers.push_back({"ETag", "\"etag\""});
    return response;
  });
  S3Client client(golden_caller("s3", ErrorDialect::kS3Xml, recorder));
  ASSERT_TRUE(client.put_object("csv-bucket", "in/ünï code+plus %.csv", "a,b\n1,2\n", "text/csv"));
  auto upload =
      client.create_multipart_upload("csv-bucket", "out/big file.json", "application/json");
  ASSERT_TRUE(upload);
  ASSERT_TRUE(client.complete_multipart_upload("csv-bucket", "out/big file.json", *upload,
                                               {{1, "\"etag-1\""}, {2, "\"etag-2\""}}));
  ASSERT_TRUE(client.list_objects_v2("csv-bucket", "in/ü dir/", "token/+=", 100));
  NotificationConfiguration configuration;
  configuration.lambda_functions.push_back({"csv2ddb-import",
                                            "arn:aws:lambda:us-east-1:123456789012:function:import",
                                            {"s3:ObjectCreated:*"},
                                            {{"suffix", ".csv"}}});
  ASSERT_TRUE(client.put_bucket_notification_configuration("csv-bucket", configuration));
  ASSERT_EQ(recorder.requests().size(), 5u);
  expect_golden("s3_put_object", render(recorder.requests()[0]));
  expect_golden("s3_create_multipart_upload", render(recorder.requests()[1]));
  expect_golden("s3_complete_multipart_upload", render(recorder.requests()[2]));
  expect_golden("s3_list_objects_v2", render(recorder.requests()[3]));
  expect_golden("s3_put_bucket_notification_configuration", render(recorder.requests()[4]));
}

// The table description every table operation answers with.
constexpr std::string_view kTableJson =
    R"({"TableName":"offers","TableStatus":"ACTIVE","KeySchema":)"
    R"([{"AttributeName":"account","KeyType":"HASH"},{"AttributeName":"offer_id","KeyType":"RANGE"}],)"
    R"("AttributeDefinitions":[{"AttributeName":"account","AttributeType":"S"},)"
    R"({"AttributeName":"offer_id","AttributeType":"N"}]})";

TEST(RequestGolden, DynamoDbTablesAndItems) {
  Recorder recorder([](const HttpRequest& request) {
    const Header* target = find_header(request.headers, "X-Amz-Target");
    const std::string operation =
        target == nullptr ? "" : target->value.substr(target->value.find('.') + 1);
    if (operation == "CreateTable" || operation == "DeleteTable") {
      return ok(R"({"TableDescription":)" + std::string(kTableJson) + "}");
    }
    if (operation == "Scan" || operation == "Query") return ok(R"({"Items":[],"Count":0})");
    return ok("{}");
  });
  DynamoDbClient client(golden_caller("dynamodb", ErrorDialect::kDynamoDbJson, recorder));
  model::KeySchema schema;
  schema.hash = {"account", model::AttributeType::kS};
  schema.range = model::KeyAttribute{"offer_id", model::AttributeType::kN};
  ASSERT_TRUE(client.create_table("offers", schema));
  ASSERT_TRUE(client.delete_table("offers"));
  model::Item item;
  item.attributes.push_back({"account", testing::S("A1")});
  item.attributes.push_back({"offer_id", testing::N("7")});
  item.attributes.push_back({"note", testing::S("ü \"q\"")});
  ASSERT_TRUE(client.put_item("offers", item));
  model::Item key;
  key.attributes.push_back({"account", testing::S("A1")});
  key.attributes.push_back({"offer_id", testing::N("7")});
  ASSERT_TRUE(client.get_item("offers", key));
  ASSERT_TRUE(client.scan("offers", key, 50));
  QueryRequest query;
  query.table = "offers";
  query.key_condition_expression = "#a = :a AND #o > :o";
  query.names = {{"#a", "account"}, {"#o", "offer_id"}};
  query.values.attributes.push_back({":a", testing::S("A1")});
  query.values.attributes.push_back({":o", testing::N("3")});
  query.exclusive_start_key = key;
  query.consistent_read = true;
  ASSERT_TRUE(client.query(query));
  ASSERT_EQ(recorder.requests().size(), 6u);
  expect_golden("dynamodb_create_table", render(recorder.requests()[0]));
  expect_golden("dynamodb_delete_table", render(recorder.requests()[1]));
  expect_golden("dynamodb_put_item", render(recorder.requests()[2]));
  expect_golden("dynamodb_get_item", render(recorder.requests()[3]));
  expect_golden("dynamodb_scan", render(recorder.requests()[4]));
  expect_golden("dynamodb_query", render(recorder.requests()[5]));
}

TEST(RequestGolden, S3ObjectsPartsAndBuckets) {
  Recorder recorder([](const HttpRequest& request) {
    HttpResponse response = ok();
    if (request.url.find("notification=") != std::string::npos) {
      response.body = "<NotificationConfiguration></NotificationConfiguration>";
      return response;
    }
    if (request.method == "GET") {
      response.status = 206;
      response.headers.push_back({"Content-Range", "bytes 0-3/10"});
      response.body = "a,b\n";
    }
    if (request.method == "DELETE") response.status = 204;
    response.headers.push_back({"ETag", "\"etag-1\""});
    response.headers.push_back({"Content-Length", request.method == "HEAD" ? "10" : "4"});
    return response;
  });
  S3Client client(golden_caller("s3", ErrorDialect::kS3Xml, recorder));
  const std::string key = "in/ünï code+plus %.csv";
  GetObjectOptions ranged;
  ranged.range = std::make_pair(std::uint64_t{0}, std::uint64_t{3});
  ranged.if_match = "\"etag-1\"";
  ASSERT_TRUE(
      client.get_object("csv-bucket", key, ranged, [](std::string_view) { return Status{}; }));
  ASSERT_TRUE(client.head_object("csv-bucket", key));
  ASSERT_TRUE(client.upload_part("csv-bucket", "out/big file.json", "UPLOAD+1/=", 2,
                                 std::string("part two\n")));
  ASSERT_TRUE(client.abort_multipart_upload("csv-bucket", "out/big file.json", "UPLOAD+1/="));
  ASSERT_TRUE(client.delete_object("csv-bucket", key));
  ASSERT_TRUE(client.get_bucket_notification_configuration("csv-bucket"));
  ASSERT_TRUE(client.create_bucket("csv-bucket"));
  ASSERT_EQ(recorder.requests().size(), 7u);
  expect_golden("s3_get_object_range_if_match", render(recorder.requests()[0]));
  expect_golden("s3_head_object", render(recorder.requests()[1]));
  expect_golden("s3_upload_part", render(recorder.requests()[2]));
  expect_golden("s3_abort_multipart_upload", render(recorder.requests()[3]));
  expect_golden("s3_delete_object", render(recorder.requests()[4]));
  expect_golden("s3_get_bucket_notification_configuration", render(recorder.requests()[5]));
  expect_golden("s3_create_bucket_us_east_1", render(recorder.requests()[6]));

  // Outside us-east-1 the region goes in a CreateBucketConfiguration body.
  Recorder elsewhere([](const HttpRequest&) { return ok(); });
  S3Client eu(golden_caller("s3", ErrorDialect::kS3Xml, elsewhere, "eu-west-1"));
  ASSERT_TRUE(eu.create_bucket("csv-bucket-eu"));
  ASSERT_EQ(elsewhere.requests().size(), 1u);
  expect_golden("s3_create_bucket_eu_west_1", render(elsewhere.requests()[0]));
}

TEST(RequestGolden, LambdaInvoke) {
  Recorder recorder([](const HttpRequest&) {
    HttpResponse response;
    response.status = 202;
    return response;
  });
  LambdaClient client(golden_caller("lambda", ErrorDialect::kLambda, recorder));
  ASSERT_TRUE(client.invoke("arn:aws:lambda:us-east-1:123456789012:function:import",
                            R"({"Records":[{"s3":{"object":{"key":"a.csv"}}}]})",
                            InvocationType::kEvent));
  ASSERT_EQ(recorder.requests().size(), 1u);
  expect_golden("lambda_invoke", render(recorder.requests()[0]));
}

}  // namespace
}  // namespace csv2ddb::aws
