// A file continued across invocations, against `csv2ddb local` (S3 with If-Match and S3's part
// rules, DynamoDB) on 127.0.0.1: the handler is called directly with a deadline that runs out
// after a number of records, the continuation event it sends through the real LambdaClient is
// caught by a stand-in for the Invoke API and fed to the next invocation. The table and every
// output object must be exactly those of one invocation over the same file; an overwritten
// object, a retried invocation, a replayed event and the generation cap are handled as
// src/lambda/README.md says.
#include <gtest/gtest.h>

#include <numeric>

#include "aws/dynamodb_client.hpp"
#include "aws/s3_client.hpp"
#include "client_test_support.hpp"
#include "continuation_test_support.hpp"
#include "ingest/output_keys.hpp"
#include "lambda/continuation_event.hpp"
#include "lambda/import_handler.hpp"
#include "lambda_test_support.hpp"
#include "model/json.hpp"
#include "test_servers.hpp"

namespace csv2ddb::lambda {
namespace {

using testing::comparable_report;
using testing::file_member;
using testing::invocation_count;
using testing::member_of;

constexpr const char* kBucket = "imports";

std::string s3_event(const std::string& key) {
  return R"({"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1",)"
         R"("eventName":"ObjectCreated:Put","s3":{"bucket":{"name":")" +
         std::string(kBucket) + R"("},"object":{"key":")" + key + R"(","size":1}}}]})";
}

// `rows` data rows of every kind: duplicate keys (accounts and offers repeat), rows without an
// account and rows with a field too many (rejected), blank and all-empty rows (skipped), quoted
// fields across lines and with commas, CRLF endings.
std::string mixed_csv(int rows) {
  std::string csv = "account,offer_id,price,note\n";
  for (int i = 0; i < rows; ++i) {
    const std::string n = std::to_string(i);
    if (i % 13 == 5) {
      csv += ",O" + n + ",1,no account\n";
    } else if (i % 17 == 3) {
      csv += "A" + n + ",O" + n + ",1,x,one too many\n";
    } else if (i % 11 == 0) {
      csv += i % 2 == 0 ? "\n" : ",,,\r\n";
    } else {
      csv += "A" + std::to_string(i % 7) + ",O" + std::to_string(i % 23) + "," + n + ",\"row " + n +
             ", line 1\nline 2\"" + (i % 3 == 0 ? "\r\n" : "\n");
    }
  }
  return csv;
}

class ContinuationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    data_dir_ = new aws::testing::TempDir();
    std::string why;
    local_ = testing::start_csv2ddb_local(data_dir_->path(), &why).release();
    if (local_ == nullptr) skip_reason_ = new std::string(why);
  }
  static void TearDownTestSuite() {
    delete local_;
    delete data_dir_;
    delete skip_reason_;
    local_ = nullptr;
    data_dir_ = nullptr;
    skip_reason_ = nullptr;
  }

  void SetUp() override {
    if (skip_reason_ != nullptr) GTEST_SKIP() << *skip_reason_;
    clients_.s3 = std::make_shared<aws::S3Client>(
        aws::testing::make_test_caller("s3", aws::ErrorDialect::kS3Xml, local_->url()));
    clients_.dynamodb = std::make_shared<aws::DynamoDbClient>(aws::testing::make_test_caller(
        "dynamodb", aws::ErrorDialect::kDynamoDbJson, local_->url()));
    clients_.lambda = lambda_.client();
    (void)clients_.s3->create_bucket(kBucket);  // exists already after the first test
    config_.function_name = "csv2ddb-import";
    config_.concurrency = 4;
    test_name_ = ::testing::UnitTest::GetInstance()->current_test_info()->name();
  }

  std::string make_table(const std::string& prefix) {
    const std::string name = prefix + "-" + test_name_;
    auto schema = model::parse_key_schema("account:S,offer_id:S");
    EXPECT_TRUE(clients_.dynamodb->create_table(name, *schema));
    EXPECT_TRUE(clients_.dynamodb->wait_until_active(name));
    return name;
  }

  std::string put(const std::string& key, const std::string& body) {
    auto etag = clients_.s3->put_object(kBucket, key, body, "text/csv");
    EXPECT_TRUE(etag) << etag.error().to_string();
    return etag ? *etag : "";
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

  std::vector<std::string> keys_under(const std::string& prefix) {
    auto listed = clients_.s3->list_all(kBucket, prefix);
    EXPECT_TRUE(listed) << listed.error().to_string();
    std::vector<std::string> keys;
    if (listed) {
      for (const aws::ListedObject& object : *listed) keys.push_back(object.key);
    }
    return keys;
  }

  std::vector<std::string> table_items(const std::string& table) {
    auto items = clients_.dynamodb->scan_all(table);
    EXPECT_TRUE(items) << items.error().to_string();
    return items ? aws::testing::canonical_items(*items) : std::vector<std::string>{};
  }

  InvocationResponse invoke(const std::string& payload, const ImportOptions& options) {
    InvocationRequest request;
    request.request_id = "req-" + std::to_string(++requests_);
    request.payload = payload;
    return handle_import(request, config_, clients_, options);
  }

  // One invocation over the whole file (no deadline), into its own table.
  InvocationResponse import_at_once(const std::string& key) {
    config_.table = make_table("one");
    InvocationResponse response = invoke(s3_event(key), options_);
    EXPECT_TRUE(response.is_success()) << response.error_message();
    EXPECT_EQ(member_of(response.payload(), "continued"), "false");
    return response;
  }

  // The file through invocations of `records` records each, into its own table.
  testing::Chain import_in_chain(const std::string& key, std::size_t records,
                                 const std::function<void()>& after_each = {}) {
    config_.table = make_table("chain");
    return testing::run_chain(
        [&](const std::string& payload) {
          return invoke(payload, testing::records_per_invocation(options_, records));
        },
        lambda_, s3_event(key), after_each);
  }

  // Outputs of `one_key` and `chain_key` (same file), byte for byte, and their tables.
  void expect_same_outcome(const std::string& one_key, const std::string& chain_key,
                           const std::string& one_table, const std::string& chain_table) {
    const ingest::OutputKeys one = ingest::output_keys_for(one_key);
    const ingest::OutputKeys chain = ingest::output_keys_for(chain_key);
    const auto copy = get(one.json_copy);
    ASSERT_TRUE(copy);
    EXPECT_EQ(get(chain.json_copy), copy);
    EXPECT_EQ(get(chain.rejected), get(one.rejected));
    EXPECT_EQ(get(chain.unprocessed), get(one.unprocessed));
    const auto one_report = get(one.report);
    const auto chain_report = get(chain.report);
    ASSERT_TRUE(one_report && chain_report);
    EXPECT_EQ(comparable_report(*chain_report), comparable_report(*one_report));
    EXPECT_EQ(table_items(chain_table), table_items(one_table));
    // The hand-over states are gone once the file is done.
    EXPECT_EQ(keys_under("reports/.continuation/"), std::vector<std::string>{});
  }

  static aws::testing::ChildServer* local_;
  static aws::testing::TempDir* data_dir_;
  static std::string* skip_reason_;
  testing::InvokeStandIn lambda_;
  ImportClients clients_;
  ImportConfig config_;
  ImportOptions options_;
  std::string test_name_;
  int requests_ = 0;
};

aws::testing::ChildServer* ContinuationTest::local_ = nullptr;
aws::testing::TempDir* ContinuationTest::data_dir_ = nullptr;
std::string* ContinuationTest::skip_reason_ = nullptr;

TEST_F(ContinuationTest, PlainCsvThroughSeveralInvocationsEndsAsOneInvocation) {
  const std::string csv = mixed_csv(90);
  put("one/offers.csv", csv);
  put("chain/offers.csv", csv);
  const InvocationResponse one = import_at_once("one/offers.csv");
  const std::string one_table = config_.table;
  ASSERT_EQ(member_of(one.payload(), "rows_read"), "90");
  ASSERT_NE(member_of(one.payload(), "rows_rejected"), "0");

  std::size_t outputs_seen_early = 0;
  const testing::Chain chain = import_in_chain("chain/offers.csv", 12, [&] {
    // Readers never see a partial output: nothing is committed before the chain ends.
    outputs_seen_early += keys_under("json-copy/chain/").size() +
                          keys_under("rejected/chain/").size() +
                          keys_under("reports/chain/").size();
  });
  ASSERT_TRUE(chain.last().is_success()) << chain.last().error_message();
  EXPECT_GE(chain.invocations(), 5u);
  EXPECT_EQ(outputs_seen_early, 0u);
  expect_same_outcome("one/offers.csv", "chain/offers.csv", one_table, config_.table);

  // Every invocation but the last says it continued, and where the next one starts.
  std::uint64_t last_offset = 0;
  for (std::size_t i = 0; i + 1 < chain.invocations(); ++i) {
    const std::string& result = chain.responses[i].payload();
    EXPECT_EQ(member_of(result, "continued"), "true") << result;
    EXPECT_EQ(file_member(result, "generation"), std::to_string(i));
    EXPECT_EQ(file_member(result, "json_copy"), "null");
    const std::uint64_t offset = std::stoull(file_member(result, "resume_offset"));
    EXPECT_GT(offset, last_offset);
    last_offset = offset;
  }
  const std::string& final_result = chain.last().payload();
  EXPECT_EQ(member_of(final_result, "continued"), "false");
  EXPECT_EQ(member_of(final_result, "json_copy"), R"("s3://imports/json-copy/chain/offers.json")");
  EXPECT_EQ(member_of(final_result, "rows_read"), "90");
  for (const char* count : {"rows_written", "rows_rejected", "rows_skipped", "bytes_read"}) {
    EXPECT_EQ(member_of(final_result, count), member_of(one.payload(), count)) << count;
  }

  // The invocations' shares add up to the report's totals.
  std::uint64_t rows = 0, requests = 0, bytes = 0;
  for (const InvocationResponse& response : chain.responses) {
    rows += invocation_count(response.payload(), "rows_read");
    requests += invocation_count(response.payload(), "requests");
    bytes += invocation_count(response.payload(), "bytes_read");
  }
  const auto report = get("reports/chain/offers.csv.report.json");
  ASSERT_TRUE(report);
  EXPECT_EQ(std::to_string(rows), member_of(*report, "rows_read"));
  EXPECT_EQ(std::to_string(requests), member_of(*report, "requests"));
  EXPECT_EQ(std::to_string(bytes), member_of(*report, "bytes_read"));
  EXPECT_EQ(std::to_string(csv.size()), member_of(*report, "bytes_read"));

  // Each hand-over queued one asynchronous invocation of the function itself.
  for (const std::string& target : lambda_.targets()) {
    EXPECT_EQ(target, "/2015-03-31/functions/csv2ddb-import/invocations Event");
  }
  EXPECT_EQ(lambda_.targets().size(), chain.invocations() - 1);
}

TEST_F(ContinuationTest, GzipFileIsDecompressedFromItsStartInEachInvocation) {
  const std::string csv = mixed_csv(70);
  put("one/daily.csv.gz", testing::gzipped(csv));
  put("chain/daily.csv.gz", testing::gzipped(csv));
  import_at_once("one/daily.csv.gz");
  const std::string one_table = config_.table;
  const testing::Chain chain = import_in_chain("chain/daily.csv.gz", 10);
  ASSERT_TRUE(chain.last().is_success()) << chain.last().error_message();
  EXPECT_GE(chain.invocations(), 5u);
  auto event = parse_continuation_event(lambda_.payloads().front());
  ASSERT_TRUE(event && event->has_value());
  EXPECT_EQ((*event)->compression, csv::Compression::kGzip);
  expect_same_outcome("one/daily.csv.gz", "chain/daily.csv.gz", one_table, config_.table);
}

TEST_F(ContinuationTest, ObjectOverwrittenBetweenInvocationsStopsTheChain) {
  put("chain/replaced.csv", mixed_csv(60));
  config_.table = make_table("chain");
  InvocationResponse first =
      invoke(s3_event("chain/replaced.csv"), testing::records_per_invocation(options_, 10));
  ASSERT_TRUE(first.is_success()) << first.error_message();
  ASSERT_EQ(member_of(first.payload(), "continued"), "true");
  const std::size_t rows_before = table_items(config_.table).size();
  ASSERT_GT(rows_before, 0u);

  put("chain/replaced.csv", "account,offer_id\nNEW,1\n");  // its own event imports it
  InvocationResponse second =
      invoke(lambda_.payloads().back(), testing::records_per_invocation(options_, 10));
  ASSERT_TRUE(second.is_success()) << second.error_message();
  EXPECT_EQ(member_of(second.payload(), "continued"), "false");
  EXPECT_EQ(member_of(second.payload(), "skipped"),
            R"([{"key":"chain/replaced.csv","reason":"object changed"}])");
  EXPECT_EQ(lambda_.payloads().size(), 1u);  // no further invocation
  EXPECT_EQ(table_items(config_.table).size(), rows_before);
  EXPECT_FALSE(get("json-copy/chain/replaced.json"));
  EXPECT_FALSE(get("reports/chain/replaced.csv.report.json"));
  EXPECT_EQ(keys_under("reports/.continuation/"), std::vector<std::string>{});
}

TEST_F(ContinuationTest, ObjectOverwrittenWhileAnInvocationReadsItStopsTheChain) {
  put("chain/moving.csv", mixed_csv(60));
  config_.table = make_table("chain");
  options_.read_chunk = 64;  // a ranged GET every few rows, each with If-Match
  InvocationResponse first =
      invoke(s3_event("chain/moving.csv"), testing::records_per_invocation(options_, 10));
  ASSERT_EQ(member_of(first.payload(), "continued"), "true") << first.payload();

  // The second invocation's deadline clock overwrites the object after a few records.
  ImportOptions overwriting = options_;
  auto calls = std::make_shared<int>(0);
  overwriting.time_remaining = [this, calls]() -> std::chrono::milliseconds {
    if (++*calls == 4) put("chain/moving.csv", "account,offer_id\nNEW,1\n");
    return std::chrono::hours(1);
  };
  InvocationResponse second = invoke(lambda_.payloads().back(), overwriting);
  ASSERT_TRUE(second.is_success()) << second.error_message();
  EXPECT_EQ(member_of(second.payload(), "skipped"),
            R"([{"key":"chain/moving.csv","reason":"object changed"}])");
  EXPECT_EQ(lambda_.payloads().size(), 1u);
  EXPECT_FALSE(get("json-copy/chain/moving.json"));
  EXPECT_FALSE(get("rejected/chain/moving.csv.rejected.jsonl"));
  EXPECT_EQ(keys_under("reports/.continuation/"), std::vector<std::string>{});
}

// An invocation that fails after its work (here: the next invocation cannot be queued) is
// retried by Lambda with the same event, and the chain ends as if nothing had happened; an event
// delivered twice after success does nothing the second time.
TEST_F(ContinuationTest, RetriedContinuationGivesTheSameResult) {
  const std::string csv = mixed_csv(80);
  put("one/retried.csv", csv);
  put("chain/retried.csv", csv);
  import_at_once("one/retried.csv");
  const std::string one_table = config_.table;

  config_.table = make_table("chain");
  auto options = [&] { return testing::records_per_invocation(options_, 9); };
  ASSERT_EQ(member_of(invoke(s3_event("chain/retried.csv"), options()).payload(), "continued"),
            "true");
  const std::string generation_1 = lambda_.payloads().back();
  ASSERT_EQ(member_of(invoke(generation_1, options()).payload(), "continued"), "true");
  const std::string generation_2 = lambda_.payloads().back();

  lambda_.refuse_next(1);
  InvocationResponse failed = invoke(generation_2, options());
  ASSERT_FALSE(failed.is_success());
  EXPECT_EQ(failed.error_type(), "AccessDeniedException");
  EXPECT_NE(failed.error_message().find("continuing s3://imports/chain/retried.csv"),
            std::string::npos)
      << failed.error_message();
  EXPECT_EQ(lambda_.payloads().size(), 2u);
  // What it had saved for a next invocation that never came is gone again.
  EXPECT_EQ(keys_under("reports/.continuation/"),
            std::vector<std::string>{"reports/.continuation/chain/retried.csv/2"});

  const testing::Chain rest =
      testing::run_chain([&](const std::string& payload) { return invoke(payload, options()); },
                         lambda_, generation_2);
  ASSERT_TRUE(rest.last().is_success()) << rest.last().error_message();
  EXPECT_GE(rest.invocations(), 3u);
  expect_same_outcome("one/retried.csv", "chain/retried.csv", one_table, config_.table);

  // Lambda may deliver an event twice: the state it names is gone, so nothing happens.
  const auto copy_before = get("json-copy/chain/retried.json");
  InvocationResponse replayed = invoke(generation_1, options());
  ASSERT_TRUE(replayed.is_success()) << replayed.error_message();
  EXPECT_EQ(member_of(replayed.payload(), "skipped"),
            R"([{"key":"chain/retried.csv","reason":"hand-over state replaced"}])");
  EXPECT_EQ(get("json-copy/chain/retried.json"), copy_before);
}

TEST_F(ContinuationTest, GenerationCapStopsTheChainWithAnError) {
  put("chain/endless.csv", mixed_csv(80));
  options_.max_generations = 3;
  const testing::Chain chain = import_in_chain("chain/endless.csv", 5);
  ASSERT_EQ(chain.invocations(), 4u);  // generations 0 to 3; the 4th would be past the cap
  const InvocationResponse& last = chain.last();
  ASSERT_FALSE(last.is_success());
  EXPECT_EQ(last.error_type(), "TooManyContinuations");
  EXPECT_NE(last.error_message().find("needs more than 3 continuations"), std::string::npos)
      << last.error_message();
  EXPECT_FALSE(get("json-copy/chain/endless.json"));
  EXPECT_FALSE(get("reports/chain/endless.csv.report.json"));
  EXPECT_EQ(keys_under("reports/.continuation/"), std::vector<std::string>{});

  // An event past the cap is refused before any work.
  ContinuationEvent event;
  event.generation = 9;
  event.bucket = kBucket;
  event.key = "chain/endless.csv";
  event.etag = "\"x\"";
  event.state_key = "reports/.continuation/chain/endless.csv/9";
  event.state_etag = "\"y\"";
  InvocationResponse refused = invoke(continuation_payload(event), options_);
  ASSERT_FALSE(refused.is_success());
  EXPECT_EQ(refused.error_type(), "TooManyContinuations");
}

TEST_F(ContinuationTest, ContinuationForAKeyThatIsNotAnInputIsRefused) {
  ContinuationEvent event;
  event.bucket = kBucket;
  event.key = "json-copy/loop.csv";
  event.etag = "\"x\"";
  event.state_key = "reports/.continuation/json-copy/loop.csv/1";
  event.state_etag = "\"y\"";
  InvocationResponse refused = invoke(continuation_payload(event), options_);
  ASSERT_FALSE(refused.is_success());
  EXPECT_EQ(refused.error_type(), "InvalidEvent");
}

}  // namespace
}  // namespace csv2ddb::lambda
