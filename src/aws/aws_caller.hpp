// The signed-call core every service client sits on: build the request, sign it, send it,
// decode a failure into AwsError, and retry what is worth retrying.
//
// - Every attempt is signed afresh, with the current credentials (the chain refreshes temporary
//   ones) and the skew-corrected time (ClockSkew::process_wide()), so a retry after a long
//   backoff never carries a stale signature.
// - RequestTimeTooSkewed / RequestExpired / "Signature expired": the server's Date header
//   corrects the process-wide clock and the request goes again, once per call. This costs no
//   retry token: it is our clock that was wrong, not the service that is overloaded. A bare
//   401/403 whose Date is minutes away from our signing time counts too (S3's HEAD has no body
//   to carry RequestTimeTooSkewed; clock_skew.hpp).
// - Throttling and transient failures (5xx, dropped connections, timeouts) follow the engine's
//   RetryPolicy (standard mode: full-jitter backoff, a retry quota shared by every call of the
//   caller). RetryMode::kSingleAttempt turns that off for callers that retry on their own (the
//   ingest lanes around BatchWriteItem).
// - X-Amzn-Trace-Id: HttpClient copies _X_AMZN_TRACE_ID into every request; it is not signed.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "aws/aws_error.hpp"
#include "aws/credentials.hpp"
#include "aws/endpoints.hpp"
#include "aws/http_client.hpp"
#include "aws/sigv4.hpp"
#include "common/client_rate_limiter.hpp"
#include "common/result.hpp"
#include "common/retry_policy.hpp"

namespace csv2ddb::aws {

// How a service writes its errors.
enum class ErrorDialect : std::uint8_t { kS3Xml, kDynamoDbJson, kLambda };

// One service at one endpoint.
struct ServiceConfig {
  std::string service;  // the signing name: "s3", "dynamodb", "lambda"
  std::string region;
  Endpoint endpoint;
  ErrorDialect dialect = ErrorDialect::kDynamoDbJson;
  bool force_path_style = false;  // S3 only: path style even for AWS endpoints
  // The whole-request limit of every request that sets none (AwsRequest::timeout).
  std::optional<std::chrono::milliseconds> request_timeout;
};

enum class RetryMode : std::uint8_t {
  kStandard,       // the RetryPolicy decides (throttling and transient errors retried)
  kSingleAttempt,  // one attempt; only a clock-skew correction goes again
};

struct AwsRequest {
  std::string method = "GET";
  // The whole URL, as on the wire: percent-encoded path, encoded query.
  std::string url;
  HeaderList headers;  // besides Host and the signature's, e.g. Content-Type, X-Amz-Target
  std::string body;    // used when `source` is not set
  // A streamed body; `payload_hash` must then be its SHA-256 hex or kUnsignedPayload.
  std::optional<BodySource> source;
  std::string payload_hash;  // "" = computed from `body`
  // Called before a retry when part of a response body already went to the sink; it must
  // undo what the sink received and return true. Without it such a call is not retried.
  std::function<bool()> reset_sink;
  std::optional<std::chrono::milliseconds> timeout;
  RetryMode retry_mode = RetryMode::kStandard;
  // Sent unsigned, with no credentials (STS AssumeRoleWithWebIdentity, whose token is the proof).
  bool anonymous = false;
};

// Sends one HTTP request. The default sends with an HttpClient; tests substitute a recorder.
using Transport = std::function<Result<HttpResponse>(const HttpRequest&, const BodySink&)>;
Transport http_transport(std::shared_ptr<HttpClient> client);

struct AwsCallerOptions {
  RetryConfig retry;
  RandomSource* random = nullptr;  // default: default_random_source()
  Sleeper* sleeper = nullptr;      // default: default_sleeper()
  // The signing time; default ClockSkew::process_wide().now().
  std::function<SystemTime()> clock;
};

// What one call took: attempts sent and clock corrections made.
struct CallStats {
  int attempts = 0;
  int clock_corrections = 0;
};

class AwsCaller {
 public:
  AwsCaller(ServiceConfig service, std::shared_ptr<CredentialsChain> credentials,
            Transport transport, AwsCallerOptions options = {});

  // Sends the request (with retries per its retry_mode). A response with a 2xx status is a
  // success; with a sink, its body goes there. Anything else is an Error whose code is the
  // service's (or the transport's) and whose message names the service and operation; when
  // `failure` is given it receives the decoded AwsError (status and retry class included).
  // The request is taken by value so that its body moves into each attempt and back rather
  // than being copied per attempt (a BatchWriteItem body is tens of KB, an UploadPart's MBs).
  Result<HttpResponse> call(std::string_view operation, AwsRequest request,
                            const BodySink& sink = {}, AwsError* failure = nullptr,
                            CallStats* stats = nullptr);

  // Builds and signs one attempt without sending it (golden files, presigning tests).
  Result<HttpRequest> sign(const AwsRequest& request, const Credentials& credentials,
                           SystemTime time) const;

  const ServiceConfig& service() const { return service_; }
  // The URL of a path on the endpoint ("/" for DynamoDB and Lambda's JSON APIs).
  std::string url(std::string_view path_and_query) const;

 private:
  // sign() without copying the body: the attempt's HttpRequest comes back with an empty body,
  // signed for the request's body (or its payload_hash).
  Result<HttpRequest> sign_head(const AwsRequest& request, const Credentials& credentials,
                                SystemTime time) const;
  // One attempt's head: signed with the chain's current credentials, or not signed at all.
  Result<HttpRequest> signed_head(const AwsRequest& request, SystemTime now) const;
  Result<HttpRequest> unsigned_head(const AwsRequest& request) const;

  ServiceConfig service_;
  std::shared_ptr<CredentialsChain> credentials_;
  Transport transport_;
  AwsCallerOptions options_;
  RetryPolicy policy_;
  ClientRateLimiter rate_limiter_;  // the adaptive retry mode only
};

}  // namespace csv2ddb::aws
