// The pieces of the handlers that need no server: S3 event and key decoding, the start-up
// configuration, custom resource events and answers, the notification merge, logs and metrics.
#include <gtest/gtest.h>

#include "lambda/custom_resource.hpp"
#include "lambda/import_config.hpp"
#include "lambda/import_handler.hpp"
#include "lambda/lambda_log.hpp"
#include "lambda/s3_event.hpp"
#include "lambda/setup_notification.hpp"

namespace csv2ddb::lambda {
namespace {

TEST(DecodeEventKey, PlusIsASpaceAndPercentEscapesAreBytes) {
  EXPECT_EQ(*decode_event_key("in+folder/a+b%2Bc+%C3%BC.csv"), "in folder/a b+c \xC3\xBC.csv");
  EXPECT_EQ(*decode_event_key("100%25.csv"), "100%.csv");
  EXPECT_EQ(*decode_event_key("plain.csv"), "plain.csv");
}

TEST(DecodeEventKey, BadEscapesAreErrors) {
  EXPECT_EQ(decode_event_key("a%2").error().code, "InvalidEvent");
  EXPECT_EQ(decode_event_key("a%").error().code, "InvalidEvent");
  EXPECT_EQ(decode_event_key("a%zz.csv").error().code, "InvalidEvent");
}

TEST(ParseS3Event, ReadsEveryS3RecordAndSkipsOtherSources) {
  auto records = parse_s3_event(
      R"({"Records":[{"eventSource":"aws:s3","eventName":"ObjectCreated:Put",)"
      R"("s3":{"bucket":{"name":"b"},"object":{"key":"a+b.csv","size":12,"eTag":"abc",)"
      R"("sequencer":"00A"}}},{"eventSource":"aws:sqs"},)"
      R"({"eventSource":"aws:s3","s3":{"bucket":{"name":"c"},"object":{"key":"d.csv"}}}]})");
  ASSERT_TRUE(records) << records.error().message;
  ASSERT_EQ(records->size(), 2u);
  EXPECT_EQ((*records)[0].bucket, "b");
  EXPECT_EQ((*records)[0].key, "a b.csv");
  EXPECT_EQ((*records)[0].etag, "abc");
  EXPECT_EQ((*records)[0].sequencer, "00A");
  EXPECT_EQ((*records)[0].size, 12u);
  EXPECT_EQ((*records)[0].event_name, "ObjectCreated:Put");
  EXPECT_EQ((*records)[1].bucket, "c");
  EXPECT_EQ((*records)[1].etag, "");
}

TEST(ParseS3Event, NotAnS3EventIsInvalid) {
  EXPECT_EQ(parse_s3_event("[]").error().code, "InvalidEvent");
  EXPECT_EQ(parse_s3_event("{").error().code, "InvalidEvent");
  EXPECT_EQ(parse_s3_event(R"({"Records":[{"s3":{"bucket":{"name":"b"}}}]})").error().code,
            "InvalidEvent");
}

TEST(SkipReason, OutputPrefixesAndNonCsvSuffixes) {
  EXPECT_EQ(skip_reason_for_key("data/a.csv"), "");
  EXPECT_EQ(skip_reason_for_key("A.CSV.GZ"), "");
  EXPECT_EQ(skip_reason_for_key("a.csv.zst"), "");
  EXPECT_EQ(skip_reason_for_key("json-copy/a.csv"), "output prefix");
  EXPECT_EQ(skip_reason_for_key("unprocessed/a.csv"), "output prefix");
  EXPECT_EQ(skip_reason_for_key("rejected/a.csv"), "output prefix");
  EXPECT_EQ(skip_reason_for_key("reports/a.csv"), "output prefix");
  EXPECT_EQ(skip_reason_for_key("a.json"), "not an input key");
  EXPECT_EQ(skip_reason_for_key("a.csv.bak"), "not an input key");
  EXPECT_EQ(skip_reason_for_key("csv"), "not an input key");
  EXPECT_EQ(skip_reason_for_key("a.jsonl"), "not an input key");
  EXPECT_EQ(skip_reason_for_key("conflicts/a.csv"), "output prefix");
}

TEST(SkipReason, JsonInputsAndExportBookkeeping) {
  EXPECT_EQ(skip_reason_for_key("e/AWSDynamoDB/1-a/data/x.json.gz"), "");
  EXPECT_EQ(skip_reason_for_key("feed/day.ndjson"), "");
  EXPECT_EQ(skip_reason_for_key("feed/day.jsonl.zst"), "");
  EXPECT_EQ(skip_reason_for_key("e/AWSDynamoDB/1-a/manifest-files.json"),
            "a DynamoDB export's manifest");
  EXPECT_EQ(skip_reason_for_key("e/AWSDynamoDB/1-a/manifest-summary.json"),
            "a DynamoDB export's manifest");
  EXPECT_EQ(skip_reason_for_key("e/AWSDynamoDB/1-a/_started"),
            "a DynamoDB export's _started marker");
  EXPECT_EQ(skip_reason_for_key("e/AWSDynamoDB/1-a/manifest-files.checksum"), "a checksum file");
}

aws::Environment env_of(std::map<std::string, std::string, std::less<>> variables) {
  return aws::Environment::from_map(std::move(variables));
}

TEST(ImportConfig, DefaultsMatchTheReference) {
  auto config = import_config_from(env_of({{"DYNAMO_DB_TABLE_NAME", "offers"}}));
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->table, "offers");
  EXPECT_EQ(config->delimiter, ',');
  EXPECT_EQ(config->max_retries, 3);
  EXPECT_FALSE(config->concurrency);  // sized from the memory (writer_sizing.hpp)
  EXPECT_FALSE(config->memory_mb);
}

TEST(ImportConfig, ReadsEverySetting) {
  auto config = import_config_from(env_of({{"DYNAMO_DB_TABLE_NAME", "t"},
                                           {"CSV2DDB_DELIMITER", ";"},
                                           {"CSV2DDB_MAX_RETRIES", "0"},
                                           {"CSV2DDB_CONCURRENCY", "16"},
                                           {"CSV2DDB_TYPES", "infer"},
                                           {"AWS_LAMBDA_FUNCTION_NAME", "imp"},
                                           {"AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1769"}}));
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->delimiter, ';');
  EXPECT_EQ(config->max_retries, 0);
  EXPECT_EQ(config->concurrency, 16u);
  EXPECT_EQ(config->memory_mb, 1769u);
  EXPECT_EQ(config->function_name, "imp");
}

TEST(ImportConfig, BadValuesNameTheVariable) {
  auto no_table = import_config_from(env_of({}));
  EXPECT_EQ(no_table.error().code, "InvalidConfiguration");
  EXPECT_EQ(no_table.error().message,
            "DYNAMO_DB_TABLE_NAME: is required (the table to import into)");
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"CSV2DDB_MAX_RETRIES", "-1"},
      {"CSV2DDB_MAX_RETRIES", "3x"},
      {"CSV2DDB_CONCURRENCY", "0"},
      {"CSV2DDB_CONCURRENCY", "65"},
      {"CSV2DDB_DELIMITER", "ab"},
      {"CSV2DDB_TYPES", "price:Q"},
      {"AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "64"}};
  for (const auto& [name, value] : bad) {
    auto config = import_config_from(env_of({{"DYNAMO_DB_TABLE_NAME", "t"}, {name, value}}));
    ASSERT_FALSE(config) << name << "=" << value;
    EXPECT_EQ(config.error().code, "InvalidConfiguration");
    EXPECT_EQ(config.error().message.rfind(name + ": ", 0), 0u) << config.error().message;
  }
}

TEST(CustomResourceEvent, ParsesAndAnswers) {
  auto event = parse_custom_resource_event(
      R"({"RequestType":"Create","ResponseURL":"http://127.0.0.1:1/r?sig=x",)"
      R"("StackId":"arn:aws:cloudformation:us-east-1:123456789012:stack/csv2ddb/1f2e",)"
      R"("RequestId":"req","LogicalResourceId":"BucketNotificationConfiguration",)"
      R"("ResourceType":"Custom::BucketNotification",)"
      R"("ResourceProperties":{"ServiceToken":"arn","BucketName":"bkt","LambdaArn":"fn"}})");
  ASSERT_TRUE(event) << event.error().message;
  EXPECT_EQ(event->request_type, "Create");
  EXPECT_EQ(event->property("BucketName"), "bkt");
  EXPECT_EQ(event->property("Missing"), "");
  EXPECT_EQ(event->old_property("BucketName"), "");
  CustomResourceAnswer answer;
  answer.success = false;
  answer.reason = "AccessDenied: no";
  answer.physical_resource_id = "pid";
  EXPECT_EQ(custom_resource_response_body(*event, answer),
            R"({"Status":"FAILED","Reason":"AccessDenied: no","PhysicalResourceId":"pid",)"
            R"("StackId":"arn:aws:cloudformation:us-east-1:123456789012:stack/csv2ddb/1f2e",)"
            R"("RequestId":"req","LogicalResourceId":"BucketNotificationConfiguration",)"
            R"("Data":{}})");
}

TEST(CustomResourceEvent, MissingFieldsAreInvalid) {
  auto event = parse_custom_resource_event(R"({"RequestType":"Create"})");
  ASSERT_FALSE(event);
  EXPECT_EQ(event.error().code, "InvalidEvent");
}

TEST(NotificationId, StackNameAndLogicalId) {
  EXPECT_EQ(notification_id("arn:aws:cloudformation:us-east-1:1:stack/my-stack/uuid-1", "Notif"),
            "csv2ddb-my-stack-Notif");
  EXPECT_EQ(notification_id("local", "N"), "csv2ddb-local-N");
  EXPECT_EQ(notification_id(std::string(400, 's'), "N").size(), 255u);
}

TEST(MergeNotification, ReplacesOursKeepsOthers) {
  aws::NotificationConfiguration configuration;
  configuration.lambda_functions.push_back({"other", "arn:other", {"s3:ObjectRemoved:*"}, {}});
  configuration.lambda_functions.push_back({"ours", "arn:old", {"s3:ObjectCreated:*"}, {}});
  configuration.queues.push_back({"q", "arn:q", {"s3:ObjectCreated:*"}, {}});
  aws::NotificationTarget ours{"ours", "arn:new", {"s3:ObjectCreated:*"}, {{"suffix", ".csv"}}};
  auto merged = merge_notification(configuration, ours);
  ASSERT_EQ(merged.lambda_functions.size(), 2u);
  EXPECT_EQ(merged.lambda_functions[0].id, "other");
  EXPECT_EQ(merged.lambda_functions[1], ours);
  EXPECT_EQ(merged.queues, configuration.queues);
  auto removed = remove_notification(merged, "ours");
  ASSERT_EQ(removed.lambda_functions.size(), 1u);
  EXPECT_EQ(removed.lambda_functions[0].id, "other");
  EXPECT_EQ(removed.queues, configuration.queues);
}

TEST(Metrics, EmbeddedMetricFormatDocument) {
  ingest::Counts metrics;
  metrics.rows_written = 10;
  metrics.rows_rejected = 2;
  metrics.rows_unprocessed = 1;
  metrics.bytes_read = 1234;
  metrics.seconds = 0.056;
  metrics.retries = 3;
  EXPECT_EQ(
      format_metrics_line(metrics, "imp", 1700000000000),
      R"({"_aws":{"Timestamp":1700000000000,"CloudWatchMetrics":[{"Namespace":"csv2ddb",)"
      R"("Dimensions":[["FunctionName"]],"Metrics":[{"Name":"RowsWritten","Unit":"Count"},)"
      R"({"Name":"RowsRejected","Unit":"Count"},{"Name":"RowsUnprocessed","Unit":"Count"},)"
      R"({"Name":"BytesRead","Unit":"Bytes"},{"Name":"DurationMs","Unit":"Milliseconds"},)"
      R"({"Name":"Retries","Unit":"Count"}]}]},"FunctionName":"imp","RowsWritten":10,)"
      R"("RowsRejected":2,"RowsUnprocessed":1,"BytesRead":1234,"DurationMs":56,"Retries":3})");
}

TEST(LogLine, IsOneJsonObjectWithTheRequestId) {
  set_log_request_id("rid-1");
  const std::string line = format_log_line(LogLevel::kWarn, "skipped \"x\"", {{"key", "a\nb"}});
  set_log_request_id("");
  auto parsed = model::parse_json(line);
  ASSERT_TRUE(parsed) << line;
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(parsed->find("level")->as_string(), "WARN");
  EXPECT_EQ(parsed->find("requestId")->as_string(), "rid-1");
  EXPECT_EQ(parsed->find("message")->as_string(), "skipped \"x\"");
  EXPECT_EQ(parsed->find("key")->as_string(), "a\nb");
  EXPECT_EQ(parsed->find("timestamp")->as_string().size(), 24u);
}

}  // namespace
}  // namespace csv2ddb::lambda
