// The AWS error codes csv2ddb decides on, named once, per protocol, and the tables that turn a
// wire code into a decision: how to retry it, whether it ends a batch-writing run, and the HTTP
// status each service sends it with. The clients (decoding, retrying) and the local AWS
// (answering) read the same tables, so they agree by construction.
//
// Decisions compare an Error's code with these names or ask the predicates below, never with a
// string literal in place: tests/lint/check_error_codes.py fails the suite on such a comparison
// outside this file's implementation.
#pragma once

#include <string>
#include <string_view>

#include "common/result.hpp"
#include "common/retry_policy.hpp"

namespace csv2ddb::aws::code {

// No response at all: HttpClient's transport failures (curl_errors.cpp).
inline constexpr std::string_view kConnectionRefused = "ConnectionRefused";
inline constexpr std::string_view kConnectionFailed = "ConnectionFailed";
inline constexpr std::string_view kConnectionReset = "ConnectionReset";
inline constexpr std::string_view kRequestTimeout = "RequestTimeout";
inline constexpr std::string_view kDnsFailure = "DnsFailure";
inline constexpr std::string_view kTlsError = "TlsError";
inline constexpr std::string_view kHttpTransportError = "HttpTransportError";

// Signatures and credentials (every service).
inline constexpr std::string_view kAccessDenied = "AccessDenied";
inline constexpr std::string_view kAccessDeniedException = "AccessDeniedException";
inline constexpr std::string_view kSignatureDoesNotMatch = "SignatureDoesNotMatch";
inline constexpr std::string_view kInvalidSignatureException = "InvalidSignatureException";
inline constexpr std::string_view kIncompleteSignatureException = "IncompleteSignatureException";
inline constexpr std::string_view kInvalidAccessKeyId = "InvalidAccessKeyId";
inline constexpr std::string_view kInvalidClientTokenId = "InvalidClientTokenId";
inline constexpr std::string_view kUnrecognizedClientException = "UnrecognizedClientException";
inline constexpr std::string_view kMissingAuthenticationToken = "MissingAuthenticationToken";
inline constexpr std::string_view kMissingAuthenticationTokenException =
    "MissingAuthenticationTokenException";
inline constexpr std::string_view kExpiredTokenException = "ExpiredTokenException";
inline constexpr std::string_view kRequestTimeTooSkewed = "RequestTimeTooSkewed";
inline constexpr std::string_view kRequestExpired = "RequestExpired";
inline constexpr std::string_view kRequestInTheFuture = "RequestInTheFuture";
inline constexpr std::string_view kAuthorizationHeaderMalformed = "AuthorizationHeaderMalformed";

// S3, and the codes its clients infer from a bare status (HEAD has no body).
inline constexpr std::string_view kNoSuchBucket = "NoSuchBucket";
inline constexpr std::string_view kBucketNotEmpty = "BucketNotEmpty";
inline constexpr std::string_view kNoSuchKey = "NoSuchKey";
inline constexpr std::string_view kNoSuchUpload = "NoSuchUpload";
inline constexpr std::string_view kNotFound = "NotFound";
inline constexpr std::string_view kForbidden = "Forbidden";
inline constexpr std::string_view kBadRequest = "BadRequest";
inline constexpr std::string_view kPreconditionFailed = "PreconditionFailed";
inline constexpr std::string_view kInvalidRange = "InvalidRange";
inline constexpr std::string_view kBucketAlreadyOwnedByYou = "BucketAlreadyOwnedByYou";
inline constexpr std::string_view kInternalError = "InternalError";
inline constexpr std::string_view kNotImplemented = "NotImplemented";
inline constexpr std::string_view kSlowDown = "SlowDown";
inline constexpr std::string_view kRequestEntityTooLarge = "RequestEntityTooLarge";

// DynamoDB.
inline constexpr std::string_view kResourceNotFoundException = "ResourceNotFoundException";
inline constexpr std::string_view kResourceInUseException = "ResourceInUseException";
inline constexpr std::string_view kValidationException = "ValidationException";
inline constexpr std::string_view kSerializationException = "SerializationException";
inline constexpr std::string_view kUnknownOperationException = "UnknownOperationException";
inline constexpr std::string_view kInternalServerError = "InternalServerError";
inline constexpr std::string_view kInternalFailure = "InternalFailure";
inline constexpr std::string_view kServiceUnavailable = "ServiceUnavailable";
inline constexpr std::string_view kProvisionedThroughputExceededException =
    "ProvisionedThroughputExceededException";
inline constexpr std::string_view kConditionalCheckFailedException =
    "ConditionalCheckFailedException";

// Lambda.
inline constexpr std::string_view kRequestTooLargeException = "RequestTooLargeException";
inline constexpr std::string_view kResourceConflictException = "ResourceConflictException";
inline constexpr std::string_view kServiceException = "ServiceException";
inline constexpr std::string_view kTooManyRequestsException = "TooManyRequestsException";

// Errors of our own making that callers decide on.
inline constexpr std::string_view kFileNotFound = "FileNotFound";

// STS and the SSO portal.
inline constexpr std::string_view kExpiredToken = "ExpiredToken";
inline constexpr std::string_view kUnauthorizedException = "UnauthorizedException";
inline constexpr std::string_view kForbiddenException = "ForbiddenException";

}  // namespace csv2ddb::aws::code

namespace csv2ddb::aws {

// The standard-mode classification of an error code and status (the SDKs' lists, plus
// DynamoDB's own): the code wins where it is known (DynamoDB throttles with a 400), else the
// status (429 throttling; 0 = no response, 500, 502, 503, 504 transient). Clock skew is its own
// class: the clients correct their clock and sign again.
RetryClass classify_retry(int http_status, std::string_view code, std::string_view message);

// Answers that no retry and no split of a batch can fix (no such table, credentials,
// signatures, access): a run that meets one stops.
bool ends_batch_writes(std::string_view code);

// The status each service answers a code with.
int s3_error_status(std::string_view code);        // S3's error-code reference; 400 otherwise
int dynamodb_error_status(std::string_view code);  // 500/503/413 for those; 400 otherwise
int lambda_error_status(std::string_view code);    // 404/413/409/403/500; 400 otherwise
int sts_error_status(std::string_view code);       // 403 for refusals; 400 otherwise
int sso_error_status(std::string_view code);       // 401/403/404; 400 otherwise
// The code STS answers an authentication failure with, from the code the JSON services use
// (the local authenticator speaks DynamoDB's dialect): InvalidClientTokenId,
// SignatureDoesNotMatch, ExpiredToken, MissingAuthenticationToken; others unchanged.
std::string_view sts_auth_code(std::string_view json_service_code);

// The code S3 implies by a status alone, for responses without a body (HEAD): 404 NotFound,
// 403 Forbidden, 412 PreconditionFailed, 301 PermanentRedirect, 304 NotModified, 400 BadRequest,
// 416 InvalidRange, 500 InternalError, 503 SlowDown; "HttpStatus<N>" otherwise.
std::string status_error_code(int http_status);

// Decisions callers make on S3 answers.
// The object is not there: NoSuchKey, or a bare 404 (NotFound).
bool is_missing_object(const Error& error);
// A conditional request (If-Match) failed: the object changed.
bool is_precondition_failed(const Error& error);
// The request reached the service and was refused for good (403, 404, 400 without a body).
bool is_refused_by_status(const Error& error);
bool has_code(const Error& error, std::string_view code);

}  // namespace csv2ddb::aws
