// Server-side SigV4: parse what a client sent (an Authorization header or presigned query
// parameters), then rebuild the signature with the same steps the signer uses and compare.
// Errors carry the error codes and messages the real services answer with, so a client SDK
// reacts to the local AWS exactly as to AWS (e.g. botocore corrects its clock on
// RequestTimeTooSkewed / "Signature expired").
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aws/sigv4.hpp"
#include "common/result.hpp"

namespace csv2ddb::aws {

// Which service is verifying: it decides the canonicalization rules (S3 neither double-encodes
// nor normalizes the path, and takes the payload hash from x-amz-content-sha256) and which
// error codes and messages come back.
enum class AuthDialect : std::uint8_t { kDynamoDb, kS3 };

struct ParsedAuthorization {
  AuthDialect dialect = AuthDialect::kDynamoDb;
  bool presigned = false;
  std::string access_key_id;
  std::string date;  // YYYYMMDD from the credential scope
  std::string region;
  std::string service;
  std::vector<std::string> signed_headers;  // lower-case, as the client listed them
  std::string signature;                    // 64 lower-case hex digits
  // Presigned only: the request time and lifetime from the query.
  std::string amz_date;
  std::int64_t expires_seconds = 0;
  std::string session_token;
};

// "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/service/aws4_request,
//  SignedHeaders=host;x-amz-date, Signature=<64 hex>".
// Errors: IncompleteSignatureException (DynamoDB) or AuthorizationHeaderMalformed (S3).
Result<ParsedAuthorization> parse_authorization_header(std::string_view value, AuthDialect dialect);
// X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders,
// X-Amz-Signature from a wire query. Errors: AuthorizationQueryParametersError (S3) or
// IncompleteSignatureException (DynamoDB).
Result<ParsedAuthorization> parse_presigned_query(std::string_view wire_query, AuthDialect dialect);
// Whichever form the request carries. No authentication at all is MissingAuthenticationToken
// (DynamoDB) or AccessDenied (S3).
Result<ParsedAuthorization> parse_request_authorization(const SignableRequest& request,
                                                        AuthDialect dialect);

// Returns the secret access key of a known access key id, or nothing for an unknown one.
using SecretLookup = std::function<std::optional<std::string>(std::string_view access_key_id)>;

// Checks the request against what the client signed.
//  - request: as received; headers include Authorization and X-Amz-Date, query includes any
//    X-Amz-* parameters. payload_hash: the SHA-256 hex of the body as received. For S3 it may be
//    "" when the body has not been read yet: the signed hash is then taken from
//    x-amz-content-sha256 alone (the caller checks the body against it as it streams).
//  - now, allowed_skew: the request time must lie within now ± allowed_skew (5 minutes for
//    DynamoDB, 15 for S3); a presigned URL is good from X-Amz-Date to X-Amz-Date + X-Amz-Expires.
// Errors: UnrecognizedClientException / InvalidAccessKeyId (unknown key),
// InvalidSignatureException / SignatureDoesNotMatch (wrong signature),
// InvalidSignatureException "Signature expired..." / RequestTimeTooSkewed (stale time),
// AccessDenied "Request has expired" (presigned), XAmzContentSHA256Mismatch (S3 body hash),
// IncompleteSignatureException / AuthorizationHeaderMalformed (inconsistent dates, no Host).
// Messages never contain a secret.
Status verify(const SignableRequest& request, const ParsedAuthorization& parsed,
              const SecretLookup& secret_lookup, std::chrono::system_clock::time_point now,
              std::chrono::seconds allowed_skew);

// Everything verify() checks but the signature itself, for a key whose secret is not known
// (the local AWS's --auth open takes such keys on trust, but still holds their requests to the
// clock: RequestTimeTooSkewed / "Signature expired", consistent dates, Host signed).
Status verify_without_secret(const SignableRequest& request, const ParsedAuthorization& parsed,
                             std::chrono::system_clock::time_point now,
                             std::chrono::seconds allowed_skew);

}  // namespace csv2ddb::aws
