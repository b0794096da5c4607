// Request ids in the form the services use (x-amzn-RequestId, x-amz-request-id): unique per
// process run, cheap, not secret.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace csv2ddb::local {

// 52 upper-case alphanumerics, like DynamoDB's request ids.
std::string new_request_id();

}  // namespace csv2ddb::local

namespace csv2ddb::local {

// A random version-4 UUID ("1b4e28ba-2fa1-41d2-883f-0016d3cca427"): Lambda's request ids and
// CloudFormation's. From the OS's random source.
std::string new_uuid();

// `length` characters from `alphabet`, from the OS's random source: access keys and secrets
// the local AWS issues.
std::string random_token(std::size_t length, std::string_view alphabet);

// The alphabets of the keys the local AWS issues: access key ids (after "ASIA") and secrets.
inline constexpr std::string_view kAccessKeyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
inline constexpr std::string_view kSecretAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

}  // namespace csv2ddb::local
