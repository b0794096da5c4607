// What every S3 operation gets: the request with its bucket and key already taken from the
// path or the Host header, the decoded query, and the service's shared parts.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "aws/sigv4.hpp"
#include "aws/sigv4_verify.hpp"  // SecretLookup
#include "common/result.hpp"
#include "local/http/http_message.hpp"
#include "local/s3/object_store.hpp"

namespace csv2ddb::local::s3 {

class EventPublisher;

struct S3Options {
  std::string region = "us-east-1";
  // AWS's limit for a single PUT; lower it to test EntityTooLarge cheaply.
  std::uint64_t max_object_bytes = 5ULL * 1024 * 1024 * 1024;
  // AWS's minimum for every part but the last.
  std::uint64_t min_part_bytes = 5ULL * 1024 * 1024;
  // When set (the local Lambda is there), PutBucketNotificationConfiguration checks that each
  // Lambda destination exists and lets S3 invoke it for the bucket, as S3 does.
  std::function<bool(std::string_view function_arn, std::string_view bucket_arn)>
      lambda_destination_check;
  // The secrets of the keys the server knows, to check signed streaming bodies with.
  aws::SecretLookup secrets;
  // One line on stderr per object body received, naming its framing (tests use it to see what
  // a client really sent, e.g. that boto3 1.43 sends aws-chunked bodies).
  bool trace_uploads = false;
};

// The defaults above, with the single-PUT cap overridden by the environment variable
// CSV2DDB_LOCAL_S3_MAX_OBJECT_BYTES when set (tests use a small cap), and upload tracing on
// when CSV2DDB_LOCAL_S3_TRACE_UPLOADS=1.
S3Options s3_options_from_environment(std::string region);

struct S3Request {
  HttpRequest& http;
  std::string bucket;  // "" for service-level requests (ListBuckets)
  std::string key;     // "" for bucket-level requests; percent-decoded
  std::vector<aws::QueryParam> query;
  std::string request_id;

  // The decoded value of a query parameter, or nullptr when absent.
  const std::string* param(std::string_view name) const {
    for (const aws::QueryParam& p : query) {
      if (p.key == name) return &p.value;
    }
    return nullptr;
  }
  bool has_param(std::string_view name) const { return param(name) != nullptr; }
};

struct S3Context {
  ObjectStore& store;
  EventPublisher& events;
  const S3Options& options;
};

// The XML declaration every S3 response body starts with, and the namespace of the roots.
inline constexpr std::string_view kXmlDeclaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
inline constexpr std::string_view kS3XmlNamespace = "http://s3.amazonaws.com/doc/2006-03-01/";

// <name>escaped text</name>
void append_xml_element(std::string& out, std::string_view name, std::string_view text);
// S3's timestamp in XML bodies: 2009-10-12T17:50:30.000Z.
std::string iso8601_ms(std::int64_t epoch_ms);
HttpResponse xml_response(int status, std::string body);
// <Owner><ID>..</ID><DisplayName>..</DisplayName></Owner>: the one account that owns every
// bucket and object here.
void append_owner(std::string& out);
// Listings' continuation tokens: the hex of the cursor, opaque to clients and exact for us.
std::string continuation_token(std::string_view cursor);
// Errors: InvalidArgument "The continuation token provided is incorrect".
Result<std::string> cursor_of(std::string_view token);

// Operations, one family per file.
using Operation = Result<HttpResponse> (*)(S3Context&, S3Request&);
Result<HttpResponse> list_buckets(S3Context&, S3Request&);
Result<HttpResponse> create_bucket(S3Context&, S3Request&);
Result<HttpResponse> head_bucket(S3Context&, S3Request&);
Result<HttpResponse> delete_bucket(S3Context&, S3Request&);
Result<HttpResponse> get_bucket_location(S3Context&, S3Request&);
Result<HttpResponse> put_bucket_notification(S3Context&, S3Request&);
Result<HttpResponse> get_bucket_notification(S3Context&, S3Request&);
Result<HttpResponse> list_objects_v2(S3Context&, S3Request&);
Result<HttpResponse> list_objects_v1(S3Context&, S3Request&);
Result<HttpResponse> put_object(S3Context&, S3Request&);
Result<HttpResponse> copy_object(S3Context&, S3Request&);
Result<HttpResponse> get_object(S3Context&, S3Request&);
Result<HttpResponse> head_object(S3Context&, S3Request&);
Result<HttpResponse> get_object_attributes(S3Context&, S3Request&);
Result<HttpResponse> delete_object(S3Context&, S3Request&);
Result<HttpResponse> delete_objects(S3Context&, S3Request&);
Result<HttpResponse> create_multipart_upload(S3Context&, S3Request&);
Result<HttpResponse> upload_part(S3Context&, S3Request&);
Result<HttpResponse> complete_multipart_upload(S3Context&, S3Request&);
Result<HttpResponse> abort_multipart_upload(S3Context&, S3Request&);
Result<HttpResponse> list_parts(S3Context&, S3Request&);

// The stored headers of an upload: Content-Type and the other representation headers, and
// every x-amz-meta-* (names lower-cased, as S3 returns them).
aws::HeaderList stored_headers_of(const HttpRequest& request);
// A request body read whole (XML documents: DeleteObjects, notification, Complete), with a cap.
Result<std::string> read_small_body(const HttpRequest& request, std::size_t max_bytes);

}  // namespace csv2ddb::local::s3
