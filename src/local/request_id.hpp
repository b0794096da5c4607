// Request ids in the form the services use (x-amzn-RequestId, x-amz-request-id): unique per
// process run, cheap, not secret.
#pragma once

#include <string>

namespace csv2ddb::local {

// 52 upper-case alphanumerics, like DynamoDB's request ids.
std::string new_request_id();

}  // namespace csv2ddb::local
