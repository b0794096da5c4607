// One error type for everything an AWS call can come back with: an error response from S3
// (XML), DynamoDB (JSON with __type) or Lambda (x-amzn-ErrorType), or a transport failure
// with no response at all. Decoders turn each service's wire form into AwsError; encoders write
// the same wire forms (for the local AWS), so client and server agree by construction. The
// retry class follows the AWS SDKs' standard retry mode (error_codes.hpp holds the tables).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "aws/error_codes.hpp"
#include "aws/http_types.hpp"
#include "common/result.hpp"
#include "common/retry_policy.hpp"

namespace csv2ddb::aws {

struct AwsError {
  int http_status = 0;  // 0 when no response arrived (transport error)
  std::string code;     // "NoSuchKey", "ResourceNotFoundException", "ConnectionReset"...
  std::string message;  // the service's message, verbatim
  std::string request_id;
  RetryClass retry = RetryClass::kNone;

  bool retryable() const { return retry != RetryClass::kNone; }
  bool throttling() const { return retry == RetryClass::kThrottling; }
  // "NoSuchKey: The specified key does not exist. (HTTP 404, request id 4442587FB7D0A2F9)".
  std::string to_string() const;
  // code, and the message with the status and request id appended (see to_string).
  Error to_error() const;
};

// A transport failure from HttpClient (ConnectionRefused, RequestTimeout, ConnectionReset,
// DnsFailure, TlsError...): http_status 0, classified transient except for TLS failures.
AwsError from_transport_error(const Error& error);

// S3: <Error><Code/><Message/><RequestId/>...</Error>; request id falls back to the
// x-amz-request-id header; a missing or unreadable body gives status_error_code().
AwsError decode_s3_error(int http_status, const HeaderList& headers, std::string_view body);
// DynamoDB: {"__type":"com.amazonaws.dynamodb.v20120810#Code","message":"..."} (or "Message");
// request id from x-amzn-RequestId. A body without a type gives x-amzn-ErrorType, else a code
// from the status (500 InternalServerError, 503 ServiceUnavailable, then as status_error_code).
AwsError decode_dynamodb_error(int http_status, const HeaderList& headers, std::string_view body);
// Lambda: the code from x-amzn-ErrorType (anything after ':' dropped), else the body's __type
// or Type; the message from the body's message or Message; request id from x-amzn-RequestId.
AwsError decode_lambda_error(int http_status, const HeaderList& headers, std::string_view body);

// The wire forms the services write.
std::string encode_s3_error(std::string_view code, std::string_view message,
                            std::string_view resource, std::string_view request_id);
// `members`: more members of the document, as JSON text ("\"Item\":{...}"), or "".
std::string encode_dynamodb_error(std::string_view code, std::string_view message,
                                  std::string_view members = {});

}  // namespace csv2ddb::aws
