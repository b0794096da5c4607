// PutObject, CopyObject, GetObject, HeadObject, DeleteObject and DeleteObjects.
#include <algorithm>
#include <array>

#include "aws/http_date.hpp"
#include "aws/xml.hpp"
#include "local/request_auth.hpp"
#include "local/s3/body_stager.hpp"
#include "local/s3/byte_range.hpp"
#include "local/s3/event_records.hpp"
#include "local/s3/metadata_text.hpp"
#include "local/s3/s3_errors.hpp"
#include "local/s3/s3_request.hpp"
#include "local/s3/storage_names.hpp"

namespace csv2ddb::local::s3 {
namespace {

constexpr std::size_t kMaxDeleteBodyBytes = 2 * 1024 * 1024;
constexpr std::size_t kMaxDeleteKeys = 1000;

std::string principal_of(const HttpRequest& request) {
  auto key = RequestAuthenticator::access_key_of(request, aws::AuthDialect::kS3);
  return key ? "AWS:" + *key : "anonymous";
}

aws::SystemTime time_of(std::int64_t ms) {
  return aws::SystemTime(std::chrono::milliseconds(ms));
}

void add_object_headers(HttpResponse& response, const ObjectInfo& object) {
  response.add_header("ETag", object.etag);
  response.add_header("Last-Modified", aws::format_http_date(time_of(object.last_modified_ms)));
  response.add_header("Accept-Ranges", "bytes");
  for (const aws::Header& header : object.headers) {
    const bool user = header.name.starts_with("x-amz-meta-");
    response.add_header(header.name, user ? returned_metadata_value(header.value) : header.value);
  }
}

bool etag_listed(std::string_view list, std::string_view etag) {
  if (list.find('*') != std::string_view::npos) return true;
  const std::string_view bare = etag.substr(1, etag.size() - 2);
  std::size_t start = 0;
  while (start < list.size()) {
    auto comma = list.find(',', start);
    if (comma == std::string_view::npos) comma = list.size();
    std::string_view item = list.substr(start, comma - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.starts_with("W/")) item.remove_prefix(2);
    if (item == etag || item == bare) return true;
    start = comma + 1;
  }
  return false;
}

// If-Match, If-Unmodified-Since (412) and If-None-Match, If-Modified-Since (304), in the order
// RFC 7232 and S3 apply them.
Result<int> precondition_status(const HttpRequest& request, const ObjectInfo& object) {
  const std::string_view if_match = request.header("if-match");
  const std::string_view if_none_match = request.header("if-none-match");
  const auto modified = time_of(object.last_modified_ms / 1000 * 1000);
  if (!if_match.empty()) {
    if (!etag_listed(if_match, object.etag)) {
      return make_error("PreconditionFailed",
                        "At least one of the pre-conditions you specified did not hold");
    }
  } else if (auto since = aws::parse_http_date(request.header("if-unmodified-since"));
             since && modified > *since) {
    return make_error("PreconditionFailed",
                      "At least one of the pre-conditions you specified did not hold");
  }
  if (!if_none_match.empty()) {
    if (etag_listed(if_none_match, object.etag)) return 304;
  } else if (auto since = aws::parse_http_date(request.header("if-modified-since"));
             since && modified <= *since) {
    return 304;
  }
  return 200;
}

// The parts an object was completed from: the "-N" of a multipart ETag; 1 otherwise.
std::uint64_t parts_of(const ObjectInfo& object) {
  const std::string_view etag = object.etag;
  const auto dash = etag.rfind('-');
  if (dash == std::string_view::npos) return 1;
  std::uint64_t count = 0;
  for (char c : etag.substr(dash + 1)) {
    if (c >= '0' && c <= '9') count = count * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return count == 0 ? 1 : count;
}

// GetObject's partNumber: part 1 of an object uploaded in one piece is all of it, and there is
// no part 2 (416 InvalidPartNumber, as S3 answers). The parts of a multipart object are not
// kept apart here: reading one is not served.
Status check_part_number(const S3Request& request, const ObjectInfo& object) {
  const std::string* text = request.param("partNumber");
  if (text == nullptr) return {};
  std::uint64_t number = 0;
  const bool digits =
      !text->empty() && text->size() <= 5 &&
      std::all_of(text->begin(), text->end(), [](char c) { return c >= '0' && c <= '9'; });
  if (digits) number = std::stoull(*text);
  if (!digits || number < 1 || number > 10000) {
    return make_error("InvalidArgument",
                      "Part number must be an integer between 1 and 10000, inclusive");
  }
  if (parts_of(object) > 1) {
    return make_error("NotImplemented",
                      "A header you provided implies functionality that is not implemented: "
                      "partNumber of a multipart object");
  }
  if (number > 1) {
    return make_error("InvalidPartNumber", "The requested partnumber is not satisfiable");
  }
  return {};
}

Result<HttpResponse> read_object(S3Context& ctx, S3Request& request, bool with_body) {
  auto object = ctx.store.head(request.bucket, request.key);
  if (!object) return object.take_error();
  auto precondition = precondition_status(request.http, *object);
  if (!precondition) return precondition.take_error();
  HttpResponse response;
  if (*precondition == 304) {
    response.status = 304;
    response.add_header("ETag", object->etag);
    return response;
  }
  add_object_headers(response, *object);
  if (Status part = check_part_number(request, *object); !part) return part.take_error();
  std::uint64_t offset = 0;
  std::uint64_t length = object->size;
  const std::string_view range_header = request.http.header("range");
  if (!range_header.empty()) {
    const RangeResult range = resolve_range(range_header, object->size);
    if (range.kind == RangeKind::kUnsatisfiable) {
      return make_error("InvalidRange", "The requested range is not satisfiable");
    }
    if (range.kind == RangeKind::kSatisfiable) {
      offset = range.first;
      length = range.last - range.first + 1;
      response.status = 206;
      response.add_header("Content-Range", "bytes " + std::to_string(range.first) + "-" +
                                               std::to_string(range.last) + "/" +
                                               std::to_string(object->size));
    }
  }
  if (with_body) {
    response.body_file = object->file;
    response.body_file_offset = offset;
    response.body_file_length = length;
  } else {
    // HEAD: the server sends no body but must announce the object's length.
    response.body_file = object->file;
    response.body_file_offset = offset;
    response.body_file_length = length;
  }
  return response;
}

// "/bucket/key?versionId=..." or "bucket/key", URL-encoded.
Result<std::pair<std::string, std::string>> parse_copy_source(std::string_view source) {
  source = source.substr(0, source.find('?'));
  if (source.starts_with('/')) source.remove_prefix(1);
  const auto slash = source.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == source.size()) {
    return make_error("InvalidArgument", "Invalid copy source object key");
  }
  return std::make_pair(aws::percent_decode(source.substr(0, slash)),
                        aws::percent_decode(source.substr(slash + 1)));
}

}  // namespace

Result<HttpResponse> put_object(S3Context& ctx, S3Request& request) {
  if (Status valid = validate_object_key(request.key); !valid) return valid.take_error();
  if (Status exists = ctx.store.require_bucket(request.bucket); !exists) return exists.take_error();
  auto staged = stage_body(request.http, {ctx.store.staging_dir(), ctx.options.max_object_bytes,
                                          ctx.options.secrets, ctx.options.trace_uploads});
  if (!staged) return staged.take_error();
  const std::string etag = "\"" + staged->md5_hex + "\"";
  auto object = ctx.store.put(request.bucket, request.key, std::move(*staged), etag,
                              stored_headers_of(request.http));
  if (!object) return object.take_error();
  ctx.events.publish(ctx.store, request.bucket, "s3:ObjectCreated:Put", *object, request.request_id,
                     principal_of(request.http));
  HttpResponse response;
  response.add_header("ETag", object->etag);
  if (std::string_view crc = request.http.header("x-amz-checksum-crc32"); !crc.empty()) {
    response.add_header("x-amz-checksum-crc32", std::string(crc));
  }
  return response;
}

Result<HttpResponse> copy_object(S3Context& ctx, S3Request& request) {
  if (Status valid = validate_object_key(request.key); !valid) return valid.take_error();
  auto source = parse_copy_source(request.http.header("x-amz-copy-source"));
  if (!source) return source.take_error();
  auto original = ctx.store.head(source->first, source->second);
  if (!original) return original.take_error();
  if (Status exists = ctx.store.require_bucket(request.bucket); !exists) return exists.take_error();
  const bool replace = request.http.header("x-amz-metadata-directive") == "REPLACE";
  if (!replace && source->first == request.bucket && source->second == request.key) {
    return make_error("InvalidRequest",
                      "This copy request is illegal because it is trying to copy an object to "
                      "itself without changing the object's metadata, storage class, website "
                      "redirect location or encryption attributes.");
  }
  auto staged = ctx.store.stage_copy(*original);
  if (!staged) return staged.take_error();
  const std::string etag = "\"" + staged->md5_hex + "\"";
  auto object = ctx.store.put(request.bucket, request.key, std::move(*staged), etag,
                              replace ? stored_headers_of(request.http) : original->headers);
  if (!object) return object.take_error();
  ctx.events.publish(ctx.store, request.bucket, "s3:ObjectCreated:Copy", *object,
                     request.request_id, principal_of(request.http));
  std::string body(kXmlDeclaration);
  body += "<CopyObjectResult xmlns=\"";
  body += kS3XmlNamespace;
  body += "\">";
  append_xml_element(body, "LastModified", iso8601_ms(object->last_modified_ms));
  append_xml_element(body, "ETag", object->etag);
  body += "</CopyObjectResult>";
  return xml_response(200, std::move(body));
}

Result<HttpResponse> get_object(S3Context& ctx, S3Request& request) {
  return read_object(ctx, request, true);
}

Result<HttpResponse> head_object(S3Context& ctx, S3Request& request) {
  return read_object(ctx, request, false);
}

Result<HttpResponse> get_object_attributes(S3Context& ctx, S3Request& request) {
  auto object = ctx.store.head(request.bucket, request.key);
  if (!object) return object.take_error();
  // x-amz-object-attributes: a comma-separated list of the attributes asked for.
  std::vector<std::string> asked;
  const std::string_view list = request.http.header("x-amz-object-attributes");
  std::size_t start = 0;
  while (start < list.size()) {
    auto comma = list.find(',', start);
    if (comma == std::string_view::npos) comma = list.size();
    std::string_view name = list.substr(start, comma - start);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    asked.emplace_back(name);
    start = comma + 1;
  }
  static constexpr std::array<std::string_view, 5> kAttributes = {"ETag", "Checksum", "ObjectParts",
                                                                  "StorageClass", "ObjectSize"};
  for (const std::string& name : asked) {
    if (std::find(kAttributes.begin(), kAttributes.end(), name) == kAttributes.end()) {
      return make_error("InvalidArgument", "Invalid attribute name specified.");
    }
  }
  if (asked.empty()) return make_error("InvalidArgument", "Invalid attribute name specified.");
  auto wants = [&](std::string_view name) {
    return std::find(asked.begin(), asked.end(), name) != asked.end();
  };
  std::string body(kXmlDeclaration);
  body += "<GetObjectAttributesResponse xmlns=\"";
  body += kS3XmlNamespace;
  body += "\">";
  // In S3's order. Checksum: none is kept for an object here, so none is returned.
  if (wants("ETag")) {
    append_xml_element(body, "ETag", object->etag.substr(1, object->etag.size() - 2));
  }
  if (wants("ObjectParts") && parts_of(*object) > 1) {
    body += "<ObjectParts>";
    append_xml_element(body, "PartsCount", std::to_string(parts_of(*object)));
    body += "</ObjectParts>";
  }
  if (wants("StorageClass")) append_xml_element(body, "StorageClass", "STANDARD");
  if (wants("ObjectSize")) append_xml_element(body, "ObjectSize", std::to_string(object->size));
  body += "</GetObjectAttributesResponse>";
  HttpResponse response = xml_response(200, std::move(body));
  response.add_header("Last-Modified", aws::format_http_date(time_of(object->last_modified_ms)));
  return response;
}

Result<HttpResponse> delete_object(S3Context& ctx, S3Request& request) {
  auto existed = ctx.store.remove(request.bucket, request.key);
  if (!existed) return existed.take_error();
  if (*existed) {
    ObjectInfo removed;
    removed.key = request.key;
    ctx.events.publish(ctx.store, request.bucket, "s3:ObjectRemoved:Delete", removed,
                       request.request_id, principal_of(request.http));
  }
  HttpResponse response;
  response.status = 204;
  return response;
}

Result<HttpResponse> delete_objects(S3Context& ctx, S3Request& request) {
  if (Status exists = ctx.store.require_bucket(request.bucket); !exists) return exists.take_error();
  auto body = read_small_body(request.http, kMaxDeleteBodyBytes);
  if (!body) return body.take_error();
  auto root = aws::parse_xml(*body);
  if (!root || root->name != "Delete") return malformed_xml();
  const auto objects = root->children_named("Object");
  if (objects.empty() || objects.size() > kMaxDeleteKeys) return malformed_xml();
  const bool quiet = root->child_text("Quiet") == "true";
  std::string out(kXmlDeclaration);
  out += "<DeleteResult xmlns=\"";
  out += kS3XmlNamespace;
  out += "\">";
  for (const aws::XmlElement* object : objects) {
    if (object->child("Key") == nullptr) return malformed_xml();
    const std::string key = object->child_text("Key");
    Status valid = validate_object_key(key);
    Result<bool> existed =
        valid ? ctx.store.remove(request.bucket, key) : Result<bool>(valid.take_error());
    if (!existed) {
      out += "<Error>";
      append_xml_element(out, "Key", key);
      append_xml_element(out, "Code", existed.error().code);
      append_xml_element(out, "Message", existed.error().message);
      out += "</Error>";
      continue;
    }
    if (*existed) {
      ObjectInfo removed;
      removed.key = key;
      ctx.events.publish(ctx.store, request.bucket, "s3:ObjectRemoved:Delete", removed,
                         request.request_id, principal_of(request.http));
    }
    if (!quiet) {
      out += "<Deleted>";
      append_xml_element(out, "Key", key);
      out += "</Deleted>";
    }
  }
  out += "</DeleteResult>";
  return xml_response(200, std::move(out));
}

}  // namespace csv2ddb::local::s3
