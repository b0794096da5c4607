// Presigned S3 URLs into the local AWS, signed with the account's own key: a custom resource's
// ResponseURL, the console's downloads and uploads.
#pragma once

#include <chrono>
#include <string>

#include "local/local_aws.hpp"

namespace csv2ddb::local {

// "/bucket/key?X-Amz-..." for `method`, signed for the Host `host` ("127.0.0.1:4566"), valid for
// `expires`; "" when signing fails.
std::string presigned_s3_path(const ControlPlane& control, const std::string& host,
                              const std::string& method, const std::string& bucket,
                              const std::string& key, std::chrono::seconds expires);

}  // namespace csv2ddb::local
