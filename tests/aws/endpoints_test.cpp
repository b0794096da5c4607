// Regions, endpoints and S3 addressing: tables of settings → exact results.
#include "aws/endpoints.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <fstream>

#include "aws/ini_file.hpp"

namespace csv2ddb::aws {
namespace {

using Vars = std::map<std::string, std::string, std::less<>>;

struct EndpointCase {
  const char* name;
  Vars vars;
  std::string service;
  std::string region;
  std::string flag;
  std::string expected_url;
  bool expected_custom;
};

TEST(ResolveEndpoint, Table) {
  const std::vector<EndpointCase> cases = {
      {"default dynamodb",
       {},
       "dynamodb",
       "eu-west-1",
       "",
       "https://dynamodb.eu-west-1.amazonaws.com",
       false},
      {"default s3", {}, "s3", "us-east-1", "", "https://s3.us-east-1.amazonaws.com", false},
      {"default lambda",
       {},
       "lambda",
       "ap-southeast-2",
       "",
       "https://lambda.ap-southeast-2.amazonaws.com",
       false},
      {"china",
       {},
       "dynamodb",
       "cn-north-1",
       "",
       "https://dynamodb.cn-north-1.amazonaws.com.cn",
       false},
      {"global variable",
       {{"AWS_ENDPOINT_URL", "http://127.0.0.1:4566"}},
       "s3",
       "us-east-1",
       "",
       "http://127.0.0.1:4566",
       true},
      {"service variable beats global",
       {{"AWS_ENDPOINT_URL", "http://127.0.0.1:4566"},
        {"AWS_ENDPOINT_URL_DYNAMODB", "http://localhost:8000/"}},
       "dynamodb",
       "us-east-1",
       "",
       "http://localhost:8000",
       true},
      {"other service's variable ignored",
       {{"AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9000"}},
       "dynamodb",
       "us-east-1",
       "",
       "https://dynamodb.us-east-1.amazonaws.com",
       false},
      {"lambda variable",
       {{"AWS_ENDPOINT_URL_LAMBDA", "http://127.0.0.1:9001"}},
       "lambda",
       "us-east-1",
       "",
       "http://127.0.0.1:9001",
       true},
      {"the flag beats the service variable",
       {{"AWS_ENDPOINT_URL", "http://a:1"}, {"AWS_ENDPOINT_URL_S3", "http://b:2"}},
       "s3",
       "us-east-1",
       "http://c:3",
       "http://c:3",
       true},
      {"flag serves the services without their own variable",
       {{"AWS_ENDPOINT_URL", "http://a:1"}, {"AWS_ENDPOINT_URL_S3", "http://b:2"}},
       "dynamodb",
       "us-east-1",
       "http://c:3",
       "http://c:3",
       true},
      {"flag beats the global variable",
       {{"AWS_ENDPOINT_URL", "http://a:1"}},
       "lambda",
       "us-east-1",
       "http://c:3/",
       "http://c:3",
       true},
      {"ignoring configured endpoints keeps the flag",
       {{"AWS_ENDPOINT_URL_S3", "http://b:2"}, {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"}},
       "s3",
       "us-east-1",
       "http://c:3",
       "http://c:3",
       true},
      {"ignore configured endpoints",
       {{"AWS_ENDPOINT_URL", "http://a:1"}, {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"}},
       "s3",
       "eu-central-1",
       "",
       "https://s3.eu-central-1.amazonaws.com",
       false},
      {"base path kept",
       {{"AWS_ENDPOINT_URL", "https://proxy.example/aws/"}},
       "s3",
       "us-east-1",
       "",
       "https://proxy.example/aws",
       true},
  };
  for (const auto& c : cases) {
    auto got = resolve_endpoint(Environment::from_map(c.vars), c.service, c.region, c.flag);
    ASSERT_TRUE(got.ok()) << c.name << ": " << got.error().to_string();
    EXPECT_EQ(got->url, c.expected_url) << c.name;
    EXPECT_EQ(got->custom, c.expected_custom) << c.name;
  }
}

// Every combination of the five places an endpoint can come from, in awscli v2's order: the
// flag, AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, the profile's services section, the
// profile's endpoint_url. The first one present wins; AWS_IGNORE_CONFIGURED_ENDPOINT_URLS
// leaves only the flag.
TEST(ResolveEndpoint, EveryCombinationOfTheFiveSources) {
  const std::string dir = ::testing::TempDir() + "/endpoints-" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  const std::array<std::string, 5> urls = {"http://flag:1", "http://service-var:2",
                                           "http://global-var:3", "http://services:4",
                                           "http://profile:5"};
  for (int ignore = 0; ignore < 2; ++ignore) {
    for (int mask = 0; mask < 32; ++mask) {
      const auto has = [mask](int source) { return (mask & (1 << source)) != 0; };
      std::string config = "[profile p]\n";
      if (has(3)) config += "services = local\n";
      if (has(4)) config += "endpoint_url = " + urls[4] + "\n";
      if (has(3)) config += "[services local]\ndynamodb =\n  endpoint_url = " + urls[3] + "\n";
      const std::string path = dir + "/config-" + std::to_string(mask);
      std::ofstream(path) << config;
      Vars vars = {{"AWS_CONFIG_FILE", path}, {"HOME", dir}};
      if (has(1)) vars["AWS_ENDPOINT_URL_DYNAMODB"] = urls[1];
      if (has(2)) vars["AWS_ENDPOINT_URL"] = urls[2];
      if (ignore == 1) vars["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "true";
      const Environment env = Environment::from_map(vars);
      auto files = SharedConfig::load(env);
      ASSERT_TRUE(files.ok()) << files.error().to_string();
      auto got =
          resolve_endpoint(env, "dynamodb", "eu-west-1", has(0) ? urls[0] : "", &*files, "p");
      ASSERT_TRUE(got.ok()) << got.error().to_string();
      std::string expected = "https://dynamodb.eu-west-1.amazonaws.com";
      for (int source = 0; source < 5; ++source) {
        if (has(source) && (ignore == 0 || source == 0)) {
          expected = urls[static_cast<std::size_t>(source)];
          break;
        }
      }
      EXPECT_EQ(got->url, expected)
          << "sources " << mask << (ignore ? ", ignoring configured" : "");
    }
  }
  std::filesystem::remove_all(dir);
}

TEST(ResolveEndpoint, RejectsWhatIsNotAnHttpUrl) {
  auto got = resolve_endpoint(Environment::from_map({{"AWS_ENDPOINT_URL_S3", "localhost:4566"}}),
                              "s3", "us-east-1");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, "InvalidEndpoint");
  EXPECT_EQ(got.error().message, "AWS_ENDPOINT_URL_S3 is not an http(s) URL: \"localhost:4566\"");
}

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "csv2ddb-ep-XXXXXX").string();
    path = ::mkdtemp(pattern.data());
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string path;
};

TEST(ResolveRegion, Precedence) {
  TempDir home;
  std::filesystem::create_directories(home.path + "/.aws");
  std::ofstream(home.path + "/.aws/config")
      << "[default]\nregion = eu-west-1\n[profile other]\nregion = ap-south-1\n";
  Vars vars = {{"HOME", home.path}};
  auto region = [&](const Vars& v, std::string flag = "", std::string profile = "") {
    auto got = resolve_region(Environment::from_map(v), flag, profile);
    return got ? *got : got.error().to_string();
  };
  EXPECT_EQ(region(vars), "eu-west-1");
  EXPECT_EQ(region(vars, "", "other"), "ap-south-1");
  Vars with_profile = vars;
  with_profile["AWS_PROFILE"] = "other";
  EXPECT_EQ(region(with_profile), "ap-south-1");
  Vars with_default = vars;
  with_default["AWS_DEFAULT_REGION"] = "us-west-2";
  EXPECT_EQ(region(with_default), "us-west-2");
  Vars with_both = with_default;
  with_both["AWS_REGION"] = "us-east-2";
  EXPECT_EQ(region(with_both), "us-east-2");
  EXPECT_EQ(region(with_both, "sa-east-1"), "sa-east-1");
}

TEST(ResolveRegion, FromTheProfileInAwsConfigFile) {
  TempDir dir;
  std::ofstream(dir.path + "/aws.ini")
      << "[default]\nregion = eu-west-1\n[profile ingest]\nregion = ap-northeast-3\n"
         "[ingest]\nregion = wrong-1\n";
  // HOME has no .aws at all: only AWS_CONFIG_FILE can give the region.
  Vars vars = {{"HOME", dir.path + "/nowhere"}, {"AWS_CONFIG_FILE", dir.path + "/aws.ini"}};
  auto region = [&](const Vars& v, std::string profile = "") {
    auto got = resolve_region(Environment::from_map(v), "", profile);
    return got ? *got : got.error().to_string();
  };
  EXPECT_EQ(region(vars), "eu-west-1");
  EXPECT_EQ(region(vars, "ingest"), "ap-northeast-3");
  Vars with_profile = vars;
  with_profile["AWS_PROFILE"] = "ingest";
  EXPECT_EQ(region(with_profile), "ap-northeast-3");
  EXPECT_EQ(region(vars, "missing"), "MissingRegion: no AWS region: set AWS_REGION or --region");
}

TEST(ResolveRegion, NoneIsAClearError) {
  TempDir home;
  auto got = resolve_region(Environment::from_map({{"HOME", home.path}}), "");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, "MissingRegion");
  EXPECT_EQ(got.error().message, "no AWS region: set AWS_REGION or --region");
}

TEST(SplitUrl, Parts) {
  auto parts = split_url("http://127.0.0.1:4566/bucket/a%20b?list-type=2#frag");
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(parts->scheme, "http");
  EXPECT_EQ(parts->host, "127.0.0.1:4566");
  EXPECT_EQ(parts->path, "/bucket/a%20b");
  EXPECT_EQ(parts->query, "list-type=2");
  auto bare = split_url("HTTPS://dynamodb.us-east-1.amazonaws.com");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->scheme, "https");
  EXPECT_EQ(bare->path, "/");
  EXPECT_EQ(bare->query, "");
  EXPECT_FALSE(split_url("ftp://x/").ok());
  EXPECT_FALSE(split_url("http:///path").ok());
  EXPECT_FALSE(split_url("http://user@host/").ok());
}

TEST(EncodeS3Key, KeepsSlashesAndUnreserved) {
  EXPECT_EQ(encode_s3_key("data/2024/offers.csv"), "data/2024/offers.csv");
  EXPECT_EQ(encode_s3_key("a b+c=d&e?f#g%h"), "a%20b%2Bc%3Dd%26e%3Ff%23g%25h");
  EXPECT_EQ(encode_s3_key("~_-.x"), "~_-.x");
  EXPECT_EQ(encode_s3_key("caf\xC3\xA9/\xE2\x82\xAC"), "caf%C3%A9/%E2%82%AC");
  EXPECT_EQ(encode_s3_key("a//b/../c"), "a//b/../c");
}

TEST(S3ObjectUrl, Addressing) {
  Endpoint aws{"https://s3.eu-west-1.amazonaws.com", false};
  Endpoint local{"http://127.0.0.1:4566", true};
  EXPECT_EQ(s3_object_url(aws, "my-bucket", "dir/a b.csv"),
            "https://my-bucket.s3.eu-west-1.amazonaws.com/dir/a%20b.csv");
  EXPECT_EQ(s3_object_url(aws, "my-bucket", ""), "https://my-bucket.s3.eu-west-1.amazonaws.com/");
  EXPECT_EQ(s3_object_url(aws, "my-bucket", "", "list-type=2&prefix=x"),
            "https://my-bucket.s3.eu-west-1.amazonaws.com/?list-type=2&prefix=x");
  // Dots and capitals cannot be TLS-safe host labels: path style.
  EXPECT_EQ(s3_object_url(aws, "my.dotted.bucket", "k"),
            "https://s3.eu-west-1.amazonaws.com/my.dotted.bucket/k");
  EXPECT_EQ(s3_object_url(aws, "my-bucket", "k", "", true),
            "https://s3.eu-west-1.amazonaws.com/my-bucket/k");
  // Custom endpoints: path style always.
  EXPECT_EQ(s3_object_url(local, "my-bucket", "x/y.csv", "uploads"),
            "http://127.0.0.1:4566/my-bucket/x/y.csv?uploads");
  EXPECT_EQ(s3_object_url(local, "my-bucket", ""), "http://127.0.0.1:4566/my-bucket");
}

TEST(BucketIsVirtualHostCompatible, Rules) {
  EXPECT_TRUE(bucket_is_virtual_host_compatible("abc"));
  EXPECT_TRUE(bucket_is_virtual_host_compatible("my-bucket-123"));
  EXPECT_FALSE(bucket_is_virtual_host_compatible("ab"));
  EXPECT_FALSE(bucket_is_virtual_host_compatible("My-Bucket"));
  EXPECT_FALSE(bucket_is_virtual_host_compatible("a.b.c"));
  EXPECT_FALSE(bucket_is_virtual_host_compatible("-abc"));
  EXPECT_FALSE(bucket_is_virtual_host_compatible(std::string(64, 'a')));
}

TEST(AwsProfileFile, ParsesSectionsKeysCommentsAndSubSettings) {
  auto file = AwsProfileFile::parse(
      "; leading comment\n"
      "[default]\r\n"
      "Region = us-east-1\r\n"
      "note = a ; b # c\n"
      "s3 =\n"
      "  addressing_style = path\n"
      "  max_concurrent_requests = 20\n"
      "output=json\n"
      "[profile dev]\n"
      "region=eu-west-1\n"
      "[sso-session corp]\n"
      "sso_region = us-east-1\n"
      "[profile   spaced  ]\n"
      "key = a#b\n",
      AwsFileKind::kConfig, "config");
  ASSERT_TRUE(file.ok()) << file.error().to_string();
  EXPECT_EQ(file->get("default", "region"), "us-east-1");
  EXPECT_EQ(file->get("default", "s3.addressing_style"), "path");
  EXPECT_EQ(file->get("default", "s3.max_concurrent_requests"), "20");
  EXPECT_EQ(file->get("default", "output"), "json");
  EXPECT_EQ(file->get("dev", "region"), "eu-west-1");
  EXPECT_EQ(file->get("spaced", "key"), "a#b");
  EXPECT_EQ(file->get("default", "note"), "a ; b # c");  // as botocore: no inline comments
  ASSERT_NE(file->section("sso-session", "corp"), nullptr);
  EXPECT_EQ(file->section("sso-session", "corp")->at("sso_region"), "us-east-1");
  EXPECT_EQ(file->profile("corp"), nullptr);
  EXPECT_EQ(file->profile("sso-session corp"), nullptr);
}

TEST(AwsProfileFile, BadSubSectionIndentationNamesTheLine) {
  auto under_value = AwsProfileFile::parse("[default]\nregion = us-east-1\n  max = 2\n",
                                           AwsFileKind::kConfig, "cfg");
  ASSERT_FALSE(under_value.ok());
  EXPECT_EQ(under_value.error().message,
            "cfg line 3: indented line under \"region\", which has a value (a sub-setting goes "
            "under a key with nothing after its '=')");
  auto flat_services =
      AwsProfileFile::parse("[services local]\ndynamodb =\nendpoint_url = http://127.0.0.1:4566\n",
                            AwsFileKind::kConfig, "cfg");
  ASSERT_FALSE(flat_services.ok());
  EXPECT_EQ(flat_services.error().message,
            "cfg line 3: \"endpoint_url\" in a [services] section must be indented under a "
            "service name (\"dynamodb =\" then \"  endpoint_url = ...\")");
}

TEST(AwsProfileFile, CredentialsFileNamesAreLiteral) {
  auto file = AwsProfileFile::parse("[profile x]\na=1\n[y]\nb=2\n", AwsFileKind::kCredentials, "c");
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->get("profile x", "a"), "1");
  EXPECT_EQ(file->get("y", "b"), "2");
  EXPECT_EQ(file->profile("x"), nullptr);
}

TEST(AwsProfileFile, Errors) {
  auto outside = AwsProfileFile::parse("a = 1\n", AwsFileKind::kConfig, "/h/.aws/config");
  ASSERT_FALSE(outside.ok());
  EXPECT_EQ(outside.error().code, "InvalidConfigFile");
  EXPECT_EQ(outside.error().message, "/h/.aws/config line 1: setting outside any [section]");
  auto garbage = AwsProfileFile::parse("[default]\njunk\n", AwsFileKind::kConfig, "f");
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.error().message, "f line 2: expected \"key = value\"");
  auto missing = AwsProfileFile::load("/nonexistent/csv2ddb/config", AwsFileKind::kConfig);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "FileNotFound");
}

}  // namespace
}  // namespace csv2ddb::aws
