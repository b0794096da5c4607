#include "local/s3/s3_routes.hpp"

#include <array>

#include "model/json.hpp"

namespace csv2ddb::local::s3 {
namespace {

// Most specific first: a route with a required query parameter or header precedes the plain
// route of the same method and shape.
constexpr std::array kRoutes{
    Route{"GET", Shape::kService, "", "", "ListBuckets", &list_buckets},
    Route{"PUT", Shape::kBucket, "notification", "", "PutBucketNotificationConfiguration",
          &put_bucket_notification},
    Route{"GET", Shape::kBucket, "notification", "", "GetBucketNotificationConfiguration",
          &get_bucket_notification},
    Route{"GET", Shape::kBucket, "location", "", "GetBucketLocation", &get_bucket_location},
    Route{"GET", Shape::kBucket, "list-type", "", "ListObjectsV2", &list_objects_v2},
    Route{"POST", Shape::kBucket, "delete", "", "DeleteObjects", &delete_objects},
    Route{"GET", Shape::kBucket, "", "", "ListObjects", &list_objects_v1},
    Route{"PUT", Shape::kBucket, "", "", "CreateBucket", &create_bucket},
    Route{"HEAD", Shape::kBucket, "", "", "HeadBucket", &head_bucket},
    Route{"DELETE", Shape::kBucket, "", "", "DeleteBucket", &delete_bucket},
    Route{"POST", Shape::kObject, "uploads", "", "CreateMultipartUpload", &create_multipart_upload},
    Route{"POST", Shape::kObject, "uploadId", "", "CompleteMultipartUpload",
          &complete_multipart_upload},
    Route{"PUT", Shape::kObject, "uploadId", "", "UploadPart", &upload_part},
    Route{"PUT", Shape::kObject, "", "x-amz-copy-source", "CopyObject", &copy_object},
    Route{"PUT", Shape::kObject, "", "", "PutObject", &put_object},
    Route{"GET", Shape::kObject, "uploadId", "", "ListParts", &list_parts},
    Route{"GET", Shape::kObject, "attributes", "", "GetObjectAttributes", &get_object_attributes},
    Route{"GET", Shape::kObject, "", "", "GetObject", &get_object},
    Route{"HEAD", Shape::kObject, "", "", "HeadObject", &head_object},
    Route{"DELETE", Shape::kObject, "uploadId", "", "AbortMultipartUpload",
          &abort_multipart_upload},
    Route{"DELETE", Shape::kObject, "", "", "DeleteObject", &delete_object},
};

// Sub-resources S3 has and we do not serve: answering them as the plain operation (a
// versioning GET as a listing) would be wrong, so they are NotImplemented.
constexpr std::array<std::string_view, 24> kUnservedSubresources{"acl",
                                                                 "policy",
                                                                 "versioning",
                                                                 "tagging",
                                                                 "cors",
                                                                 "lifecycle",
                                                                 "website",
                                                                 "logging",
                                                                 "encryption",
                                                                 "replication",
                                                                 "accelerate",
                                                                 "analytics",
                                                                 "inventory",
                                                                 "metrics",
                                                                 "ownershipControls",
                                                                 "publicAccessBlock",
                                                                 "requestPayment",
                                                                 "restore",
                                                                 "select",
                                                                 "retention",
                                                                 "legal-hold",
                                                                 "object-lock",
                                                                 "versions",
                                                                 "uploads"};

// A key is UTF-8: bytes that are not (a percent-encoded %FF) are a URI S3 cannot parse.
Status check_key_text(const std::string& key) {
  if (model::is_valid_utf8(key)) return {};
  return make_error("InvalidURI", "Couldn't parse the specified URI.");
}

std::string_view host_without_port(std::string_view host) {
  if (host.starts_with('[')) return host;  // IPv6 literal: never virtual-hosted
  const auto colon = host.rfind(':');
  return colon == std::string_view::npos ? host : host.substr(0, colon);
}

}  // namespace

Result<Address> parse_address(const HttpRequest& request) {
  Address out;
  std::string_view path = request.path;
  if (path.starts_with('/')) path.remove_prefix(1);
  const std::string_view host = host_without_port(request.header("host"));
  // Virtual-hosted style: "<bucket>.localhost" (and "<bucket>.s3.localhost").
  constexpr std::string_view kLocalhostSuffix = ".localhost";
  if (host.size() > kLocalhostSuffix.size() && host.ends_with(kLocalhostSuffix)) {
    std::string_view bucket = host.substr(0, host.size() - kLocalhostSuffix.size());
    if (bucket.ends_with(".s3")) bucket.remove_suffix(3);
    if (bucket != "s3") {
      out.bucket = std::string(bucket);
      out.key = aws::percent_decode(path);
      if (Status key = check_key_text(out.key); !key) return key.take_error();
      return out;
    }
  }
  const auto slash = path.find('/');
  out.bucket = aws::percent_decode(path.substr(0, slash));
  if (slash != std::string_view::npos) out.key = aws::percent_decode(path.substr(slash + 1));
  if (Status key = check_key_text(out.key); !key) return key.take_error();
  return out;
}

Result<const Route*> find_route(const HttpRequest& request, const S3Request& s3) {
  const Shape shape = s3.bucket.empty() ? Shape::kService
                      : s3.key.empty()  ? Shape::kBucket
                                        : Shape::kObject;
  for (const Route& route : kRoutes) {
    if (route.method != request.method || route.shape != shape) continue;
    if (!route.query_param.empty() && !s3.has_param(route.query_param)) continue;
    if (!route.header.empty() && request.header(route.header).empty()) continue;
    if (route.query_param.empty()) {
      for (std::string_view sub : kUnservedSubresources) {
        if (s3.has_param(sub)) {
          return make_error("NotImplemented",
                            "A header you provided implies functionality that is not "
                            "implemented: ?" +
                                std::string(sub));
        }
      }
    }
    return &route;
  }
  return make_error("MethodNotAllowed",
                    "The specified method is not allowed against this resource.");
}

}  // namespace csv2ddb::local::s3
