#include "local/s3/s3_service.hpp"

#include <fstream>
#include <mutex>
#include <optional>
#include <thread>

#include "aws/aws_error.hpp"
#include "aws/error_codes.hpp"
#include "local/request_id.hpp"
#include "local/s3/iam_permissions.hpp"
#include "local/s3/s3_errors.hpp"
#include "local/s3/s3_routes.hpp"
#include "local/s3/storage_names.hpp"
#include "model/json.hpp"

namespace csv2ddb::local::s3 {
namespace {

// Requests whose bodies are XML documents or nothing.
constexpr std::uint64_t kMaxSmallBody = 8 * 1024 * 1024;

EventDeliveryHook log_to_file(std::string path) {
  auto mutex = std::make_shared<std::mutex>();
  return [path = std::move(path), mutex](const std::string& arn, const std::string& event) {
    std::lock_guard lock(*mutex);
    std::ofstream out(path, std::ios::app);
    std::string line = "{\"target\":";
    model::append_json_string(line, arn);
    line += ",\"event\":" + event + "}\n";
    out << line;
  };
}

}  // namespace

Result<std::unique_ptr<S3Service>> S3Service::open(const std::string& data_dir, S3Options options) {
  auto store = ObjectStore::open(data_dir);
  if (!store) return store.take_error();
  return std::unique_ptr<S3Service>(
      new S3Service(std::move(*store), std::move(options), data_dir + "/s3/events.jsonl"));
}

S3Service::S3Service(std::unique_ptr<ObjectStore> store, S3Options options, std::string events_log)
    : events_log_(events_log),
      store_(std::move(store)),
      options_(std::move(options)),
      events_(options_.region, log_to_file(std::move(events_log))) {}

void S3Service::connect_lambda(EventDeliveryHook deliver,
                               std::function<bool(std::string_view, std::string_view)> check) {
  options_.lambda_destination_check = std::move(check);
  events_.set_hook([deliver = std::move(deliver), file = log_to_file(events_log_)](
                       const std::string& arn, const std::string& event) {
    if (arn.starts_with("arn:aws:lambda:")) {
      deliver(arn, event);
    } else {
      file(arn, event);
    }
  });
}

BodyPolicy S3Service::body_policy(const HttpRequest& head) {
  if (head.method == "PUT" && head.header("x-amz-copy-source").empty()) {
    // Object bodies stream to disk. aws-chunked framing adds a little per chunk on top of the
    // object's own size, which the stager limits exactly.
    std::uint64_t limit = options_.max_object_bytes;
    if (head.header("content-encoding").find("aws-chunked") != std::string_view::npos ||
        head.header("x-amz-content-sha256").starts_with("STREAMING-")) {
      limit += limit / 64 + 64 * 1024;
    }
    return BodyPolicy{.max_bytes = limit, .spool_to_file = true};
  }
  return BodyPolicy{.max_bytes = kMaxSmallBody, .spool_to_file = false};
}

HttpResponse S3Service::error_response(const HttpRequest& request, const Error& error) {
  Error wire = error;
  // The server's generic body cap, in S3's words.
  if (aws::has_code(wire, aws::code::kRequestEntityTooLarge)) {
    wire = make_error("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size");
  }
  // The storage layer (sqlite_db) is shared with DynamoDB and speaks DynamoDB's code for a
  // failure of ours; S3's is InternalError.
  if (aws::has_code(wire, aws::code::kInternalServerError)) wire.code = aws::code::kInternalError;
  const std::string request_id = new_request_id();
  HttpResponse response;
  response.status = aws::s3_error_status(wire.code);
  // The resource as S3 names it, decoded; as sent when it does not decode to UTF-8 (InvalidURI),
  // so that the body stays the UTF-8 XML it says it is.
  std::string resource = aws::percent_decode(request.path);
  if (!model::is_valid_utf8(resource)) resource = request.path;
  response.body = aws::encode_s3_error(wire.code, wire.message, resource, request_id);
  response.add_header("Content-Type", "application/xml");
  response.add_header("x-amz-request-id", request_id);
  return response;
}

std::vector<iam::Permission> S3Service::permissions(const HttpRequest& request) {
  auto address = parse_address(request);
  if (!address) return {{"s3:*", "*"}};  // refused in handle() anyway; no key can do it
  // find_route only reads the request; S3Request holds it by reference for the operations.
  S3Request s3{const_cast<HttpRequest&>(request), std::move(address->bucket),
               std::move(address->key), aws::parse_query(request.query), ""};
  auto route = find_route(request, s3);
  if (!route) return {{"s3:*", "arn:aws:s3:::" + s3.bucket}};
  std::string copy_source = aws::percent_decode(request.header("x-amz-copy-source"));
  if (copy_source.starts_with('/')) copy_source.erase(0, 1);
  copy_source = copy_source.substr(0, copy_source.find('?'));  // ?versionId=
  return permissions_for((*route)->name, s3.bucket, s3.key, copy_source);
}

// The --fault in force for this request, if any: a response to send instead of serving it.
std::optional<HttpResponse> S3Service::injected_fault(const HttpRequest& request) {
  if (faults_ == nullptr) return std::nullopt;
  const FaultSpec& spec = faults_->spec();
  if (faults_->roll(spec.drop)) {
    HttpResponse dropped;
    dropped.drop_without_response = true;
    return dropped;
  }
  if (faults_->roll(spec.error)) {
    return error_response(
        request,
        make_error("InternalError", "We encountered an internal error. Please try again."));
  }
  const bool write =
      request.method == "PUT" || request.method == "POST" || request.method == "DELETE";
  if (write && faults_->roll(spec.slowdown)) {
    return error_response(request, make_error("SlowDown", "Please reduce your request rate."));
  }
  return std::nullopt;
}

HttpResponse S3Service::handle(HttpRequest& request) {
  HttpResponse response = serve(request);
  // --fault latency, on the server's timer: no thread waits.
  if (faults_ != nullptr) response.delay = faults_->spec().latency;
  return response;
}

HttpResponse S3Service::serve(HttpRequest& request) {
  if (auto fault = injected_fault(request)) return std::move(*fault);
  auto address = parse_address(request);
  if (!address) return error_response(request, address.error());
  S3Request s3{request, std::move(address->bucket), std::move(address->key),
               aws::parse_query(request.query), new_request_id()};
  Result<HttpResponse> response = make_error("InternalError", "unrouted");
  if (!s3.bucket.empty() && s3.bucket.size() > 255) {
    response = make_error("InvalidBucketName", "The specified bucket is not valid.");
  } else if (auto route = find_route(request, s3); !route) {
    response = route.take_error();
  } else {
    S3Context context{*store_, events_, options_};
    response = (*route)->operation(context, s3);
  }
  if (!response) {
    HttpResponse error = error_response(request, response.error());
    if (aws::has_code(response.error(), aws::code::kInvalidRange)) {
      if (auto object = store_->head(s3.bucket, s3.key)) {
        error.add_header("Content-Range", "bytes */" + std::to_string(object->size));
      }
    }
    return error;
  }
  response->add_header("x-amz-request-id", s3.request_id);
  response->add_header("x-amz-id-2", s3.request_id);
  return std::move(*response);
}

}  // namespace csv2ddb::local::s3
