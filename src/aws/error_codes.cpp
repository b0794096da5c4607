#include "aws/error_codes.hpp"

#include <algorithm>
#include <array>

namespace csv2ddb::aws {
namespace {

struct RetryRule {
  std::string_view code;
  RetryClass retry;
};

// The SDKs' standard-mode lists (throttling, transient), DynamoDB's own throttling codes, the
// transport failures of our HttpClient, and the clock-skew codes.
constexpr std::array kRetryRules{
    RetryRule{"Throttling", RetryClass::kThrottling},
    RetryRule{"ThrottlingException", RetryClass::kThrottling},
    RetryRule{"ThrottledException", RetryClass::kThrottling},
    RetryRule{"RequestThrottledException", RetryClass::kThrottling},
    RetryRule{"TooManyRequestsException", RetryClass::kThrottling},
    RetryRule{code::kProvisionedThroughputExceededException, RetryClass::kThrottling},
    RetryRule{"TransactionInProgressException", RetryClass::kThrottling},
    RetryRule{"RequestLimitExceeded", RetryClass::kThrottling},
    RetryRule{"BandwidthLimitExceeded", RetryClass::kThrottling},
    RetryRule{"LimitExceededException", RetryClass::kThrottling},
    RetryRule{"RequestThrottled", RetryClass::kThrottling},
    RetryRule{code::kSlowDown, RetryClass::kThrottling},
    RetryRule{"EC2ThrottledException", RetryClass::kThrottling},
    RetryRule{"ThrottlingError", RetryClass::kThrottling},
    RetryRule{code::kRequestTimeout, RetryClass::kTransient},
    RetryRule{"RequestTimeoutException", RetryClass::kTransient},
    RetryRule{"PriorRequestNotComplete", RetryClass::kTransient},
    RetryRule{code::kInternalError, RetryClass::kTransient},
    RetryRule{code::kInternalServerError, RetryClass::kTransient},
    RetryRule{code::kInternalFailure, RetryClass::kTransient},
    RetryRule{code::kServiceUnavailable, RetryClass::kTransient},
    RetryRule{"ServiceUnavailableException", RetryClass::kTransient},
    RetryRule{"IDPCommunicationError", RetryClass::kTransient},
    RetryRule{code::kConnectionRefused, RetryClass::kTransient},
    RetryRule{code::kConnectionReset, RetryClass::kTransient},
    RetryRule{code::kConnectionFailed, RetryClass::kTransient},
    RetryRule{code::kDnsFailure, RetryClass::kTransient},
    RetryRule{code::kRequestTimeTooSkewed, RetryClass::kClockSkew},
    RetryRule{code::kRequestExpired, RetryClass::kClockSkew},
    RetryRule{code::kRequestInTheFuture, RetryClass::kClockSkew},
};

// Answers no retry or split can fix: the table is gone, or the caller may not write it.
constexpr std::array kRunEndingCodes{
    code::kResourceNotFoundException,
    code::kAccessDeniedException,
    code::kAccessDenied,
    code::kUnrecognizedClientException,
    code::kInvalidSignatureException,
    code::kIncompleteSignatureException,
    code::kMissingAuthenticationToken,
    code::kMissingAuthenticationTokenException,
    code::kInvalidClientTokenId,
    code::kExpiredTokenException,
    code::kSignatureDoesNotMatch,
    code::kUnknownOperationException,
    code::kTlsError,
};

struct CodeStatus {
  std::string_view code;
  int status;
};

// From S3's error-code reference.
constexpr std::array kS3Statuses{
    CodeStatus{code::kAccessDenied, 403},
    CodeStatus{"BadDigest", 400},
    CodeStatus{"BucketAlreadyExists", 409},
    CodeStatus{code::kBucketAlreadyOwnedByYou, 409},
    CodeStatus{"BucketNotEmpty", 409},
    CodeStatus{"EntityTooLarge", 400},
    CodeStatus{"EntityTooSmall", 400},
    CodeStatus{"IncompleteBody", 400},
    CodeStatus{code::kInternalError, 500},
    CodeStatus{code::kInvalidAccessKeyId, 403},
    CodeStatus{"InvalidArgument", 400},
    CodeStatus{"InvalidBucketName", 400},
    CodeStatus{"InvalidDigest", 400},
    CodeStatus{"InvalidPart", 400},
    CodeStatus{"InvalidPartNumber", 416},
    CodeStatus{"InvalidPartOrder", 400},
    CodeStatus{code::kInvalidRange, 416},
    CodeStatus{"InvalidRequest", 400},
    CodeStatus{"InvalidURI", 400},
    CodeStatus{"KeyTooLongError", 400},
    CodeStatus{"MalformedXML", 400},
    CodeStatus{"MethodNotAllowed", 405},
    CodeStatus{"MissingContentLength", 411},
    CodeStatus{code::kNoSuchBucket, 404},
    CodeStatus{code::kNoSuchKey, 404},
    CodeStatus{code::kNoSuchUpload, 404},
    CodeStatus{code::kNotImplemented, 501},
    CodeStatus{code::kPreconditionFailed, 412},
    CodeStatus{code::kRequestEntityTooLarge, 413},
    CodeStatus{code::kRequestTimeTooSkewed, 403},
    CodeStatus{code::kSignatureDoesNotMatch, 403},
    CodeStatus{"XAmzContentSHA256Mismatch", 400},
    CodeStatus{code::kInvalidSignatureException, 403},
    CodeStatus{code::kAuthorizationHeaderMalformed, 400},
    CodeStatus{"AuthorizationQueryParametersError", 400},
    CodeStatus{code::kSlowDown, 503},
};

// The statuses a bare S3 answer (HEAD) stands for; the reverse of the table's main codes.
constexpr std::array kS3BareStatuses{
    CodeStatus{"PermanentRedirect", 301}, CodeStatus{"NotModified", 304},
    CodeStatus{code::kBadRequest, 400},   CodeStatus{code::kForbidden, 403},
    CodeStatus{code::kNotFound, 404},     CodeStatus{code::kPreconditionFailed, 412},
    CodeStatus{code::kInvalidRange, 416}, CodeStatus{code::kInternalError, 500},
    CodeStatus{code::kSlowDown, 503},
};

constexpr std::array kDynamoDbStatuses{
    CodeStatus{code::kInternalServerError, 500},
    CodeStatus{code::kInternalFailure, 500},
    CodeStatus{code::kServiceUnavailable, 503},
    CodeStatus{code::kRequestEntityTooLarge, 413},
};

constexpr std::array kLambdaStatuses{
    CodeStatus{code::kResourceNotFoundException, 404},
    CodeStatus{code::kRequestTooLargeException, 413},
    CodeStatus{code::kRequestEntityTooLarge, 413},
    CodeStatus{code::kResourceConflictException, 409},
    CodeStatus{code::kAccessDeniedException, 403},
    CodeStatus{code::kInvalidSignatureException, 403},
    CodeStatus{code::kUnrecognizedClientException, 403},
    CodeStatus{code::kIncompleteSignatureException, 403},
    CodeStatus{code::kMissingAuthenticationTokenException, 403},
    CodeStatus{code::kInvalidClientTokenId, 403},
    CodeStatus{code::kSignatureDoesNotMatch, 403},
    CodeStatus{code::kServiceException, 500},
};

constexpr std::array kStsStatuses{
    CodeStatus{code::kAccessDenied, 403},
    CodeStatus{code::kInvalidClientTokenId, 403},
    CodeStatus{code::kSignatureDoesNotMatch, 403},
    CodeStatus{code::kRequestEntityTooLarge, 413},
};

constexpr std::array kSsoStatuses{
    CodeStatus{code::kUnauthorizedException, 401},
    CodeStatus{code::kForbiddenException, 403},
    CodeStatus{code::kResourceNotFoundException, 404},
};

struct CodePair {
  std::string_view from;
  std::string_view to;
};

constexpr std::array kStsAuthCodes{
    CodePair{code::kUnrecognizedClientException, code::kInvalidClientTokenId},
    CodePair{code::kInvalidSignatureException, code::kSignatureDoesNotMatch},
    CodePair{code::kExpiredTokenException, code::kExpiredToken},
    CodePair{code::kMissingAuthenticationTokenException, code::kMissingAuthenticationToken},
};

template <std::size_t N>
int status_in(const std::array<CodeStatus, N>& table, std::string_view code, int otherwise) {
  const auto* found = std::find_if(table.begin(), table.end(),
                                   [&](const CodeStatus& entry) { return entry.code == code; });
  return found == table.end() ? otherwise : found->status;
}

bool is_transient_status(int http_status) {
  return http_status == 0 || http_status == 500 || http_status == 502 || http_status == 503 ||
         http_status == 504;
}

}  // namespace

RetryClass classify_retry(int http_status, std::string_view code, std::string_view message) {
  const auto* rule = std::find_if(kRetryRules.begin(), kRetryRules.end(),
                                  [&](const RetryRule& entry) { return entry.code == code; });
  if (rule != kRetryRules.end()) return rule->retry;
  // DynamoDB says a signature is stale in the message of a code it also uses for bad ones.
  if (code == code::kInvalidSignatureException &&
      (message.find("Signature expired") != std::string_view::npos ||
       message.find("Signature not yet current") != std::string_view::npos)) {
    return RetryClass::kClockSkew;
  }
  if (http_status == 429) return RetryClass::kThrottling;
  if (is_transient_status(http_status)) return RetryClass::kTransient;
  return RetryClass::kNone;
}

bool ends_batch_writes(std::string_view code) {
  return std::find(kRunEndingCodes.begin(), kRunEndingCodes.end(), code) != kRunEndingCodes.end();
}

int s3_error_status(std::string_view code) {
  return status_in(kS3Statuses, code, 400);
}

int dynamodb_error_status(std::string_view code) {
  return status_in(kDynamoDbStatuses, code, 400);
}

int lambda_error_status(std::string_view code) {
  return status_in(kLambdaStatuses, code, 400);
}

int sts_error_status(std::string_view code) {
  return status_in(kStsStatuses, code, 400);
}

int sso_error_status(std::string_view code) {
  return status_in(kSsoStatuses, code, 400);
}

std::string_view sts_auth_code(std::string_view json_service_code) {
  for (const CodePair& pair : kStsAuthCodes) {
    if (pair.from == json_service_code) return pair.to;
  }
  return json_service_code;
}

std::string status_error_code(int http_status) {
  const auto* found =
      std::find_if(kS3BareStatuses.begin(), kS3BareStatuses.end(),
                   [&](const CodeStatus& entry) { return entry.status == http_status; });
  if (found != kS3BareStatuses.end()) return std::string(found->code);
  return "HttpStatus" + std::to_string(http_status);
}

bool has_code(const Error& error, std::string_view code) {
  return error.code == code;
}

bool is_missing_object(const Error& error) {
  return has_code(error, code::kNoSuchKey) || has_code(error, code::kNotFound);
}

bool is_precondition_failed(const Error& error) {
  return has_code(error, code::kPreconditionFailed);
}

bool is_refused_by_status(const Error& error) {
  return has_code(error, code::kForbidden) || has_code(error, code::kNotFound) ||
         has_code(error, code::kBadRequest);
}

}  // namespace csv2ddb::aws
