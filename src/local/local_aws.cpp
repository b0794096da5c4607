#include "local/local_aws.hpp"

#include <malloc.h>

#include <filesystem>

#include "local/dynamodb/dynamodb_service.hpp"
#include "local/dynamodb/table_store.hpp"
#include "local/http/http_server.hpp"
#include "local/request_auth.hpp"
#include "local/router.hpp"
#include "local/s3/s3_service.hpp"

namespace csv2ddb::local {

class LocalAws::Parts {
 public:
  Parts(const LocalAwsOptions& options, std::unique_ptr<dynamodb::TableStore> store,
        std::unique_ptr<s3::S3Service> s3)
      : store_(std::move(store)),
        faults_(options.faults, options.seed),
        authenticator_(options.auth, options.known_keys),
        dynamodb_(*store_, faults_, options.region),
        lambda_(ServiceKind::kLambda),
        s3_(std::move(s3)),
        router_(authenticator_, dynamodb_, lambda_, *s3_) {
    s3_->set_faults(&faults_);
  }

  std::unique_ptr<dynamodb::TableStore> store_;
  FaultInjector faults_;
  RequestAuthenticator authenticator_;
  dynamodb::DynamoDbService dynamodb_;
  NotImplementedService lambda_;
  std::unique_ptr<s3::S3Service> s3_;
  Router router_;
  std::unique_ptr<HttpServer> server_;
};

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
  // Request bodies of a previous run that was killed mid-upload.
  for (const auto& entry : std::filesystem::directory_iterator(spool_dir, ec)) {
    std::filesystem::remove_all(entry.path(), ec);
  }
  s3::S3Options s3_options = s3::s3_options_from_environment(options.region);
  s3_options.secrets = secret_lookup_of(options.known_keys);
  auto s3 = s3::S3Service::open(options.data_dir, std::move(s3_options));
  if (!s3) return s3.take_error();
  auto parts = std::make_unique<Parts>(options, std::move(*store), std::move(*s3));
  HttpServerOptions server_options;
  server_options.host = options.host;
  server_options.port = options.port;
  server_options.worker_threads = options.worker_threads;
  server_options.spool_dir = spool_dir;
  auto server = HttpServer::listen(server_options, parts->router_);
  if (!server) return server.take_error();
  parts->server_ = std::move(*server);
  return std::unique_ptr<LocalAws>(new LocalAws(std::move(parts)));
}

LocalAws::LocalAws(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
LocalAws::~LocalAws() = default;

std::uint16_t LocalAws::port() const {
  return parts_->server_->port();
}
void LocalAws::run() {
  parts_->server_->run();
}
void LocalAws::stop() {
  parts_->server_->stop();
}

}  // namespace csv2ddb::local
