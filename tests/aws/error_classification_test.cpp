// The one table from a wire error to a retry decision (aws/error_codes.hpp): the SDKs' standard
// mode lists, by code and by status.
#include <gtest/gtest.h>

#include "aws/error_codes.hpp"

namespace csv2ddb::aws {
namespace {

TEST(ClassifyRetry, StandardModeTable) {
  struct Case {
    int status;
    const char* code;
    RetryClass expected;
  };
  const Case cases[] = {
      {400, "ProvisionedThroughputExceededException", RetryClass::kThrottling},
      {400, "ThrottlingException", RetryClass::kThrottling},
      {400, "Throttling", RetryClass::kThrottling},
      {400, "ThrottledException", RetryClass::kThrottling},
      {400, "RequestThrottledException", RetryClass::kThrottling},
      {429, "TooManyRequestsException", RetryClass::kThrottling},
      {400, "TransactionInProgressException", RetryClass::kThrottling},
      {400, "RequestLimitExceeded", RetryClass::kThrottling},
      {400, "BandwidthLimitExceeded", RetryClass::kThrottling},
      {400, "LimitExceededException", RetryClass::kThrottling},
      {400, "RequestThrottled", RetryClass::kThrottling},
      {503, "SlowDown", RetryClass::kThrottling},
      {400, "EC2ThrottledException", RetryClass::kThrottling},
      {429, "", RetryClass::kThrottling},
      {400, "RequestTimeout", RetryClass::kTransient},
      {408, "RequestTimeoutException", RetryClass::kTransient},
      {400, "PriorRequestNotComplete", RetryClass::kTransient},
      {500, "InternalServerError", RetryClass::kTransient},
      {500, "", RetryClass::kTransient},
      {502, "", RetryClass::kTransient},
      {503, "ServiceUnavailable", RetryClass::kTransient},
      {504, "", RetryClass::kTransient},
      {0, "", RetryClass::kTransient},  // no response: connection error or timeout
      {400, "ValidationException", RetryClass::kNone},
      {403, "AccessDeniedException", RetryClass::kNone},
      {403, "AccessDenied", RetryClass::kNone},
      {400, "ResourceNotFoundException", RetryClass::kNone},
      {400, "UnrecognizedClientException", RetryClass::kNone},
      {403, "InvalidSignatureException", RetryClass::kNone},
      {400, "ConditionalCheckFailedException", RetryClass::kNone},
      {404, "NoSuchKey", RetryClass::kNone},
      {501, "NotImplemented", RetryClass::kNone},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(classify_retry(c.status, c.code, ""), c.expected) << c.status << " " << c.code;
  }
}

}  // namespace
}  // namespace csv2ddb::aws
