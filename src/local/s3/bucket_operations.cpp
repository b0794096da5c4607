// ListBuckets, CreateBucket, HeadBucket, DeleteBucket, GetBucketLocation and the bucket's
// notification configuration.
#include <algorithm>
#include <random>

#include "aws/error_codes.hpp"
#include "aws/s3_notification.hpp"
#include "aws/xml.hpp"
#include "local/request_id.hpp"
#include "local/s3/notification_rules.hpp"
#include "local/s3/notification_xml.hpp"
#include "local/s3/s3_errors.hpp"
#include "local/s3/s3_request.hpp"
#include "local/s3/storage_names.hpp"

namespace csv2ddb::local::s3 {
namespace {

constexpr std::size_t kMaxConfigurationBytes = 1024 * 1024;
constexpr std::size_t kMaxBuckets = 10000;

// S3 names a configuration that came without an Id.
std::string generated_configuration_id() {
  return random_token(36, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
}

}  // namespace

// ListBuckets, with the paging of its newer form: max-buckets (1 to 10,000), a
// continuation-token (here the hex of the last name given) and a prefix.
Result<HttpResponse> list_buckets(S3Context& ctx, S3Request& request) {
  std::size_t max_buckets = kMaxBuckets;
  if (const std::string* text = request.param("max-buckets")) {
    const bool digits =
        !text->empty() && text->size() <= 5 &&
        std::all_of(text->begin(), text->end(), [](char c) { return c >= '0' && c <= '9'; });
    max_buckets = digits ? std::stoul(*text) : 0;
    if (max_buckets < 1 || max_buckets > kMaxBuckets) {
      return make_error("InvalidArgument",
                        "Argument max-buckets must be an integer between 1 and "
                        "10000");
    }
  }
  const std::string* prefix = request.param("prefix");
  std::string after;
  if (const std::string* token = request.param("continuation-token"); token && !token->empty()) {
    auto decoded = cursor_of(*token);
    if (!decoded) return decoded.take_error();
    after = std::move(*decoded);
  }
  auto buckets = ctx.store.list_buckets();
  if (!buckets) return buckets.take_error();
  std::string body(kXmlDeclaration);
  body += "<ListAllMyBucketsResult xmlns=\"";
  body += kS3XmlNamespace;
  body += "\"><Buckets>";
  std::size_t listed = 0;
  std::string last;
  bool more = false;
  for (const BucketInfo& bucket : *buckets) {  // in name order
    if (!after.empty() && bucket.name <= after) continue;
    if (prefix != nullptr && !bucket.name.starts_with(*prefix)) continue;
    if (listed == max_buckets) {
      more = true;
      break;
    }
    body += "<Bucket>";
    append_xml_element(body, "Name", bucket.name);
    append_xml_element(body, "CreationDate", iso8601_ms(bucket.created_ms));
    append_xml_element(body, "BucketRegion", ctx.options.region);
    body += "</Bucket>";
    last = bucket.name;
    ++listed;
  }
  body += "</Buckets>";
  append_owner(body);
  if (more) append_xml_element(body, "ContinuationToken", continuation_token(last));
  if (prefix != nullptr) append_xml_element(body, "Prefix", *prefix);
  body += "</ListAllMyBucketsResult>";
  return xml_response(200, std::move(body));
}

Result<HttpResponse> create_bucket(S3Context& ctx, S3Request& request) {
  if (Status valid = validate_bucket_name(request.bucket); !valid) return valid.take_error();
  if (Status created = ctx.store.create_bucket(request.bucket); !created) {
    // S3's legacy rule: in us-east-1 re-creating a bucket you own is a 200 no-op; every other
    // region answers BucketAlreadyOwnedByYou.
    if (!(aws::has_code(created.error(), aws::code::kBucketAlreadyOwnedByYou) &&
          ctx.options.region == "us-east-1")) {
      return created.take_error();
    }
  }
  HttpResponse response;
  response.add_header("Location", "/" + request.bucket);
  return response;
}

Result<HttpResponse> head_bucket(S3Context& ctx, S3Request& request) {
  if (Status exists = ctx.store.require_bucket(request.bucket); !exists) return exists.take_error();
  HttpResponse response;
  response.add_header("x-amz-bucket-region", ctx.options.region);
  return response;
}

Result<HttpResponse> delete_bucket(S3Context& ctx, S3Request& request) {
  if (Status deleted = ctx.store.delete_bucket(request.bucket); !deleted) {
    return deleted.take_error();
  }
  HttpResponse response;
  response.status = 204;
  return response;
}

Result<HttpResponse> get_bucket_location(S3Context& ctx, S3Request& request) {
  if (Status exists = ctx.store.require_bucket(request.bucket); !exists) return exists.take_error();
  std::string body(kXmlDeclaration);
  body += "<LocationConstraint xmlns=\"";
  body += kS3XmlNamespace;
  body += "\">";
  // us-east-1 is the empty constraint, as on AWS.
  if (ctx.options.region != "us-east-1") aws::append_xml_escaped(body, ctx.options.region);
  body += "</LocationConstraint>";
  return xml_response(200, std::move(body));
}

Result<HttpResponse> put_bucket_notification(S3Context& ctx, S3Request& request) {
  if (Status exists = ctx.store.require_bucket(request.bucket); !exists) return exists.take_error();
  auto body = read_small_body(request.http, kMaxConfigurationBytes);
  if (!body) return body.take_error();
  auto parsed = parse_notification_document(*body);
  if (!parsed) return parsed.take_error();
  aws::NotificationConfiguration configuration = std::move(*parsed);
  if (Status valid = validate_notification(configuration); !valid) return valid.take_error();
  if (ctx.options.lambda_destination_check) {
    for (const aws::NotificationTarget& target : configuration.lambda_functions) {
      if (!ctx.options.lambda_destination_check(target.arn, "arn:aws:s3:::" + request.bucket)) {
        return make_error("InvalidArgument",
                          "Unable to validate the following destination configurations");
      }
    }
  }
  for (auto* targets :
       {&configuration.lambda_functions, &configuration.queues, &configuration.topics}) {
    for (aws::NotificationTarget& target : *targets) {
      if (target.id.empty()) target.id = generated_configuration_id();
    }
  }
  if (Status stored =
          ctx.store.set_notification_xml(request.bucket, notification_document_xml(configuration));
      !stored) {
    return stored.take_error();
  }
  return HttpResponse{};
}

Result<HttpResponse> get_bucket_notification(S3Context& ctx, S3Request& request) {
  auto xml = ctx.store.notification_xml(request.bucket);
  if (!xml) return xml.take_error();
  if (xml->empty()) {
    *xml = notification_document_xml(aws::NotificationConfiguration{});
  }
  return xml_response(200, std::move(*xml));
}

}  // namespace csv2ddb::local::s3
