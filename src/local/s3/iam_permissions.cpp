#include "local/s3/iam_permissions.hpp"

#include <array>
#include <string>
#include <utility>

namespace csv2ddb::local::s3 {
namespace {

enum class On : std::uint8_t { kAnyBucket, kBucket, kObject };

struct ActionFor {
  std::string_view operation;
  std::string_view action;
  On on;
};

// Several operations share an action: a multipart upload is s3:PutObject throughout, a
// HeadObject is s3:GetObject, a HeadBucket is s3:ListBucket.
constexpr std::array kActions{
    ActionFor{"ListBuckets", "s3:ListAllMyBuckets", On::kAnyBucket},
    ActionFor{"CreateBucket", "s3:CreateBucket", On::kBucket},
    ActionFor{"DeleteBucket", "s3:DeleteBucket", On::kBucket},
    ActionFor{"HeadBucket", "s3:ListBucket", On::kBucket},
    ActionFor{"ListObjects", "s3:ListBucket", On::kBucket},
    ActionFor{"ListObjectsV2", "s3:ListBucket", On::kBucket},
    ActionFor{"GetBucketLocation", "s3:GetBucketLocation", On::kBucket},
    ActionFor{"PutBucketNotificationConfiguration", "s3:PutBucketNotification", On::kBucket},
    ActionFor{"GetBucketNotificationConfiguration", "s3:GetBucketNotification", On::kBucket},
    // DeleteObjects needs s3:DeleteObject on every key it names; checking the whole bucket is
    // stricter, never looser, than AWS.
    ActionFor{"DeleteObjects", "s3:DeleteObject", On::kBucket},
    ActionFor{"PutObject", "s3:PutObject", On::kObject},
    ActionFor{"CopyObject", "s3:PutObject", On::kObject},
    ActionFor{"CreateMultipartUpload", "s3:PutObject", On::kObject},
    ActionFor{"UploadPart", "s3:PutObject", On::kObject},
    ActionFor{"CompleteMultipartUpload", "s3:PutObject", On::kObject},
    ActionFor{"AbortMultipartUpload", "s3:AbortMultipartUpload", On::kObject},
    ActionFor{"ListParts", "s3:ListMultipartUploadParts", On::kObject},
    ActionFor{"GetObject", "s3:GetObject", On::kObject},
    ActionFor{"HeadObject", "s3:GetObject", On::kObject},
    ActionFor{"DeleteObject", "s3:DeleteObject", On::kObject},
};

}  // namespace

std::vector<iam::Permission> permissions_for(std::string_view operation, std::string_view bucket,
                                             std::string_view key, std::string_view copy_source) {
  const std::string bucket_arn = "arn:aws:s3:::" + std::string(bucket);
  for (const ActionFor& entry : kActions) {
    if (entry.operation != operation) continue;
    std::vector<iam::Permission> needed;
    switch (entry.on) {
      case On::kAnyBucket:
        needed.push_back({std::string(entry.action), "*"});
        break;
      case On::kBucket:
        needed.push_back({std::string(entry.action),
                          entry.operation == "DeleteObjects" ? bucket_arn + "/*" : bucket_arn});
        break;
      case On::kObject:
        needed.push_back({std::string(entry.action), bucket_arn + "/" + std::string(key)});
        break;
    }
    if (operation == "CopyObject" && !copy_source.empty()) {
      needed.push_back({"s3:GetObject", "arn:aws:s3:::" + std::string(copy_source)});
    }
    return needed;
  }
  // An operation we route but have no entry for: its own name, as s3:<Operation>.
  return {{"s3:" + std::string(operation), bucket_arn}};
}

}  // namespace csv2ddb::local::s3
