// ListObjectsV2 and ListObjects (v1): keys in byte order under a prefix, rolled up into
// CommonPrefixes at the delimiter, a page of at most max-keys entries (keys and prefixes
// together), and a cursor to continue from.
#include "aws/sigv4.hpp"
#include "aws/xml.hpp"
#include "local/s3/s3_errors.hpp"
#include "local/s3/s3_request.hpp"

namespace csv2ddb::local::s3 {
namespace {

constexpr std::size_t kDefaultMaxKeys = 1000;
constexpr std::size_t kScanBatch = 1000;

struct ListPage {
  std::vector<ObjectInfo> objects;
  std::vector<std::string> common_prefixes;
  bool truncated = false;
  std::string last_returned;  // the cursor after the last entry (a key, or prefix + 0xFF)
};

// Keys are UTF-8, in which the byte 0xFF never occurs, so prefix + "\xff" sorts after every
// key that starts with prefix and before every later one.
std::string after_prefix(const std::string& prefix) {
  return prefix + "\xff";
}

Result<ListPage> list_page(S3Context& ctx, const std::string& bucket, const std::string& prefix,
                           const std::string& delimiter, std::string cursor, std::size_t max_keys) {
  ListPage page;
  // max-keys=0 asks for nothing: S3 answers an empty, untruncated page (no token to follow).
  if (max_keys == 0) return page;
  for (;;) {
    auto batch = ctx.store.scan(bucket, cursor, prefix, kScanBatch);
    if (!batch) return batch.take_error();
    bool rescan = false;
    for (ObjectInfo& object : *batch) {
      std::string rolled;
      if (!delimiter.empty()) {
        const auto at = object.key.find(delimiter, prefix.size());
        if (at != std::string::npos) rolled = object.key.substr(0, at + delimiter.size());
      }
      if (page.objects.size() + page.common_prefixes.size() >= max_keys) {
        page.truncated = true;
        return page;
      }
      if (!rolled.empty()) {
        // Skip every other key under this prefix with one seek.
        cursor = after_prefix(rolled);
        page.last_returned = cursor;
        page.common_prefixes.push_back(std::move(rolled));
        rescan = true;
        break;
      }
      cursor = object.key;
      page.last_returned = cursor;
      page.objects.push_back(std::move(object));
    }
    if (!rescan && batch->size() < kScanBatch) return page;
  }
}

Result<std::size_t> max_keys_of(const S3Request& request) {
  const std::string* text = request.param("max-keys");
  if (text == nullptr) return kDefaultMaxKeys;
  std::size_t value = 0;
  if (text->empty() || text->size() > 9)
    return invalid_argument("Provided max-keys not an integer or within integer range");
  for (char c : *text) {
    if (c < '0' || c > '9')
      return invalid_argument("Provided max-keys not an integer or within integer range");
    value = value * 10 + static_cast<std::size_t>(c - '0');
  }
  return value < kDefaultMaxKeys ? value : kDefaultMaxKeys;
}

// encoding-type=url: every byte but the unreserved ones and '/' percent-encoded, a space as
// %20 (as the s3-tests suite, written against Amazon S3, expects: "quux%20ab/", "foo%2B1/").
// Event notifications encode keys differently (a space as '+'): event_records.hpp.
std::string maybe_encoded(std::string_view text, bool url) {
  return url ? aws::uri_encode(text, true) : std::string(text);
}

// `owner`: each entry names its owner (ListObjects always, ListObjectsV2 with fetch-owner).
void append_contents(std::string& out, const ListPage& page, bool url, bool owner) {
  for (const ObjectInfo& object : page.objects) {
    out += "<Contents>";
    append_xml_element(out, "Key", maybe_encoded(object.key, url));
    append_xml_element(out, "LastModified", iso8601_ms(object.last_modified_ms));
    append_xml_element(out, "ETag", object.etag);
    append_xml_element(out, "Size", std::to_string(object.size));
    if (owner) append_owner(out);
    append_xml_element(out, "StorageClass", "STANDARD");
    out += "</Contents>";
  }
  for (const std::string& prefix : page.common_prefixes) {
    out += "<CommonPrefixes>";
    append_xml_element(out, "Prefix", maybe_encoded(prefix, url));
    out += "</CommonPrefixes>";
  }
}

std::string param_or_empty(const S3Request& request, std::string_view name) {
  const std::string* value = request.param(name);
  return value == nullptr ? std::string() : *value;
}

Result<bool> url_encoding(const S3Request& request) {
  const std::string* type = request.param("encoding-type");
  if (type == nullptr) return false;
  if (*type != "url") return invalid_argument("Invalid Encoding Method specified in Request");
  return true;
}

}  // namespace

Result<HttpResponse> list_objects_v2(S3Context& ctx, S3Request& request) {
  if (Status exists = ctx.store.require_bucket(request.bucket); !exists) return exists.take_error();
  auto max_keys = max_keys_of(request);
  if (!max_keys) return max_keys.take_error();
  auto url = url_encoding(request);
  if (!url) return url.take_error();
  const std::string prefix = param_or_empty(request, "prefix");
  const std::string delimiter = param_or_empty(request, "delimiter");
  const std::string start_after = param_or_empty(request, "start-after");
  const std::string* token = request.param("continuation-token");
  if (token != nullptr && token->empty()) token = nullptr;  // as S3: an empty one is none
  // The token is the hex of the cursor: opaque to clients, exact for us.
  std::string cursor = start_after;
  if (token != nullptr) {
    auto decoded = cursor_of(*token);
    if (!decoded) return decoded.take_error();
    cursor = std::move(*decoded);
  }
  auto page = list_page(ctx, request.bucket, prefix, delimiter, cursor, *max_keys);
  if (!page) return page.take_error();
  std::string out(kXmlDeclaration);
  out += "<ListBucketResult xmlns=\"";
  out += kS3XmlNamespace;
  out += "\">";
  append_xml_element(out, "Name", request.bucket);
  append_xml_element(out, "Prefix", maybe_encoded(prefix, *url));
  if (!delimiter.empty()) append_xml_element(out, "Delimiter", maybe_encoded(delimiter, *url));
  if (!start_after.empty()) append_xml_element(out, "StartAfter", maybe_encoded(start_after, *url));
  if (token != nullptr) append_xml_element(out, "ContinuationToken", *token);
  append_xml_element(out, "MaxKeys", std::to_string(*max_keys));
  if (*url) append_xml_element(out, "EncodingType", "url");
  append_xml_element(out, "KeyCount",
                     std::to_string(page->objects.size() + page->common_prefixes.size()));
  append_xml_element(out, "IsTruncated", page->truncated ? "true" : "false");
  if (page->truncated)
    append_xml_element(out, "NextContinuationToken", continuation_token(page->last_returned));
  append_contents(out, *page, *url, param_or_empty(request, "fetch-owner") == "true");
  out += "</ListBucketResult>";
  return xml_response(200, std::move(out));
}

Result<HttpResponse> list_objects_v1(S3Context& ctx, S3Request& request) {
  if (Status exists = ctx.store.require_bucket(request.bucket); !exists) return exists.take_error();
  auto max_keys = max_keys_of(request);
  if (!max_keys) return max_keys.take_error();
  auto url = url_encoding(request);
  if (!url) return url.take_error();
  const std::string prefix = param_or_empty(request, "prefix");
  const std::string delimiter = param_or_empty(request, "delimiter");
  const std::string marker = param_or_empty(request, "marker");
  // A marker that names a common prefix continues after everything under it.
  std::string cursor = marker;
  if (!delimiter.empty() && marker.ends_with(delimiter) && marker.starts_with(prefix)) {
    cursor = after_prefix(marker);
  }
  auto page = list_page(ctx, request.bucket, prefix, delimiter, cursor, *max_keys);
  if (!page) return page.take_error();
  std::string out(kXmlDeclaration);
  out += "<ListBucketResult xmlns=\"";
  out += kS3XmlNamespace;
  out += "\">";
  append_xml_element(out, "Name", request.bucket);
  append_xml_element(out, "Prefix", maybe_encoded(prefix, *url));
  append_xml_element(out, "Marker", maybe_encoded(marker, *url));
  if (!delimiter.empty()) append_xml_element(out, "Delimiter", maybe_encoded(delimiter, *url));
  append_xml_element(out, "MaxKeys", std::to_string(*max_keys));
  if (*url) append_xml_element(out, "EncodingType", "url");
  append_xml_element(out, "IsTruncated", page->truncated ? "true" : "false");
  if (page->truncated && !delimiter.empty()) {
    // S3 sends NextMarker only with a delimiter; clients use the last key otherwise.
    std::string next = page->last_returned;
    if (next.ends_with('\xff')) next.pop_back();
    append_xml_element(out, "NextMarker", maybe_encoded(next, *url));
  }
  append_contents(out, *page, *url, true);
  out += "</ListBucketResult>";
  return xml_response(200, std::move(out));
}

}  // namespace csv2ddb::local::s3
