// Delivery of a failed asynchronous invocation's record to its S3 on-failure destination, as
// Lambda delivers it: a PutObject into the bucket, signed with the function's execution role
// (whose policy must allow it, as on AWS), through the local AWS's own S3 API.
#pragma once

#include <string>

#include "common/result.hpp"
#include "local/lambda/function_config.hpp"

namespace csv2ddb::local::lambda {

// `destination` is the bucket's ARN (arn:aws:s3:::NAME). Errors: InvalidDestination, or the
// PutObject's own error.
Status put_failure_record(const std::string& endpoint_url, const std::string& region,
                          const FunctionConfig& function, const std::string& key,
                          const std::string& record);

}  // namespace csv2ddb::local::lambda
