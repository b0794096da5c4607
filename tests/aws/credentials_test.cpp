// The credentials chain: every source, their order, the one error when nothing is found, and
// refresh of temporary credentials. Metadata and container endpoints are fake servers on
// 127.0.0.1 (tests/aws/servers/fake_credentials_server.py); every Environment here is a map, so
// the machine's real variables and ~/.aws never leak in, and 169.254.x.x is never contacted.
#include "aws/credentials.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include "test_server_process.hpp"

namespace csv2ddb::aws {
namespace {

using testing::TestServerProcess;
using Vars = std::map<std::string, std::string, std::less<>>;
using std::chrono::milliseconds;

class TempHome {
 public:
  TempHome() {
    std::string pattern = (std::filesystem::temp_directory_path() / "csv2ddb-home-XXXXXX").string();
    dir_ = ::mkdtemp(pattern.data());
  }
  ~TempHome() { std::filesystem::remove_all(dir_); }
  const std::string& path() const { return dir_; }
  void write(const std::string& relative, const std::string& text) const {
    auto file = std::filesystem::path(dir_) / relative;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << text;
  }

 private:
  std::string dir_;
};

// A socket that accepts connections (the kernel completes them) but never answers.
class SilentListener {
 public:
  SilentListener() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    listen(fd_, 16);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~SilentListener() { close(fd_); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// Isolated from the machine: a fresh HOME, metadata disabled unless a test turns it on.
Vars base_vars(const TempHome& home) {
  return {{"HOME", home.path()}, {"AWS_EC2_METADATA_DISABLED", "true"}};
}

Result<ProvidedCredentials> resolve(Vars vars, CredentialsChainOptions options = {}) {
  options.metadata_timeout = milliseconds(1000);
  CredentialsChain chain(Environment::from_map(std::move(vars)), options);
  return chain.get();
}

constexpr const char* kCredentialsFile =
    "# comment\n"
    "[default]\n"
    "aws_access_key_id = AKIADEFAULTFILE00001\n"
    "aws_secret_access_key = secretFromCredentialsFile\n"
    "\n"
    "[work]\n"
    "aws_access_key_id=AKIAWORKPROFILE00001\n"
    "aws_secret_access_key=workSecret\n"
    "aws_session_token = workToken\n"
    "\n"
    "[split]\n"
    "aws_secret_access_key = splitSecretFromCredentials\n";

constexpr const char* kConfigFile =
    "[default]\n"
    "region = eu-west-1\n"
    "[profile only-config]\n"
    "aws_access_key_id = AKIACONFIGONLY000001\n"
    "aws_secret_access_key = configSecret\n"
    "[profile split]\n"
    "aws_access_key_id = AKIASPLITCONFIG00001\n"
    "aws_secret_access_key = splitSecretFromConfig\n"
    "[not-a-profile]\n"
    "aws_access_key_id = AKIAIGNORED000000001\n"
    "aws_secret_access_key = ignored\n"
    "[profile assume]\n"
    "role_arn = arn:aws:iam::123456789012:role/x\n"
    "source_profile = missing\n";

TEST(EnvironmentCredentials, KeysAndSessionToken) {
  TempHome home;
  Vars vars = base_vars(home);
  vars["AWS_ACCESS_KEY_ID"] = "AKIAENVIRONMENT00001";
  vars["AWS_SECRET_ACCESS_KEY"] = "envSecret";
  vars["AWS_SESSION_TOKEN"] = "envToken";
  auto got = resolve(vars);
  ASSERT_TRUE(got.ok()) << got.error().to_string();
  EXPECT_EQ(got->credentials.access_key_id, "AKIAENVIRONMENT00001");
  EXPECT_EQ(got->credentials.secret_access_key, "envSecret");
  EXPECT_EQ(got->credentials.session_token, "envToken");
  EXPECT_EQ(got->source, "environment");
  EXPECT_FALSE(got->expiration.has_value());
}

TEST(EnvironmentCredentials, KeyIdWithoutSecretIsExplained) {
  auto provider = make_environment_provider(
      Environment::from_map({{"AWS_ACCESS_KEY_ID", "AKIAENVIRONMENT00001"}}));
  auto got = provider->fetch();
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().message,
            "environment variables (AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not)");
}

TEST(ProfileCredentials, DefaultProfileFromCredentialsFile) {
  TempHome home;
  home.write(".aws/credentials", kCredentialsFile);
  home.write(".aws/config", kConfigFile);
  auto got = resolve(base_vars(home));
  ASSERT_TRUE(got.ok()) << got.error().to_string();
  EXPECT_EQ(got->credentials.access_key_id, "AKIADEFAULTFILE00001");
  EXPECT_EQ(got->credentials.secret_access_key, "secretFromCredentialsFile");
  EXPECT_EQ(got->credentials.session_token, "");
  EXPECT_EQ(got->source, "profile default in " + home.path() + "/.aws/credentials");
}

TEST(ProfileCredentials, AwsProfileSelectsAProfile) {
  TempHome home;
  home.write(".aws/credentials", kCredentialsFile);
  Vars vars = base_vars(home);
  vars["AWS_PROFILE"] = "work";
  auto got = resolve(vars);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->credentials.access_key_id, "AKIAWORKPROFILE00001");
  EXPECT_EQ(got->credentials.secret_access_key, "workSecret");
  EXPECT_EQ(got->credentials.session_token, "workToken");
}

TEST(ProfileCredentials, ConfigFileProfilesUseTheProfilePrefix) {
  TempHome home;
  home.write(".aws/config", kConfigFile);
  Vars vars = base_vars(home);
  vars["AWS_PROFILE"] = "only-config";
  auto got = resolve(vars);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->credentials.access_key_id, "AKIACONFIGONLY000001");
  EXPECT_EQ(got->source, "profile only-config in " + home.path() + "/.aws/config");

  vars["AWS_PROFILE"] = "not-a-profile";  // "[not-a-profile]" in config is not a profile
  EXPECT_FALSE(resolve(vars).ok());
}

TEST(ProfileCredentials, CredentialsFileWinsOverConfigKeyByKey) {
  TempHome home;
  home.write(".aws/credentials", kCredentialsFile);
  home.write(".aws/config", kConfigFile);
  Vars vars = base_vars(home);
  vars["AWS_PROFILE"] = "split";
  auto got = resolve(vars);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->credentials.access_key_id, "AKIASPLITCONFIG00001");
  EXPECT_EQ(got->credentials.secret_access_key, "splitSecretFromCredentials");
}

TEST(ProfileCredentials, FileLocationsFromTheEnvironment) {
  TempHome home;
  home.write("elsewhere/creds",
             "[default]\naws_access_key_id=AKIAELSEWHERE0000001\n"
             "aws_secret_access_key=s\n");
  Vars vars = base_vars(home);
  vars["AWS_SHARED_CREDENTIALS_FILE"] = "~/elsewhere/creds";
  auto got = resolve(vars);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->credentials.access_key_id, "AKIAELSEWHERE0000001");
}

TEST(ProfileCredentials, AConfigFileNamedByAwsConfigFile) {
  // No ~/.aws at all: AWS_CONFIG_FILE alone, "[profile x]" sections, static keys (no
  // credential_process needed), chosen by AWS_PROFILE or --profile.
  TempHome home;
  home.write("conf/aws.ini",
             "[profile ingest]\n"
             "region = eu-north-1\n"
             "aws_access_key_id = AKIACONFIGFILEENV001\n"
             "aws_secret_access_key = configFileSecret\n"
             "aws_session_token = configFileToken\n"
             "[ingest]\n"  // without the prefix: not a profile in a config file
             "aws_access_key_id = AKIAWRONGSECTION0001\n"
             "aws_secret_access_key = wrong\n");
  Vars vars = base_vars(home);
  vars["AWS_CONFIG_FILE"] = "~/conf/aws.ini";
  vars["AWS_PROFILE"] = "ingest";
  auto got = resolve(vars);
  ASSERT_TRUE(got.ok()) << got.error().to_string();
  EXPECT_EQ(got->credentials.access_key_id, "AKIACONFIGFILEENV001");
  EXPECT_EQ(got->credentials.secret_access_key, "configFileSecret");
  EXPECT_EQ(got->credentials.session_token, "configFileToken");
  EXPECT_EQ(got->source, "profile ingest in " + home.path() + "/conf/aws.ini");

  vars.erase("AWS_PROFILE");
  CredentialsChainOptions options;
  options.profile = "ingest";
  auto explicit_profile = resolve(vars, options);
  ASSERT_TRUE(explicit_profile.ok()) << explicit_profile.error().to_string();
  EXPECT_EQ(explicit_profile->credentials.access_key_id, "AKIACONFIGFILEENV001");

  // The default ~/.aws/config is not read when AWS_CONFIG_FILE names another file.
  home.write(".aws/config",
             "[profile ingest]\naws_access_key_id = AKIAHOMECONFIG000001\n"
             "aws_secret_access_key = home\n");
  auto still = resolve(vars, options);
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(still->credentials.access_key_id, "AKIACONFIGFILEENV001");
}

TEST(ProfileCredentials, ARoleProfileWithAMissingSourceStopsTheChain) {
  TempHome home;
  home.write(".aws/config", kConfigFile);
  CredentialsChainOptions options;
  options.profile = "assume";
  auto got = resolve(base_vars(home), options);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, "CredentialsFailed");
  EXPECT_EQ(got.error().message,
            "profile \"assume\" names source_profile \"missing\", which is not in " + home.path() +
                "/.aws/config or " + home.path() + "/.aws/credentials");
}

TEST(ProfileCredentials, ASemicolonAfterAValueIsPartOfIt) {
  TempHome home;
  home.write(".aws/credentials",
             "[default]\naws_access_key_id = AKIAKEY\naws_secret_access_key = abc ;def\n");
  auto got = resolve(base_vars(home));
  ASSERT_TRUE(got.ok()) << got.error().to_string();
  EXPECT_EQ(got->credentials.secret_access_key, "abc ;def");  // as botocore reads it
}

TEST(CredentialsChainOrder, EnvironmentBeatsProfile) {
  TempHome home;
  home.write(".aws/credentials", kCredentialsFile);
  Vars vars = base_vars(home);
  vars["AWS_ACCESS_KEY_ID"] = "AKIAENVIRONMENT00001";
  vars["AWS_SECRET_ACCESS_KEY"] = "envSecret";
  vars["AWS_PROFILE"] = "work";  // AWS_PROFILE does not outrank the keys
  auto got = resolve(vars);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->credentials.access_key_id, "AKIAENVIRONMENT00001");
}

TEST(CredentialsChainOrder, ExplicitProfileBeatsEnvironment) {
  TempHome home;
  home.write(".aws/credentials", kCredentialsFile);
  Vars vars = base_vars(home);
  vars["AWS_ACCESS_KEY_ID"] = "AKIAENVIRONMENT00001";
  vars["AWS_SECRET_ACCESS_KEY"] = "envSecret";
  CredentialsChainOptions options;
  options.profile = "work";
  auto got = resolve(vars, options);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->credentials.access_key_id, "AKIAWORKPROFILE00001");
}

class RemoteCredentialsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new TestServerProcess("fake_credentials_server.py",
                                    {"--expiration", "2030-01-01T00:00:00Z", "--container-token",
                                     "Bearer container-secret-token"});
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override { ASSERT_GT(server_->port(), 0); }
  static std::string url(const std::string& path) { return server_->url(path); }
  static TestServerProcess* server_;
};
TestServerProcess* RemoteCredentialsTest::server_ = nullptr;

bool is_fake_key(const std::string& key) {
  return key.size() == 18 && key.substr(0, 8) == "ASIAFAKE";
}

TEST_F(RemoteCredentialsTest, ContainerFullUriWithToken) {
  TempHome home;
  Vars vars = base_vars(home);
  vars["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = url("/container/credentials");
  vars["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "Bearer container-secret-token";
  auto got = resolve(vars);
  ASSERT_TRUE(got.ok()) << got.error().to_string();
  EXPECT_TRUE(is_fake_key(got->credentials.access_key_id)) << got->credentials.access_key_id;
  EXPECT_EQ(got->credentials.secret_access_key.substr(0, 13), "fakeSecretKey");
  EXPECT_EQ(got->credentials.session_token.substr(0, 16), "fakeSessionToken");
  ASSERT_TRUE(got->expiration.has_value());
  EXPECT_EQ(format_iso8601(*got->expiration), "2030-01-01T00:00:00Z");
  EXPECT_EQ(got->source, "container credentials " + url("/container/credentials"));
}

TEST_F(RemoteCredentialsTest, ContainerTokenFromFileWinsOverVariable) {
  TempHome home;
  home.write("token", "Bearer container-secret-token\n");
  Vars vars = base_vars(home);
  vars["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = url("/container/credentials");
  vars["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = home.path() + "/token";
  vars["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "Bearer wrong";
  auto got = resolve(vars);
  ASSERT_TRUE(got.ok()) << got.error().to_string();
  EXPECT_TRUE(is_fake_key(got->credentials.access_key_id));
}

TEST_F(RemoteCredentialsTest, ContainerWrongTokenIsReportedWithoutTheToken) {
  TempHome home;
  Vars vars = base_vars(home);
  vars["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = url("/container/credentials");
  vars["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "Bearer wrong-secret-value";
  auto got = resolve(vars);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, "NoCredentials");
  EXPECT_NE(got.error().message.find("container credentials (" + url("/container/credentials") +
                                     " answered HTTP 403)"),
            std::string::npos)
      << got.error().message;
  EXPECT_EQ(got.error().message.find("wrong-secret-value"), std::string::npos);
}

TEST_F(RemoteCredentialsTest, ContainerFullUriMustBeLoopbackOverHttp) {
  auto provider = make_container_provider(
      Environment::from_map({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://192.0.2.1/creds"}}),
      milliseconds(200));
  auto got = provider->fetch();  // refused before any connection is attempted
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().message,
            "container credentials (AWS_CONTAINER_CREDENTIALS_FULL_URI host 192.0.2.1 is not a "
            "loopback or container address)");
}

TEST(ContainerCredentialsUrl, RelativeUriGoesToTheContainerHost) {
  auto url = [](Vars vars) {
    auto got = container_credentials_url(Environment::from_map(std::move(vars)));
    return got ? *got : got.error().code + ": " + got.error().message;
  };
  EXPECT_EQ(url({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/3f1c-44a0"}}),
            "http://169.254.170.2/v2/credentials/3f1c-44a0");
  // The relative URI wins over a full one, as in the AWS SDKs.
  EXPECT_EQ(url({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/creds?id=1"},
                 {"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9/full"}}),
            "http://169.254.170.2/creds?id=1");
  EXPECT_EQ(url({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials"}}),
            "http://169.254.170.23/v1/credentials");
  EXPECT_EQ(url({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "https://creds.example.com/x"}}),
            "https://creds.example.com/x");
  EXPECT_EQ(url({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://creds.example.com/x"}}),
            "CredentialsUnavailable: container credentials (AWS_CONTAINER_CREDENTIALS_FULL_URI "
            "host creds.example.com is not a loopback or container address)");
  EXPECT_EQ(url({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "not a url"}}),
            "CredentialsUnavailable: container credentials (AWS_CONTAINER_CREDENTIALS_FULL_URI "
            "is not a URL)");
  EXPECT_EQ(url({}), "CredentialsNotConfigured: container credentials (not configured)");
}

TEST_F(RemoteCredentialsTest, InstanceMetadataV2) {
  TempHome home;
  Vars vars = {{"HOME", home.path()}, {"AWS_EC2_METADATA_SERVICE_ENDPOINT", url("/")}};
  auto got = resolve(vars);
  ASSERT_TRUE(got.ok()) << got.error().to_string();
  EXPECT_TRUE(is_fake_key(got->credentials.access_key_id));
  EXPECT_EQ(got->source, "EC2 instance metadata (role fake-role)");
  ASSERT_TRUE(got->expiration.has_value());
  EXPECT_EQ(format_iso8601(*got->expiration), "2030-01-01T00:00:00Z");
}

TEST_F(RemoteCredentialsTest, ContainerBeatsInstanceMetadataAndProfileBeatsContainer) {
  TempHome home;
  Vars vars = {{"HOME", home.path()},
               {"AWS_EC2_METADATA_SERVICE_ENDPOINT", url("")},
               {"AWS_CONTAINER_CREDENTIALS_FULL_URI", url("/container/credentials")},
               {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer container-secret-token"}};
  auto got = resolve(vars);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->source, "container credentials " + url("/container/credentials"));

  home.write(".aws/credentials", kCredentialsFile);
  auto with_profile = resolve(vars);
  ASSERT_TRUE(with_profile.ok());
  EXPECT_EQ(with_profile->credentials.access_key_id, "AKIADEFAULTFILE00001");
}

TEST(InstanceMetadataV1, FallsBackWhenTokensAreNotServed) {
  TestServerProcess server("fake_credentials_server.py", {"--imds-v1-only"});
  ASSERT_GT(server.port(), 0);
  auto provider = make_instance_metadata_provider(
      Environment::from_map({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", server.url("")}}),
      milliseconds(1000));
  auto got = provider->fetch();
  ASSERT_TRUE(got.ok()) << got.error().to_string();
  EXPECT_EQ(got->credentials.access_key_id, "ASIAFAKE0000000001");
}

TEST(CredentialsRefresh, TemporaryCredentialsAreFetchedAgainBeforeTheyExpire) {
  TestServerProcess server("fake_credentials_server.py", {"--expiration", "2030-01-01T00:00:00Z"});
  ASSERT_GT(server.port(), 0);
  SystemTime now = *parse_iso8601("2029-12-31T23:00:00Z");
  CredentialsChainOptions options;
  options.clock = [&now] { return now; };
  std::vector<std::unique_ptr<CredentialsProvider>> providers;
  providers.push_back(make_instance_metadata_provider(
      Environment::from_map({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", server.url("")}}),
      milliseconds(1000)));
  CredentialsChain chain(std::move(providers), options);

  auto first = chain.credentials();
  ASSERT_TRUE(first.ok()) << first.error().to_string();
  EXPECT_EQ(first->access_key_id, "ASIAFAKE0000000001");

  now = *parse_iso8601("2029-12-31T23:44:59Z");  // more than 15 minutes left: cached
  EXPECT_EQ(chain.credentials()->access_key_id, "ASIAFAKE0000000001");

  now = *parse_iso8601("2029-12-31T23:45:01Z");  // inside the advisory window
  EXPECT_EQ(chain.credentials()->access_key_id, "ASIAFAKE0000000002");
}

// A provider that hands out fixed answers, counting calls.
class ScriptedProvider final : public CredentialsProvider {
 public:
  explicit ScriptedProvider(std::vector<Result<ProvidedCredentials>> answers, int* calls)
      : answers_(std::move(answers)), calls_(calls) {}
  Result<ProvidedCredentials> fetch() override {
    auto i = static_cast<std::size_t>((*calls_)++);
    return answers_[std::min(i, answers_.size() - 1)];
  }

 private:
  std::vector<Result<ProvidedCredentials>> answers_;
  int* calls_;
};

TEST(CredentialsRefresh, FailedRefreshKeepsStillValidCredentialsThenFails) {
  SystemTime expiry = *parse_iso8601("2030-01-01T00:00:00Z");
  ProvidedCredentials temporary{{"ASIAFIRST", "s", "t"}, expiry, "scripted"};
  int calls = 0;
  std::vector<std::unique_ptr<CredentialsProvider>> providers;
  providers.push_back(std::make_unique<ScriptedProvider>(
      std::vector<Result<ProvidedCredentials>>{
          temporary, Result<ProvidedCredentials>(make_error("CredentialsUnavailable", "x (down)"))},
      &calls));
  SystemTime now = expiry - std::chrono::minutes(10);
  CredentialsChainOptions options;
  options.clock = [&now] { return now; };
  CredentialsChain chain(std::move(providers), options);
  EXPECT_EQ(chain.credentials()->access_key_id, "ASIAFIRST");
  now = expiry - std::chrono::minutes(1);
  EXPECT_EQ(chain.credentials()->access_key_id, "ASIAFIRST");  // refresh failed, still valid
  EXPECT_EQ(calls, 2);
  now = expiry + std::chrono::seconds(1);
  auto expired = chain.credentials();
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().message, "no AWS credentials found; tried: x (down)");
}

TEST(CredentialsRefresh, LongTermCredentialsAreFetchedOnce) {
  int calls = 0;
  std::vector<std::unique_ptr<CredentialsProvider>> providers;
  providers.push_back(std::make_unique<ScriptedProvider>(
      std::vector<Result<ProvidedCredentials>>{
          ProvidedCredentials{{"AKIALONGTERM", "s", ""}, std::nullopt, "scripted"}},
      &calls));
  CredentialsChain chain(std::move(providers), {});
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(chain.credentials().ok());
  EXPECT_EQ(calls, 1);
}

TEST(NoCredentials, MessageListsEverySourceTried) {
  TempHome home;
  SilentListener metadata;
  Vars vars = {{"HOME", home.path()}, {"AWS_EC2_METADATA_SERVICE_ENDPOINT", metadata.url()}};
  CredentialsChainOptions options;
  options.metadata_timeout = milliseconds(200);
  CredentialsChain chain(Environment::from_map(vars), options);
  auto got = chain.get();
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, "NoCredentials");
  EXPECT_EQ(got.error().message,
            "no AWS credentials found; tried: environment variables (AWS_ACCESS_KEY_ID not set), "
            "shared files (no profile \"default\" in " +
                home.path() + "/.aws/credentials or " + home.path() +
                "/.aws/config), container credentials (not configured), EC2 instance "
                "metadata (no response from " +
                metadata.url() + " within 200 ms)");
}

TEST(NoCredentials, MessageWithMetadataDisabledAndAProfileMissing) {
  TempHome home;
  home.write(".aws/credentials", kCredentialsFile);
  Vars vars = base_vars(home);
  vars["AWS_PROFILE"] = "nope";
  auto got = resolve(vars);
  ASSERT_FALSE(got.ok());
  // A profile the user named must exist: the chain stops there, as the SDKs' ProfileNotFound.
  EXPECT_EQ(got.error().message, "the profile \"nope\" is not in " + home.path() +
                                     "/.aws/config or " + home.path() + "/.aws/credentials");
}

TEST(NoCredentials, SecretsNeverAppearInErrors) {
  TempHome home;
  home.write(".aws/credentials",
             "[default]\naws_secret_access_key = TOPSECRETvalue\naws_session_token = TOKENvalue\n");
  Vars vars = base_vars(home);
  vars["AWS_SECRET_ACCESS_KEY"] = "TOPSECRETenv";
  vars["AWS_SESSION_TOKEN"] = "TOKENenv";
  auto got = resolve(vars);
  ASSERT_FALSE(got.ok());
  for (const char* secret : {"TOPSECRET", "TOKEN"}) {
    EXPECT_EQ(got.error().message.find(secret), std::string::npos) << got.error().message;
  }
  auto body =
      parse_credentials_json(R"({"SecretAccessKey":"TOPSECRETjson","Token":"TOKENjson"})", "test");
  ASSERT_FALSE(body.ok());
  EXPECT_EQ(body.error().message, "the response has no AccessKeyId");
  auto not_json = parse_credentials_json("TOPSECRET not json", "test");
  ASSERT_FALSE(not_json.ok());
  EXPECT_EQ(not_json.error().message.find("TOPSECRET"), std::string::npos);
}

TEST(Redacted, ShowsOnlyTheEdgesOfTheKeyId) {
  Credentials credentials{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                          "session"};
  EXPECT_EQ(redacted(credentials),
            "access key AKIA****MPLE, secret <redacted>, session token <redacted>");
  EXPECT_EQ(redacted(Credentials{"short", "s", ""}),
            "access key ****, secret <redacted>, session token none");
}

TEST(DescribeDuration, Forms) {
  EXPECT_EQ(describe_duration(milliseconds(1000)), "1 s");
  EXPECT_EQ(describe_duration(milliseconds(1500)), "1.5 s");
  EXPECT_EQ(describe_duration(milliseconds(200)), "200 ms");
}

}  // namespace
}  // namespace csv2ddb::aws
