#include "aws/s3_client.hpp"

#include <cstdlib>

#include "aws/crypto.hpp"
#include "aws/error_codes.hpp"
#include "aws/xml.hpp"

namespace csv2ddb::aws {
namespace {

constexpr std::string_view kS3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

// "key=value" with both encoded as SigV4 canonicalizes them, so the wire query is canonical.
void append_query_param(std::string& query, std::string_view key, std::string_view value) {
  if (!query.empty()) query.push_back('&');
  append_uri_encoded(key, false, query);
  query.push_back('=');
  append_uri_encoded(value, false, query);
}

std::string header_or_empty(const HttpResponse& response, std::string_view name) {
  const std::string* value = response.header(name);
  return value != nullptr ? *value : std::string();
}

ObjectInfo object_info(const HttpResponse& response) {
  ObjectInfo info;
  info.size = std::strtoull(header_or_empty(response, "Content-Length").c_str(), nullptr, 10);
  info.etag = header_or_empty(response, "ETag");
  info.last_modified = header_or_empty(response, "Last-Modified");
  info.content_type = header_or_empty(response, "Content-Type");
  // "bytes 0-99/1234": the object's whole size after the '/'.
  const std::string range = header_or_empty(response, "Content-Range");
  if (auto slash = range.rfind('/'); slash != std::string::npos && range.back() != '*') {
    info.total_size = std::strtoull(range.c_str() + slash + 1, nullptr, 10);
  }
  return info;
}

Error invalid_response(std::string_view operation, std::string_view what) {
  return make_error("InvalidResponse",
                    "s3 " + std::string(operation) + " response " + std::string(what));
}

}  // namespace

AwsRequest S3Client::request(std::string method, const std::string& bucket, const std::string& key,
                             std::string_view query, std::string body) const {
  AwsRequest out;
  out.method = std::move(method);
  out.url = s3_object_url(caller_->service().endpoint, bucket, key, query,
                          caller_->service().force_path_style);
  out.body = std::move(body);
  return out;
}

Status S3Client::create_bucket(const std::string& bucket) {
  std::string body;
  const std::string& region = caller_->service().region;
  if (!region.empty() && region != "us-east-1") {
    body = "<CreateBucketConfiguration xmlns=\"";
    body.append(kS3Namespace).append("\"><LocationConstraint>");
    append_xml_escaped(body, region);
    body.append("</LocationConstraint></CreateBucketConfiguration>");
  }
  auto response = caller_->call("CreateBucket", request("PUT", bucket, {}, {}, std::move(body)));
  if (!response) return response.take_error();
  return {};
}

Status S3Client::delete_bucket(const std::string& bucket) {
  auto response = caller_->call("DeleteBucket", request("DELETE", bucket, {}));
  if (!response) return response.take_error();
  return {};
}

Result<ObjectInfo> S3Client::head_object(const std::string& bucket, const std::string& key) {
  auto response = caller_->call("HeadObject", request("HEAD", bucket, key));
  if (!response) return response.take_error();
  return object_info(*response);
}

Result<std::string> S3Client::get_object_bytes(const std::string& bucket, const std::string& key,
                                               GetObjectOptions options) {
  std::string bytes;
  options.reset_sink = [&bytes] {
    bytes.clear();
    return true;
  };
  Result<ObjectInfo> info = get_object(bucket, key, options, [&bytes](std::string_view piece) {
    bytes.append(piece);
    return Status{};
  });
  if (!info) return info.take_error();
  return bytes;
}

Result<ObjectInfo> S3Client::get_object(const std::string& bucket, const std::string& key,
                                        const GetObjectOptions& options, const BodySink& sink) {
  AwsRequest get = request("GET", bucket, key);
  if (options.range) {
    get.headers.push_back({"Range", "bytes=" + std::to_string(options.range->first) + "-" +
                                        std::to_string(options.range->second)});
  }
  if (!options.if_match.empty()) get.headers.push_back({"If-Match", options.if_match});
  get.reset_sink = options.reset_sink;
  auto response = caller_->call("GetObject", std::move(get), sink);
  if (!response) return response.take_error();
  return object_info(*response);
}

Result<std::string> S3Client::put_object(const std::string& bucket, const std::string& key,
                                         std::string body, std::string_view content_type) {
  AwsRequest put = request("PUT", bucket, key, {}, std::move(body));
  if (!content_type.empty()) put.headers.push_back({"Content-Type", std::string(content_type)});
  auto response = caller_->call("PutObject", std::move(put));
  if (!response) return response.take_error();
  return header_or_empty(*response, "ETag");
}

Status S3Client::delete_object(const std::string& bucket, const std::string& key) {
  auto response = caller_->call("DeleteObject", request("DELETE", bucket, key));
  if (!response) return response.take_error();
  return {};
}

Result<std::string> S3Client::create_multipart_upload(const std::string& bucket,
                                                      const std::string& key,
                                                      std::string_view content_type) {
  AwsRequest create = request("POST", bucket, key, "uploads=");
  if (!content_type.empty()) {
    create.headers.push_back({"Content-Type", std::string(content_type)});
  }
  auto response = caller_->call("CreateMultipartUpload", std::move(create));
  if (!response) return response.take_error();
  auto document = parse_xml(response->body);
  if (!document) return document.take_error();
  std::string upload_id = document->child_text("UploadId");
  if (upload_id.empty()) return invalid_response("CreateMultipartUpload", "has no UploadId");
  return upload_id;
}

Result<std::string> S3Client::upload_part(const std::string& bucket, const std::string& key,
                                          const std::string& upload_id, int part_number,
                                          std::string body) {
  std::string query;
  append_query_param(query, "partNumber", std::to_string(part_number));
  append_query_param(query, "uploadId", upload_id);
  auto response = caller_->call("UploadPart", request("PUT", bucket, key, query, std::move(body)));
  if (!response) return response.take_error();
  std::string etag = header_or_empty(*response, "ETag");
  if (etag.empty()) return invalid_response("UploadPart", "has no ETag");
  return etag;
}

std::string S3Client::complete_multipart_body(const std::vector<CompletedPart>& parts) {
  std::string body = "<CompleteMultipartUpload xmlns=\"";
  body.append(kS3Namespace).append("\">");
  for (const CompletedPart& part : parts) {
    body.append("<Part><ETag>");
    append_xml_escaped(body, part.etag);
    body.append("</ETag><PartNumber>");
    body.append(std::to_string(part.part_number));
    body.append("</PartNumber></Part>");
  }
  body.append("</CompleteMultipartUpload>");
  return body;
}

std::string S3Client::multipart_etag(const std::vector<CompletedPart>& parts) {
  std::string md5s;
  for (const CompletedPart& part : parts) {
    std::string_view hex = part.etag;
    if (hex.size() == 34 && hex.front() == '"' && hex.back() == '"') hex = hex.substr(1, 32);
    if (hex.size() != 32) return {};
    for (std::size_t i = 0; i < hex.size(); i += 2) {
      const auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
      };
      const int high = nibble(hex[i]);
      const int low = nibble(hex[i + 1]);
      if (high < 0 || low < 0) return {};
      md5s.push_back(static_cast<char>(high * 16 + low));
    }
  }
  if (parts.empty()) return {};
  return "\"" + md5_hex(md5s) + "-" + std::to_string(parts.size()) + "\"";
}

Result<std::string> S3Client::complete_multipart_upload(const std::string& bucket,
                                                        const std::string& key,
                                                        const std::string& upload_id,
                                                        const std::vector<CompletedPart>& parts) {
  std::string query;
  append_query_param(query, "uploadId", upload_id);
  CallStats stats;
  auto response = caller_->call("CompleteMultipartUpload",
                                request("POST", bucket, key, query, complete_multipart_body(parts)),
                                {}, nullptr, &stats);
  if (!response) {
    // An earlier attempt may have completed the upload and only its answer was lost (a
    // timeout): the object then carries exactly the ETag these parts make.
    if (has_code(response.error(), code::kNoSuchUpload) && stats.attempts > 1) {
      const std::string expected = multipart_etag(parts);
      auto head = head_object(bucket, key);
      if (head && !expected.empty() && head->etag == expected) return head->etag;
    }
    return response.take_error();
  }
  // S3 may answer 200 with an <Error> body when the completion fails late.
  auto document = parse_xml(response->body);
  if (!document) return document.take_error();
  if (document->name == "Error") {
    return make_error(document->child_text("Code"),
                      "s3 CompleteMultipartUpload: " + document->child_text("Message"));
  }
  return document->child_text("ETag");
}

Status S3Client::abort_multipart_upload(const std::string& bucket, const std::string& key,
                                        const std::string& upload_id) {
  std::string query;
  append_query_param(query, "uploadId", upload_id);
  auto response = caller_->call("AbortMultipartUpload", request("DELETE", bucket, key, query));
  if (!response) return response.take_error();
  return {};
}

Result<ListPage> S3Client::list_objects_v2(const std::string& bucket, const std::string& prefix,
                                           const std::string& continuation_token,
                                           std::optional<int> max_keys,
                                           const std::string& delimiter) {
  // Parameters in canonical (sorted) order.
  std::string query;
  if (!continuation_token.empty()) {
    append_query_param(query, "continuation-token", continuation_token);
  }
  if (!delimiter.empty()) append_query_param(query, "delimiter", delimiter);
  append_query_param(query, "list-type", "2");
  if (max_keys) append_query_param(query, "max-keys", std::to_string(*max_keys));
  if (!prefix.empty()) append_query_param(query, "prefix", prefix);
  auto response = caller_->call("ListObjectsV2", request("GET", bucket, {}, query));
  if (!response) return response.take_error();
  auto document = parse_xml(response->body);
  if (!document) return document.take_error();
  if (document->name != "ListBucketResult") {
    return invalid_response("ListObjectsV2", "is not a ListBucketResult");
  }
  ListPage page;
  for (const XmlElement* contents : document->children_named("Contents")) {
    ListedObject object;
    object.key = contents->child_text("Key");
    object.size = std::strtoull(contents->child_text("Size").c_str(), nullptr, 10);
    object.etag = contents->child_text("ETag");
    object.last_modified = contents->child_text("LastModified");
    page.objects.push_back(std::move(object));
  }
  for (const XmlElement* common : document->children_named("CommonPrefixes")) {
    page.common_prefixes.push_back(common->child_text("Prefix"));
  }
  if (document->child_text("IsTruncated") == "true") {
    page.next_continuation_token = document->child_text("NextContinuationToken");
    if (page.next_continuation_token.empty()) {
      return invalid_response("ListObjectsV2", "is truncated but has no NextContinuationToken");
    }
  }
  return page;
}

Result<std::vector<ListedObject>> S3Client::list_all(const std::string& bucket,
                                                     const std::string& prefix) {
  std::vector<ListedObject> objects;
  std::string token;
  do {
    auto page = list_objects_v2(bucket, prefix, token);
    if (!page) return page.take_error();
    for (ListedObject& object : page->objects) objects.push_back(std::move(object));
    token = std::move(page->next_continuation_token);
  } while (!token.empty());
  return objects;
}

Result<NotificationConfiguration> S3Client::get_bucket_notification_configuration(
    const std::string& bucket) {
  auto response = caller_->call("GetBucketNotificationConfiguration",
                                request("GET", bucket, {}, "notification="));
  if (!response) return response.take_error();
  return parse_notification_configuration(response->body);
}

Status S3Client::put_bucket_notification_configuration(
    const std::string& bucket, const NotificationConfiguration& configuration) {
  auto response = caller_->call(
      "PutBucketNotificationConfiguration",
      request("PUT", bucket, {}, "notification=", notification_configuration_xml(configuration)));
  if (!response) return response.take_error();
  return {};
}

Result<S3Location> parse_s3_url(std::string_view url) {
  constexpr std::string_view kScheme = "s3://";
  if (url.substr(0, kScheme.size()) != kScheme) {
    return make_error("InvalidS3Url", "not an s3:// URL: " + std::string(url));
  }
  std::string_view rest = url.substr(kScheme.size());
  const auto slash = rest.find('/');
  S3Location location;
  location.bucket = std::string(rest.substr(0, slash));
  if (slash != std::string_view::npos) location.key = std::string(rest.substr(slash + 1));
  if (location.bucket.empty()) {
    return make_error("InvalidS3Url", "no bucket name in " + std::string(url));
  }
  return location;
}

}  // namespace csv2ddb::aws
