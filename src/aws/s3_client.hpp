// S3 over its REST-XML protocol: the object, multipart, listing and bucket calls csv2ddb and its
// tests use. Keys are encoded for the path with encode_s3_key (every byte but unreserved ones and
// '/'); custom endpoints use path style (endpoints.hpp). Every request body that we hold in
// memory is hashed into x-amz-content-sha256, so S3 checks its integrity; multipart parts are
// in memory anyway, so even a 100 GB upload is fully signed. Errors carry S3's code
// ("NoSuchKey", "PreconditionFailed") and message.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "aws/aws_caller.hpp"
#include "aws/s3_notification.hpp"
#include "common/result.hpp"

namespace csv2ddb::aws {

struct ObjectInfo {
  std::uint64_t size = 0;  // Content-Length (of the range, for a ranged GET)
  std::string etag;        // with its quotes, as S3 sends it
  std::string last_modified;
  std::string content_type;
  std::optional<std::uint64_t> total_size;  // from Content-Range, for a ranged GET
};

struct GetObjectOptions {
  // Bytes [first, last] (inclusive, as in the Range header); nothing = the whole object.
  std::optional<std::pair<std::uint64_t, std::uint64_t>> range;
  std::string if_match;  // an ETag: fails with PreconditionFailed when the object differs
  // Undoes what the sink received, so a GET that failed midway can be retried.
  std::function<bool()> reset_sink;
};

struct ListedObject {
  std::string key;
  std::uint64_t size = 0;
  std::string etag;
  std::string last_modified;
};

struct ListPage {
  std::vector<ListedObject> objects;
  std::vector<std::string> common_prefixes;
  std::string next_continuation_token;  // empty when this is the last page
};

struct CompletedPart {
  int part_number = 0;
  std::string etag;
};

class S3Client {
 public:
  explicit S3Client(std::shared_ptr<AwsCaller> caller) : caller_(std::move(caller)) {}

  // In the caller's region (a LocationConstraint outside us-east-1).
  Status create_bucket(const std::string& bucket);
  // Errors: BucketNotEmpty, NoSuchBucket.
  Status delete_bucket(const std::string& bucket);
  Result<ObjectInfo> head_object(const std::string& bucket, const std::string& key);
  // The body goes to `sink` in pieces; nothing is held whole.
  Result<ObjectInfo> get_object(const std::string& bucket, const std::string& key,
                                const GetObjectOptions& options, const BodySink& sink);
  // A small object whole (a state, a marker); a retried GET starts the bytes over.
  Result<std::string> get_object_bytes(const std::string& bucket, const std::string& key,
                                       GetObjectOptions options = {});
  // The ETag of the new object.
  Result<std::string> put_object(const std::string& bucket, const std::string& key,
                                 std::string body, std::string_view content_type = {});
  Status delete_object(const std::string& bucket, const std::string& key);

  Result<std::string> create_multipart_upload(const std::string& bucket, const std::string& key,
                                              std::string_view content_type = {});
  Result<std::string> upload_part(const std::string& bucket, const std::string& key,
                                  const std::string& upload_id, int part_number, std::string body);
  // The object's ETag. A retried attempt that gets NoSuchUpload is a success when the object
  // now has the ETag these parts make (an earlier attempt completed it; minio, unlike Amazon
  // S3, does not answer a repeated Complete again).
  Result<std::string> complete_multipart_upload(const std::string& bucket, const std::string& key,
                                                const std::string& upload_id,
                                                const std::vector<CompletedPart>& parts);
  Status abort_multipart_upload(const std::string& bucket, const std::string& key,
                                const std::string& upload_id);

  Result<ListPage> list_objects_v2(const std::string& bucket, const std::string& prefix,
                                   const std::string& continuation_token = {},
                                   std::optional<int> max_keys = std::nullopt,
                                   const std::string& delimiter = {});
  // Every object under the prefix, page after page.
  Result<std::vector<ListedObject>> list_all(const std::string& bucket, const std::string& prefix);

  Result<NotificationConfiguration> get_bucket_notification_configuration(
      const std::string& bucket);
  Status put_bucket_notification_configuration(const std::string& bucket,
                                               const NotificationConfiguration& configuration);

  // The AwsRequest of an operation on bucket/key (public for golden files). `query` is already
  // encoded.
  AwsRequest request(std::string method, const std::string& bucket, const std::string& key,
                     std::string_view query = {}, std::string body = {}) const;
  static std::string complete_multipart_body(const std::vector<CompletedPart>& parts);
  // S3's ETag of the object these parts make, quoted: the MD5 of the parts' binary MD5s, then
  // "-N". Empty when a part's ETag is not a quoted or bare MD5 hex.
  static std::string multipart_etag(const std::vector<CompletedPart>& parts);

  AwsCaller& caller() { return *caller_; }

 private:
  std::shared_ptr<AwsCaller> caller_;
};

// "s3://bucket/key/with/slashes" → bucket and key (the key may be empty: a bucket or prefix).
struct S3Location {
  std::string bucket;
  std::string key;
};
// Errors: "InvalidS3Url" for another scheme, an empty bucket name.
Result<S3Location> parse_s3_url(std::string_view url);

}  // namespace csv2ddb::aws
