// The IAM action each S3 operation needs, on which resource, as the S3 documentation's
// "Actions, resources, and condition keys" lists them: object operations on
// arn:aws:s3:::BUCKET/KEY, bucket operations on arn:aws:s3:::BUCKET.
#pragma once

#include <string_view>
#include <vector>

#include "local/iam/identity_store.hpp"

namespace csv2ddb::local::s3 {

// `operation` is the route's name ("GetObject"); `copy_source` is CopyObject's decoded
// "bucket/key" source, "" otherwise.
std::vector<iam::Permission> permissions_for(std::string_view operation, std::string_view bucket,
                                             std::string_view key, std::string_view copy_source);

}  // namespace csv2ddb::local::s3
