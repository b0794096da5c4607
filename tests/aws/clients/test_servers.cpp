#include "test_servers.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "aws/aws_error.hpp"
#include "aws/credentials.hpp"
#include "aws/environment.hpp"
#include "aws/http_date.hpp"

namespace csv2ddb::aws::testing {
namespace {

sockaddr_in loopback(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

bool send_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

std::string_view status_text(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 206:
      return "Partial Content";
    case 400:
      return "Bad Request";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 412:
      return "Precondition Failed";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

}  // namespace

int pick_free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address = loopback(0);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

bool wait_for_port(int port, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address = loopback(port);
    const bool connected =
        ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    if (connected) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

ChildServer::ChildServer(std::vector<std::string> argv, int port, std::string log_path,
                         const std::map<std::string, std::string>& env)
    : port_(port), log_path_(std::move(log_path)) {
  pid_ = ::fork();
  if (pid_ == 0) {
    for (const auto& [name, value] : env) ::setenv(name.c_str(), value.c_str(), 1);
    const int log = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(log, 1);
    ::dup2(log, 2);
    std::vector<char*> args;
    for (std::string& arg : argv) args.push_back(arg.data());
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  if (pid_ < 0) return;
  ready_ = wait_for_port(port_, std::chrono::seconds(20));
}

ChildServer::~ChildServer() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  for (int i = 0; i < 100; ++i) {
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
}

std::string ChildServer::log() const {
  return read_file(log_path_);
}

std::string tool_path(const std::string& name) {
  const std::string path = std::string(CSV2DDB_SOURCE_DIR) + "/tools/node_modules/.bin/" + name;
  return ::access(path.c_str(), X_OK) == 0 ? path : std::string();
}

namespace {

std::unique_ptr<ChildServer> start_tool(const std::string& name,
                                        const std::function<std::vector<std::string>(int)>& args,
                                        std::string* why,
                                        const std::map<std::string, std::string>& env = {}) {
  const std::string path = tool_path(name);
  if (path.empty()) {
    *why = name + " is not installed (scripts/setup.sh installs it into tools/)";
    return nullptr;
  }
  // A free port can be taken between picking and binding: try a few.
  for (int attempt = 0; attempt < 3; ++attempt) {
    const int port = pick_free_port();
    std::vector<std::string> argv = args(port);
    argv.insert(argv.begin(), path);
    const std::string log =
        std::filesystem::temp_directory_path() / (name + "-" + std::to_string(port) + ".log");
    auto server = std::make_unique<ChildServer>(std::move(argv), port, log, env);
    if (server->ready()) return server;
    *why = name + " did not start: " + server->log();
  }
  return nullptr;
}

}  // namespace

std::unique_ptr<ChildServer> start_dynalite(std::string* why) {
  return start_tool(
      "dynalite",
      [](int port) {
        return std::vector<std::string>{
            "--host",          "127.0.0.1", "--port",          std::to_string(port),
            "--createTableMs", "0",         "--deleteTableMs", "0"};
      },
      why);
}

Result<std::string> put_into_s3rver(aws::S3Client& s3, const std::string& bucket,
                                    const std::string& key, const std::string& body,
                                    const std::string& content_type) {
  auto etag = s3.put_object(bucket, key, body, content_type);
  if (!etag) return etag.take_error();
  for (int attempt = 0; attempt < 200; ++attempt) {
    std::string read;
    auto info = s3.get_object(bucket, key, {}, [&](std::string_view chunk) {
      read.append(chunk);
      return Status{};
    });
    if (info && read == body) return etag;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return make_error("S3rverNotStored", "s3rver never read back " + key + " whole");
}

std::unique_ptr<ChildServer> start_s3rver(const std::string& directory, std::string* why) {
  return start_tool(
      "s3rver",
      [&](int port) {
        return std::vector<std::string>{"--address",   "127.0.0.1", "--port",  std::to_string(port),
                                        "--directory", directory,   "--silent"};
      },
      why,
      // s3rver encrypts ListObjectsV2 continuation tokens with DES, which Node 17+ (OpenSSL 3)
      // only offers through the legacy provider: without it every truncated listing is a 500.
      {{"NODE_OPTIONS", "--openssl-legacy-provider"}});
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "csv2ddb-aws-XXXXXX").string();
  if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
}

const std::string* ReceivedRequest::header(std::string_view name) const {
  const Header* found = find_header(headers, name);
  return found != nullptr ? &found->value : nullptr;
}

FakeResponse dynamodb_error_response(int status, std::string_view code, std::string_view message) {
  FakeResponse response;
  response.status = status;
  response.headers.push_back({"Content-Type", "application/x-amz-json-1.0"});
  response.headers.push_back({"x-amzn-RequestId", "FAKE-REQUEST-ID"});
  response.body = encode_dynamodb_error(code, message);
  return response;
}

FakeHttpServer::FakeHttpServer(Handler handler) : handler_(std::move(handler)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  const int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address = loopback(0);
  ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  ::listen(listen_fd_, 16);
  thread_ = std::thread([this] { serve(); });
}

FakeHttpServer::~FakeHttpServer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_signal_.notify_all();
  thread_.join();
  ::close(listen_fd_);
}

std::vector<ReceivedRequest> FakeHttpServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

void FakeHttpServer::serve() {
  while (!stopping_) {
    pollfd poll_fd{listen_fd_, POLLIN, 0};
    if (::poll(&poll_fd, 1, 50) <= 0) continue;
    const int connection = ::accept(listen_fd_, nullptr, nullptr);
    if (connection < 0) continue;
    handle(connection);
    ::close(connection);
  }
}

// One request per connection (every answer says Connection: close), which is all the clients'
// tests need.
void FakeHttpServer::handle(int connection) {
  std::string data;
  char buffer[65536];
  std::size_t header_end = std::string::npos;
  while (header_end == std::string::npos) {
    pollfd poll_fd{connection, POLLIN, 0};
    if (::poll(&poll_fd, 1, 5000) <= 0) return;
    const ssize_t n = ::recv(connection, buffer, sizeof buffer, 0);
    if (n <= 0) return;
    data.append(buffer, static_cast<std::size_t>(n));
    header_end = data.find("\r\n\r\n");
  }
  ReceivedRequest request;
  std::istringstream head(data.substr(0, header_end));
  std::string line;
  std::getline(head, line);
  std::istringstream request_line(line);
  request_line >> request.method >> request.target;
  std::size_t content_length = 0;
  while (std::getline(head, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    request.headers.push_back({line.substr(0, colon), value});
    if (header_name_equals(line.substr(0, colon), "Content-Length")) {
      content_length = std::strtoull(value.c_str(), nullptr, 10);
    }
  }
  if (const std::string* expect = request.header("Expect"); expect != nullptr) {
    send_all(connection, "HTTP/1.1 100 Continue\r\n\r\n");
  }
  request.body = data.substr(header_end + 4);
  while (request.body.size() < content_length) {
    const ssize_t n = ::recv(connection, buffer, sizeof buffer, 0);
    if (n <= 0) return;
    request.body.append(buffer, static_cast<std::size_t>(n));
  }
  {
    std::lock_guard lock(mutex_);
    requests_.push_back(request);
  }
  FakeResponse response = handler_(request);
  if (response.drop) return;
  if (response.stall) {
    std::unique_lock lock(mutex_);
    stop_signal_.wait(lock, [this] { return stopping_.load(); });
    return;
  }
  std::string out = "HTTP/1.1 " + std::to_string(response.status) + " " +
                    std::string(status_text(response.status)) + "\r\n";
  bool has_date = false;
  bool has_length = false;
  for (const Header& header : response.headers) {
    out += header.name + ": " + header.value + "\r\n";
    has_date = has_date || header_name_equals(header.name, "Date");
    has_length = has_length || header_name_equals(header.name, "Content-Length");
  }
  // The real time, as a server's: a Date far from the signing time makes a 403 look like clock
  // skew to the caller (clock_skew.hpp).
  if (!has_date) out += "Date: " + format_http_date(std::chrono::system_clock::now()) + "\r\n";
  // A HEAD answer may state the length of the body it does not send.
  if (!has_length) {
    out += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
  }
  out += "Connection: close\r\n\r\n";
  if (request.method != "HEAD") out += response.body;
  send_all(connection, out);
}

CommandResult run_command(const std::vector<std::string>& argv,
                          const std::map<std::string, std::string>& env) {
  TempDir dir;
  const std::string out_path = dir.path() + "/out";
  const std::string err_path = dir.path() + "/err";
  CommandResult result;
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int in = ::open("/dev/null", O_RDONLY);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    for (const auto& [name, value] : env) ::setenv(name.c_str(), value.c_str(), 1);
    std::vector<std::string> copy = argv;
    std::vector<char*> args;
    for (std::string& arg : copy) args.push_back(arg.data());
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = read_file(out_path);
  result.err = read_file(err_path);
  return result;
}

std::string awscli_path() {
  return ::access("/usr/bin/aws", X_OK) == 0 ? std::string("/usr/bin/aws") : std::string();
}

std::map<std::string, std::string> awscli_env(const std::string& key, const std::string& secret) {
  return {{"AWS_ACCESS_KEY_ID", key},
          {"AWS_SECRET_ACCESS_KEY", secret},
          {"AWS_DEFAULT_REGION", "us-east-1"},
          {"AWS_REGION", "us-east-1"},
          {"AWS_PAGER", ""},
          {"AWS_CONFIG_FILE", "/dev/null"},
          {"AWS_SHARED_CREDENTIALS_FILE", "/dev/null"},
          {"AWS_EC2_METADATA_DISABLED", "true"}};
}

void RecordingSleeper::sleep(std::chrono::microseconds duration) {
  std::lock_guard lock(mutex_);
  delays_.push_back(duration);
}

std::vector<std::chrono::microseconds> RecordingSleeper::delays() const {
  std::lock_guard lock(mutex_);
  return delays_;
}

std::shared_ptr<CredentialsChain> fixed_credentials(const std::string& key,
                                                    const std::string& secret) {
  std::vector<std::unique_ptr<CredentialsProvider>> providers;
  providers.push_back(make_environment_provider(
      Environment::from_map({{"AWS_ACCESS_KEY_ID", key}, {"AWS_SECRET_ACCESS_KEY", secret}})));
  return std::make_shared<CredentialsChain>(std::move(providers), CredentialsChainOptions{});
}

std::shared_ptr<AwsCaller> make_test_caller(const std::string& service, ErrorDialect dialect,
                                            const std::string& url,
                                            const TestCallerOptions& options,
                                            RecordingSleeper* sleeper) {
  HttpClientOptions http_options;
  http_options.timeout = options.timeout;
  http_options.connect_timeout = std::chrono::milliseconds(2000);
  auto http = std::make_shared<HttpClient>(http_options);
  ServiceConfig config{service, options.region, Endpoint{url, true}, dialect, true, std::nullopt};
  AwsCallerOptions caller_options;
  caller_options.retry = options.retry;
  caller_options.sleeper = sleeper;
  caller_options.clock = options.clock;
  return std::make_shared<AwsCaller>(std::move(config),
                                     fixed_credentials(options.access_key, options.secret_key),
                                     http_transport(std::move(http)), caller_options);
}

}  // namespace csv2ddb::aws::testing
