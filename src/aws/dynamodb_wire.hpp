// DynamoDB's JSON 1.0 protocol, as its client (dynamodb_client.hpp) sends it and the local
// DynamoDB (src/local/dynamodb) routes and answers it: POST / with
// X-Amz-Target: DynamoDB_20120810.<Operation>. Error bodies: aws_error.hpp.
#pragma once

#include <string_view>

namespace csv2ddb::aws {

inline constexpr std::string_view kDynamoDbTargetPrefix = "DynamoDB_20120810.";
inline constexpr std::string_view kDynamoDbContentType = "application/x-amz-json-1.0";

}  // namespace csv2ddb::aws
