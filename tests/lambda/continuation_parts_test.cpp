// Outputs that are multipart uploads spanning invocations: parts sent by one invocation, the
// tail below a part carried in the hand-over state and sent as the start of a part by the next,
// and the upload completed by the last. Two ways to get many parts:
//  - a make-csv file of 200,000 rows against `csv2ddb local`'s S3, which refuses parts under
//    5 MiB but the last, as S3 does: a JSON copy of ~40 MB in 8 MiB parts over six invocations.
//    Its DynamoDB is an in-process stand-in that keeps the last item per key, because the debug
//    build of the local DynamoDB writes about 2,000 rows a second and the point here is S3;
//    the table of a chain is compared with the table of one invocation all the same;
//  - small files with 1 KiB parts against s3rver (which takes parts of any size) and dynalite.
// Parts are cut at the same offsets whether the file takes one invocation or many, so even the
// multipart ETags (an MD5 over the parts' MD5s) of the outputs must be equal.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "aws/dynamodb_client.hpp"
#include "aws/s3_client.hpp"
#include "client_test_support.hpp"
#include "continuation_test_support.hpp"
#include "ingest/output_keys.hpp"
#include "lambda/hand_over_state.hpp"
#include "lambda/import_handler.hpp"
#include "model/json.hpp"
#include "test_servers.hpp"

namespace csv2ddb::lambda {
namespace {

using testing::comparable_report;
using testing::member_of;

constexpr const char* kBucket = "parts";

std::string s3_event(const std::string& key) {
  return R"({"Records":[{"eventSource":"aws:s3","s3":{"bucket":{"name":")" + std::string(kBucket) +
         R"("},"object":{"key":")" + key + R"("}}}]})";
}

// DescribeTable and BatchWriteItem for a table keyed (account, offer_id), its items in memory.
class TableStandIn {
 public:
  TableStandIn()
      : server_([this](const aws::testing::ReceivedRequest& request) { return answer(request); }) {}

  std::shared_ptr<aws::DynamoDbClient> client() const {
    return std::make_shared<aws::DynamoDbClient>(aws::testing::make_test_caller(
        "dynamodb", aws::ErrorDialect::kDynamoDbJson, server_.url()));
  }
  std::map<std::string, std::string> items() const {
    std::lock_guard lock(mutex_);
    return items_;
  }

 private:
  aws::testing::FakeResponse answer(const aws::testing::ReceivedRequest& request) {
    aws::testing::FakeResponse response;
    response.headers = {{"Content-Type", "application/x-amz-json-1.0"}};
    const std::string* target = request.header("X-Amz-Target");
    if (target != nullptr && target->find("DescribeTable") != std::string::npos) {
      response.body = R"({"Table":{"TableName":"offers","TableStatus":"ACTIVE","KeySchema":[)"
                      R"({"AttributeName":"account","KeyType":"HASH"},{"AttributeName":"offer_id",)"
                      R"("KeyType":"RANGE"}],"AttributeDefinitions":[{"AttributeName":"account",)"
                      R"("AttributeType":"S"},{"AttributeName":"offer_id","AttributeType":"S"}]}})";
      return response;
    }
    // Scanned rather than parsed: a DOM per request is what would make this stand-in slow.
    const std::string& body = request.body;
    std::lock_guard lock(mutex_);
    for (std::size_t at = body.find("\"Item\":"); at != std::string::npos;
         at = body.find("\"Item\":", at)) {
      const std::size_t begin = at + 7;
      const std::size_t end = object_end(body, begin);
      if (end == std::string::npos) break;
      const std::string item = body.substr(begin, end - begin);
      items_[value_text(item, "account") + "|" + value_text(item, "offer_id")] = item;
      at = end;
    }
    response.body = R"({"UnprocessedItems":{}})";
    return response;
  }

  // Past the JSON object that starts at `begin`; npos when it does not end.
  static std::size_t object_end(const std::string& text, std::size_t begin) {
    int depth = 0;
    bool in_string = false;
    for (std::size_t i = begin; i < text.size(); ++i) {
      const char c = text[i];
      if (in_string) {
        if (c == '\\') {
          ++i;
        } else if (c == '"') {
          in_string = false;
        }
      } else if (c == '"') {
        in_string = true;
      } else if (c == '{') {
        ++depth;
      } else if (c == '}' && --depth == 0) {
        return i + 1;
      }
    }
    return std::string::npos;
  }
  // {"S":"..."} of attribute `name` (make-csv's keys hold no braces).
  static std::string value_text(const std::string& item, const std::string& name) {
    const std::size_t at = item.find("\"" + name + "\":");
    if (at == std::string::npos) return "";
    return item.substr(at, item.find('}', at) - at);
  }

  mutable std::mutex mutex_;
  std::map<std::string, std::string> items_;
  aws::testing::FakeHttpServer server_;
};

struct Servers {
  std::shared_ptr<aws::S3Client> s3;
  std::shared_ptr<aws::DynamoDbClient> dynamodb;  // none: a TableStandIn per run
};

class PartsTest : public ::testing::Test {
 protected:
  void use(Servers servers) {
    servers_ = std::move(servers);
    clients_.s3 = servers_.s3;
    clients_.lambda = lambda_.client();
    (void)clients_.s3->create_bucket(kBucket);
    config_.function_name = "csv2ddb-import";
    config_.concurrency = 4;
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
  std::string etag(const std::string& key) {
    auto info = clients_.s3->head_object(kBucket, key);
    return info ? info->etag : "<" + info.error().code + ">";
  }

  InvocationResponse invoke(const std::string& payload, const ImportOptions& options) {
    InvocationRequest request;
    request.payload = payload;
    return handle_import(request, config_, clients_, options);
  }

  // One invocation over `one_key`, then a chain of `records` records per invocation over
  // `chain_key` (the same bytes); returns the chain.
  testing::Chain one_then_chain(const std::string& one_key, const std::string& chain_key,
                                std::size_t records) {
    InvocationResponse one = invoke(s3_event(one_key), options_);
    EXPECT_TRUE(one.is_success()) << one.error_message();
    EXPECT_EQ(member_of(one.payload(), "continued"), "false");
    if (servers_.dynamodb == nullptr) clients_.dynamodb = chain_table_.client();
    return testing::run_chain(
        [&](const std::string& payload) {
          return invoke(payload, testing::records_per_invocation(options_, records));
        },
        lambda_, s3_event(chain_key));
  }

  // `multipart_etags`: the server gives multipart objects S3's "<md5>-<parts>" ETags.
  void expect_same_outputs(const std::string& one_key, const std::string& chain_key,
                           bool rejected_expected, bool multipart_etags) {
    const ingest::OutputKeys one = ingest::output_keys_for(one_key);
    const ingest::OutputKeys chain = ingest::output_keys_for(chain_key);
    const std::optional<std::string> copy = get(one.json_copy);
    ASSERT_TRUE(copy);
    EXPECT_TRUE(get(chain.json_copy) == copy) << "the JSON copies differ";
    const std::string copy_etag = etag(one.json_copy);
    if (multipart_etags) {
      EXPECT_NE(copy_etag.find('-'), std::string::npos) << copy_etag << ": not multipart";
    }
    EXPECT_EQ(etag(chain.json_copy), copy_etag);
    if (rejected_expected) {
      EXPECT_TRUE(get(one.rejected));
      EXPECT_EQ(etag(chain.rejected), etag(one.rejected));
    }
    EXPECT_EQ(get(chain.rejected), get(one.rejected));
    EXPECT_EQ(get(chain.unprocessed), get(one.unprocessed));
    const auto one_report = get(one.report);
    const auto chain_report = get(chain.report);
    ASSERT_TRUE(one_report && chain_report);
    EXPECT_EQ(comparable_report(*chain_report), comparable_report(*one_report));
    auto leftovers = clients_.s3->list_all(kBucket, "reports/.continuation/");
    ASSERT_TRUE(leftovers);
    EXPECT_TRUE(leftovers->empty());
  }

  Servers servers_;
  testing::InvokeStandIn lambda_;
  TableStandIn one_table_;
  TableStandIn chain_table_;
  ImportClients clients_;
  ImportConfig config_;
  ImportOptions options_;
};

TEST_F(PartsTest, MakeCsvFileSpansRealPartsAcrossInvocations) {
  aws::testing::TempDir dir;
  std::string why;
  auto local = testing::start_csv2ddb_local(dir.path(), &why);
  if (local == nullptr) GTEST_SKIP() << why;
  use({std::make_shared<aws::S3Client>(
           aws::testing::make_test_caller("s3", aws::ErrorDialect::kS3Xml, local->url())),
       nullptr});
  clients_.dynamodb = one_table_.client();
  config_.table = "offers";

  const std::string path = dir.path() + "/offers.csv";
  auto made =
      aws::testing::run_command({CSV2DDB_EXE, "make-csv", "--rows", "200000", "--output", path});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  std::ifstream in(path, std::ios::binary);
  std::stringstream csv;
  csv << in.rdbuf();
  ASSERT_GT(csv.str().size(), 15'000'000u);
  ASSERT_TRUE(aws::testing::put_into_s3rver(*clients_.s3, kBucket, "one/offers.csv", csv.str()));
  ASSERT_TRUE(aws::testing::put_into_s3rver(*clients_.s3, kBucket, "chain/offers.csv", csv.str()));

  const testing::Chain chain = one_then_chain("one/offers.csv", "chain/offers.csv", 40000);
  ASSERT_TRUE(chain.last().is_success()) << chain.last().error_message();
  EXPECT_EQ(chain.invocations(), 5u);
  EXPECT_EQ(member_of(chain.last().payload(), "rows_written"), "200000");
  expect_same_outputs("one/offers.csv", "chain/offers.csv", false, true);
  const std::string copy_etag = etag("json-copy/chain/offers.json");
  EXPECT_GE(std::stoi(copy_etag.substr(copy_etag.find('-') + 1)), 4) << copy_etag;
  const auto one_items = one_table_.items();
  EXPECT_EQ(one_items.size(), 200000u);
  EXPECT_TRUE(chain_table_.items() == one_items) << "the tables differ";
}

// Many rows of each kind, so that the JSON copy and rejected/ both take many parts.
std::string rows_with_rejections(int rows) {
  std::string csv = "account,offer_id,price,note\n";
  for (int i = 0; i < rows; ++i) {
    const std::string n = std::to_string(i);
    if (i % 4 == 1) {
      csv += ",O" + n + ",1,this row has no account and is rejected with its fields\n";
    } else {
      csv += "A" + std::to_string(i % 9) + ",O" + std::to_string(i % 31) + "," + n + ",\"note " +
             n + "\"\n";
    }
  }
  return csv;
}

TEST_F(PartsTest, SmallPartsOfEveryOutputSpanInvocations) {
  std::string why;
  auto dynalite = aws::testing::start_dynalite(&why);
  if (dynalite == nullptr) GTEST_SKIP() << why;
  aws::testing::TempDir dir;
  auto s3rver = aws::testing::start_s3rver(dir.path(), &why);
  if (s3rver == nullptr) GTEST_SKIP() << why;
  aws::testing::TestCallerOptions s3_options;
  s3_options.access_key = "S3RVER";
  s3_options.secret_key = "S3RVER";
  auto dynamodb = std::make_shared<aws::DynamoDbClient>(aws::testing::make_test_caller(
      "dynamodb", aws::ErrorDialect::kDynamoDbJson, dynalite->url()));
  use({std::make_shared<aws::S3Client>(aws::testing::make_test_caller(
           "s3", aws::ErrorDialect::kS3Xml, s3rver->url(), s3_options)),
       dynamodb});
  clients_.dynamodb = dynamodb;
  options_.part_size = 1024;
  options_.min_part_size = 1;
  auto schema = model::parse_key_schema("account:S,offer_id:S");
  for (const char* table : {"one", "chain"}) {
    ASSERT_TRUE(dynamodb->create_table(table, *schema));
    ASSERT_TRUE(dynamodb->wait_until_active(table));
  }

  const std::string csv = rows_with_rejections(400);
  ASSERT_TRUE(aws::testing::put_into_s3rver(*clients_.s3, kBucket, "one/small.csv", csv));
  ASSERT_TRUE(aws::testing::put_into_s3rver(*clients_.s3, kBucket, "chain/small.csv", csv));
  config_.table = "one";
  InvocationResponse one = invoke(s3_event("one/small.csv"), options_);
  ASSERT_TRUE(one.is_success()) << one.error_message();
  config_.table = "chain";
  // Between two invocations, the hand-over state names the uploads under way (s3rver's ETags do
  // not tell multipart objects apart).
  std::size_t copy_uploads = 0, rejected_uploads = 0;
  auto look_at_state = [&] {
    auto states = clients_.s3->list_all(kBucket, "reports/.continuation/");
    ASSERT_TRUE(states);
    ASSERT_EQ(states->size(), 1u);
    auto state = decode_hand_over_state(get(states->front().key).value_or(""));
    ASSERT_TRUE(state) << state.error().message;
    ASSERT_TRUE(state->outputs.json_copy && state->outputs.rejected);
    copy_uploads += !state->outputs.json_copy->object.state.empty();
    rejected_uploads += !state->outputs.rejected->object.state.empty();
    EXPECT_LT(state->outputs.json_copy->object.tail.size(), 1024u);
  };
  const testing::Chain chain = testing::run_chain(
      [&](const std::string& payload) {
        return invoke(payload, testing::records_per_invocation(options_, 45));
      },
      lambda_, s3_event("chain/small.csv"), look_at_state);
  ASSERT_TRUE(chain.last().is_success()) << chain.last().error_message();
  EXPECT_GE(chain.invocations(), 8u);
  EXPECT_EQ(copy_uploads, chain.invocations() - 1);
  EXPECT_GE(rejected_uploads, 4u);
  expect_same_outputs("one/small.csv", "chain/small.csv", true, false);
  auto one_items = dynamodb->scan_all("one");
  auto chain_items = dynamodb->scan_all("chain");
  ASSERT_TRUE(one_items && chain_items);
  EXPECT_EQ(aws::testing::canonical_items(*chain_items), aws::testing::canonical_items(*one_items));
}

}  // namespace
}  // namespace csv2ddb::lambda
