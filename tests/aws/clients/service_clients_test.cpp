// ServiceClients, the wiring the CLI and the Lambda handlers share: the production transport
// limits are its defaults, each service gets its endpoint, and the SDK variables it reads
// (AWS_CA_BUNDLE, AWS_MAX_ATTEMPTS) take effect or fail clearly.
#include "aws/service_clients.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "aws/aws_error.hpp"
#include "test_servers.hpp"

namespace csv2ddb::aws {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Vars = std::map<std::string, std::string, std::less<>>;

Vars base_vars() {
  return {{"HOME", "/nonexistent"},
          {"AWS_REGION", "us-east-1"},
          {"AWS_ACCESS_KEY_ID", "AKIDTEST"},
          {"AWS_SECRET_ACCESS_KEY", "secret"},
          {"AWS_EC2_METADATA_DISABLED", "true"}};
}

TEST(ServiceClients, ProductionLimitsAreTheDefaults) {
  const HttpClientOptions production = production_http_options();
  EXPECT_EQ(production.connect_timeout, milliseconds(3000));
  EXPECT_EQ(production.low_speed_limit, 1u);
  EXPECT_EQ(production.low_speed_time, seconds(20));
  EXPECT_EQ(production.timeout, milliseconds(0));  // a large GET may take long, moving

  const ServiceClientsOptions options;
  EXPECT_EQ(options.http.connect_timeout, production.connect_timeout);
  EXPECT_EQ(options.http.low_speed_limit, production.low_speed_limit);
  EXPECT_EQ(options.http.low_speed_time, production.low_speed_time);
  EXPECT_EQ(options.dynamodb_timeout, kDynamoDbRequestTimeout);
  EXPECT_EQ(kDynamoDbRequestTimeout, milliseconds(10000));
}

TEST(ServiceClients, DynamoDbRequestsCarryTheRequestTimeoutAndS3RequestsNone) {
  auto clients = ServiceClients::create(Environment::from_map(base_vars()), {});
  ASSERT_TRUE(clients) << clients.error().to_string();
  const Credentials credentials{"AKIDTEST", "secret", ""};
  const SystemTime now = std::chrono::system_clock::now();
  AwsCaller& dynamodb = clients->dynamodb()->caller();
  auto signed_dynamodb =
      dynamodb.sign(clients->dynamodb()->request("DescribeTable", "{}"), credentials, now);
  ASSERT_TRUE(signed_dynamodb);
  EXPECT_EQ(signed_dynamodb->timeout, kDynamoDbRequestTimeout);
  AwsCaller& s3 = clients->s3()->caller();
  auto signed_s3 = s3.sign(clients->s3()->request("GET", "b", "k"), credentials, now);
  ASSERT_TRUE(signed_s3);
  EXPECT_FALSE(signed_s3->timeout.has_value());  // bounded by the stall limit instead
}

TEST(ServiceClients, TheFlagServesEveryServiceAndWinsOverTheVariables) {
  Vars vars = base_vars();
  vars["AWS_ENDPOINT_URL_S3"] = "http://127.0.0.1:9000";
  ServiceClientsOptions options;
  options.endpoint_url = "http://127.0.0.1:4566";
  auto clients = ServiceClients::create(Environment::from_map(vars), options);
  ASSERT_TRUE(clients) << clients.error().to_string();
  EXPECT_EQ(clients->s3()->caller().service().endpoint.url, "http://127.0.0.1:4566");
  EXPECT_EQ(clients->dynamodb()->caller().service().endpoint.url, "http://127.0.0.1:4566");
  options.endpoint_url.clear();
  auto without_flag = ServiceClients::create(Environment::from_map(vars), options);
  ASSERT_TRUE(without_flag) << without_flag.error().to_string();
  EXPECT_EQ(without_flag->s3()->caller().service().endpoint.url, "http://127.0.0.1:9000");
}

TEST(ServiceClients, AwsMaxAttemptsBoundsTheRetries) {
  testing::FakeHttpServer server([](const testing::ReceivedRequest&) {
    return testing::dynamodb_error_response(500, "InternalServerError", "Internal Server Error");
  });
  Vars vars = base_vars();
  vars["AWS_ENDPOINT_URL"] = server.url();
  vars["AWS_MAX_ATTEMPTS"] = "2";
  testing::RecordingSleeper sleeper;
  ServiceClientsOptions options;
  options.caller.sleeper = &sleeper;
  auto clients = ServiceClients::create(Environment::from_map(vars), options);
  ASSERT_TRUE(clients) << clients.error().to_string();
  auto described = clients->dynamodb()->describe_table("t");
  ASSERT_FALSE(described);
  EXPECT_EQ(described.error().code, "InternalServerError");
  EXPECT_EQ(server.requests().size(), 2u);

  for (const char* bad : {"0", "many", "3x", "101", "-1"}) {
    vars["AWS_MAX_ATTEMPTS"] = bad;
    auto refused = ServiceClients::create(Environment::from_map(vars), {});
    ASSERT_FALSE(refused) << bad;
    EXPECT_EQ(refused.error().to_string(),
              std::string("InvalidConfiguration: AWS_MAX_ATTEMPTS must be a whole number from 1 "
                          "to 100, got '") +
                  bad + "'");
  }
}

TEST(ServiceClients, AnUnreadableCaBundleIsNamed) {
  Vars vars = base_vars();
  vars["AWS_CA_BUNDLE"] = "/nonexistent/ca.pem";
  auto refused = ServiceClients::create(Environment::from_map(vars), {});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().to_string(),
            "InvalidConfiguration: AWS_CA_BUNDLE names /nonexistent/ca.pem, which cannot be read");
}

TEST(ServiceClients, TheProfileGivesCaBundleMaxAttemptsRetryModeAndStsEndpoint) {
  const std::string dir = ::testing::TempDir() + "/profile-settings-" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/config") << "[profile p]\nmax_attempts = 7\nretry_mode = legacy\n"
                                    "sts_regional_endpoints = legacy\n"
                                    "[profile q]\nca_bundle = /nonexistent/profile-ca.pem\n";
  Vars vars = base_vars();
  vars["AWS_CONFIG_FILE"] = dir + "/config";
  ServiceClientsOptions options;
  options.profile = "p";
  auto clients = ServiceClients::create(Environment::from_map(vars), options);
  ASSERT_TRUE(clients) << clients.error().to_string();
  EXPECT_EQ(clients->retry().max_attempts, 7);
  EXPECT_EQ(clients->retry().strategy, RetryStrategy::kLegacy);
  vars["AWS_MAX_ATTEMPTS"] = "2";  // the variable wins over the profile
  vars["AWS_RETRY_MODE"] = "adaptive";
  auto overridden = ServiceClients::create(Environment::from_map(vars), options);
  ASSERT_TRUE(overridden) << overridden.error().to_string();
  EXPECT_EQ(overridden->retry().max_attempts, 2);
  EXPECT_EQ(overridden->retry().strategy, RetryStrategy::kAdaptive);
  options.profile = "q";
  auto refused = ServiceClients::create(Environment::from_map(vars), options);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message, dir +
                                         "/config (profile q ca_bundle) names "
                                         "/nonexistent/profile-ca.pem, which cannot be read");
  std::filesystem::remove_all(dir);
}

TEST(StsEndpoint, RegionalUnlessLegacyAskedForInALegacyRegion) {
  SharedConfig none;
  auto url = [&](Vars vars, std::string_view region) {
    auto got = sts_endpoint(Environment::from_map(std::move(vars)), none, "", region);
    return got ? got->url : got.error().to_string();
  };
  EXPECT_EQ(url({}, "eu-west-1"), "https://sts.eu-west-1.amazonaws.com");
  EXPECT_EQ(url({{"AWS_STS_REGIONAL_ENDPOINTS", "regional"}}, "us-east-1"),
            "https://sts.us-east-1.amazonaws.com");
  EXPECT_EQ(url({{"AWS_STS_REGIONAL_ENDPOINTS", "legacy"}}, "us-east-1"),
            "https://sts.amazonaws.com");
  EXPECT_EQ(url({{"AWS_STS_REGIONAL_ENDPOINTS", "legacy"}}, "ap-east-1"),
            "https://sts.ap-east-1.amazonaws.com");  // never had the global endpoint
  EXPECT_EQ(url({{"AWS_STS_REGIONAL_ENDPOINTS", "legacy"}, {"AWS_ENDPOINT_URL_STS", "http://h:1"}},
                "us-east-1"),
            "http://h:1");
}

}  // namespace
}  // namespace csv2ddb::aws
