#include "local/local_aws.hpp"

#include <malloc.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "local/cloudformation/cloudformation_service.hpp"
#include "local/cloudformation/stack_registry.hpp"
#include "local/console/console_service.hpp"
#include "local/dynamodb/dynamodb_service.hpp"
#include "local/dynamodb/table_store.hpp"
#include "local/http/http_server.hpp"
#include "local/request_auth.hpp"
#include "local/router.hpp"
#include "local/s3/s3_service.hpp"
#include "local/sts/jwt.hpp"
#include "local/sts/sso_portal.hpp"
#include "local/sts/sts_service.hpp"
#include "model/json.hpp"

namespace csv2ddb::local {

class LocalAws::Parts {
 public:
  Parts(const LocalAwsOptions& options, std::unique_ptr<dynamodb::TableStore> store,
        std::unique_ptr<s3::S3Service> s3, std::optional<sts::JwtVerifier> oidc_key)
      : options_(options),
        store_(std::move(store)),
        faults_(options.faults, options.seed),
        authenticator_(options.auth, options.known_keys, options.region),
        dynamodb_(*store_, faults_, options.region),
        lambda_(lambda_settings(options)),
        s3_(std::move(s3)),
        issuer_(authenticator_, identities_, options.min_session_seconds),
        sts_(issuer_, identities_, std::move(oidc_key)),
        sso_(issuer_, identities_, options.sso_tokens),
        stacks_([this] { return control_plane(); }, options.data_dir),
        cloudformation_(stacks_),
        console_api_([this] { return control_plane(); }, lambda_,
                     options.data_dir + "/lambda/logs"),
        console_(console_settings(options), console_api_),
        router_(authenticator_, identities_, dynamodb_, lambda_, *s3_, sts_, sso_, cloudformation_,
                console_) {
    s3_->set_faults(&faults_);
    s3_->set_secrets(
        [this](std::string_view access_key_id) { return authenticator_.secret_of(access_key_id); });
    s3_->connect_lambda([this](const std::string& arn,
                               const std::string& event) { lambda_.deliver_s3_event(arn, event); },
                        [this](std::string_view function_arn, std::string_view bucket_arn) {
                          return lambda_.s3_may_invoke(function_arn, bucket_arn);
                        });
  }

  // A token guards the console unless only this machine can reach it.
  static console::ConsoleSettings console_settings(const LocalAwsOptions& options) {
    const bool loopback =
        options.host == "127.0.0.1" || options.host == "localhost" || options.host == "::1";
    return console::ConsoleSettings{loopback ? "" : console::new_console_token()};
  }

  static lambda::ExecutorSettings lambda_settings(const LocalAwsOptions& options) {
    lambda::ExecutorSettings settings = options.lambda;
    settings.region = options.region;
    settings.logs_dir = options.data_dir + "/lambda/logs";
    settings.queue_dir = options.data_dir + "/lambda/queue";
    return settings;
  }

  // What the deployer and the CloudFormation API drive in-process (once the port is bound).
  ControlPlane control_plane() {
    aws::Credentials admin = options_.known_keys.empty() ? aws::Credentials{"test", "test", ""}
                                                         : options_.known_keys.front();
    auto dynamodb_call = [this](std::string_view operation, std::string_view body) {
      return dynamodb_.call(operation, body);
    };
    const std::string endpoint = "http://127.0.0.1:" + std::to_string(server_->port());
    return ControlPlane{identities_, authenticator_,  lambda_, dynamodb_call,
                        endpoint,    options_.region, admin,   options_.data_dir};
  }

  LocalAwsOptions options_;
  std::unique_ptr<dynamodb::TableStore> store_;
  FaultInjector faults_;
  RequestAuthenticator authenticator_;
  iam::IdentityStore identities_;
  dynamodb::DynamoDbService dynamodb_;
  lambda::LambdaService lambda_;
  std::unique_ptr<s3::S3Service> s3_;
  sts::SessionIssuer issuer_;
  sts::StsService sts_;
  sts::SsoPortal sso_;
  cloudformation::StackRegistry stacks_;
  cloudformation::CloudFormationService cloudformation_;
  console::ConsoleApi console_api_;
  console::ConsoleService console_;
  Router router_;
  std::unique_ptr<HttpServer> server_;
};

namespace {

// --role NAME=POLICY_FILE: a role with that identity policy, for STS and the SSO portal.
Status add_roles(const std::vector<std::pair<std::string, std::string>>& roles,
                 iam::IdentityStore& identities) {
  for (const auto& [name, file] : roles) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return make_error("InvalidRole", "--role " + name + "=" + file + ": cannot read");
    std::ostringstream text;
    text << in.rdbuf();
    auto document = model::parse_json(text.str());
    if (!document) {
      return make_error("InvalidRole",
                        "--role " + name + "=" + file + ": " + document.error().message);
    }
    auto policy = iam::parse_policy(name + "-policy", *document);
    if (!policy) {
      return make_error("InvalidRole",
                        "--role " + name + "=" + file + ": " + policy.error().message);
    }
    iam::Role role{name, "arn:aws:iam::" + std::string(iam::kAccountId) + ":role/" + name, {}};
    role.policies.push_back(std::move(*policy));
    identities.put_role(std::move(role));
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<LocalAws>> LocalAws::start(const LocalAwsOptions& options) {
  // Requests allocate and free a few hundred KB each, across threads. glibc's defaults give
  // that memory back to the kernel after every request and fault it in again on the next
  // (measured: a third of the server's CPU); keeping up to 64 MB of free heap around avoids it.
  mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
  mallopt(M_TOP_PAD, 16 * 1024 * 1024);
  mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  auto store = dynamodb::TableStore::open(options.data_dir);
  if (!store) return store.take_error();
  const std::string spool_dir = options.data_dir + "/tmp";
  std::error_code ec;
  std::filesystem::create_directories(spool_dir, ec);
  std::filesystem::create_directories(options.data_dir + "/lambda/logs", ec);
  // Request bodies of a previous run that was killed mid-upload.
  for (const auto& entry : std::filesystem::directory_iterator(spool_dir, ec)) {
    std::filesystem::remove_all(entry.path(), ec);
  }
  auto s3 = s3::S3Service::open(options.data_dir, s3::s3_options_from_environment(options.region));
  if (!s3) return s3.take_error();
  std::optional<sts::JwtVerifier> oidc_key;
  if (!options.oidc_key_file.empty()) {
    auto key = sts::JwtVerifier::from_pem_file(options.oidc_key_file);
    if (!key) return key.take_error();
    oidc_key = std::move(*key);
  }
  auto parts =
      std::make_unique<Parts>(options, std::move(*store), std::move(*s3), std::move(oidc_key));
  if (Status roles = add_roles(options.roles, parts->identities_); !roles) {
    return roles.take_error();
  }
  HttpServerOptions server_options;
  server_options.host = options.host;
  server_options.port = options.port;
  server_options.worker_threads = options.worker_threads;
  server_options.spool_dir = spool_dir;
  server_options.idle_timeout = options.idle_timeout;
  server_options.stall_timeout = options.stall_timeout;
  server_options.max_connections = options.max_connections;
  server_options.body_memory_budget = options.body_memory_budget;
  auto server = HttpServer::listen(server_options, parts->router_);
  if (!server) return server.take_error();
  parts->server_ = std::move(*server);
  parts->lambda_.set_endpoint_url("http://127.0.0.1:" + std::to_string(parts->server_->port()));
  return std::unique_ptr<LocalAws>(new LocalAws(std::move(parts)));
}

LocalAws::LocalAws(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
LocalAws::~LocalAws() = default;

std::uint16_t LocalAws::port() const {
  return parts_->server_->port();
}
std::string LocalAws::endpoint_url() const {
  return "http://127.0.0.1:" + std::to_string(port());
}

ControlPlane LocalAws::control_plane() {
  return parts_->control_plane();
}

std::string LocalAws::console_url() const {
  std::string url = "http://" + parts_->options_.host + ":" + std::to_string(port()) + "/_console/";
  if (!parts_->console_.token().empty()) url += "?token=" + parts_->console_.token();
  return url;
}

void LocalAws::restore_stacks() {
  parts_->stacks_.restore();
}

void LocalAws::run() {
  parts_->server_->run();
}
void LocalAws::stop() {
  // Functions first: their running invocations end (and synchronous Invoke calls waiting on
  // them answer) while the server can still take their last calls.
  parts_->lambda_.shutdown();
  parts_->server_->stop();
}

}  // namespace csv2ddb::local
