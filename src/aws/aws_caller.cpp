#include "aws/aws_caller.hpp"

#include <utility>

#include "aws/clock_skew.hpp"
#include "aws/crypto.hpp"
#include "aws/debug_log.hpp"

namespace csv2ddb::aws {
namespace {

void log_response(std::string_view service, std::string_view operation,
                  const Result<HttpResponse>& response) {
  std::string line(service);
  line.append(" ").append(operation).append(" -> ");
  if (!response) {
    line.append(response.error().code);
  } else {
    line.append("HTTP ").append(std::to_string(response->status));
    for (const char* id : {"x-amzn-RequestId", "x-amz-request-id"}) {
      if (const std::string* value = response->header(id))
        line.append(" request id ").append(*value);
    }
  }
  debug_log(line);
}

AwsError decode_error(ErrorDialect dialect, const HttpResponse& response) {
  switch (dialect) {
    case ErrorDialect::kS3Xml:
      return decode_s3_error(response.status, response.headers, response.body);
    case ErrorDialect::kDynamoDbJson:
      return decode_dynamodb_error(response.status, response.headers, response.body);
    case ErrorDialect::kLambda:
      return decode_lambda_error(response.status, response.headers, response.body);
  }
  return decode_dynamodb_error(response.status, response.headers, response.body);
}

// "DynamoDB BatchWriteItem at http://127.0.0.1:8000: " in front of the service's own words, so
// a message in a log says which call to which endpoint failed.
Error describe_failure(const ServiceConfig& service, std::string_view operation,
                       const std::string& url, const AwsError& error) {
  Error out = error.to_error();
  std::string prefix = service.service + " " + std::string(operation);
  // Transport messages already name the method and URL.
  if (error.http_status != 0) prefix += " at " + redact_url(url);
  out.message = prefix + ": " + out.message;
  return out;
}

}  // namespace

Transport http_transport(std::shared_ptr<HttpClient> client) {
  return [client = std::move(client)](const HttpRequest& request, const BodySink& sink) {
    return client->send(request, sink);
  };
}

AwsCaller::AwsCaller(ServiceConfig service, std::shared_ptr<CredentialsChain> credentials,
                     Transport transport, AwsCallerOptions options)
    : service_(std::move(service)),
      credentials_(std::move(credentials)),
      transport_(std::move(transport)),
      options_(std::move(options)),
      policy_(options_.retry,
              options_.random != nullptr ? *options_.random : default_random_source()) {}

std::string AwsCaller::url(std::string_view path_and_query) const {
  return service_.endpoint.url + std::string(path_and_query);
}

Result<HttpRequest> AwsCaller::sign(const AwsRequest& request, const Credentials& credentials,
                                    SystemTime time) const {
  auto out = sign_head(request, credentials, time);
  if (out) out->body = request.body;
  return out;
}

Result<HttpRequest> AwsCaller::sign_head(const AwsRequest& request, const Credentials& credentials,
                                         SystemTime time) const {
  auto parts = split_url(request.url);
  if (!parts) return parts.take_error();

  SignableRequest signable;
  signable.method = request.method;
  signable.path = parts->path;
  signable.query = parts->query;
  signable.headers.reserve(request.headers.size() + 1);
  signable.headers.push_back({"Host", parts->host});
  for (const Header& header : request.headers) signable.headers.push_back(header);
  if (!request.payload_hash.empty()) {
    signable.payload_hash = request.payload_hash;
  } else if (!request.body.empty()) {
    signable.payload_hash = sha256_hex(request.body);
  }

  const bool is_s3 = service_.dialect == ErrorDialect::kS3Xml;
  SigningConfig config =
      is_s3 ? SigningConfig::s3(service_.region, credentials, time)
            : SigningConfig::standard(service_.service, service_.region, credentials, time);
  if (signable.payload_hash == kUnsignedPayload) config.signed_body_value = kUnsignedPayload;
  auto signed_request = sign_with_headers(signable, config);
  if (!signed_request) return signed_request.take_error();

  HttpRequest out;
  out.method = request.method;
  out.url = request.url;
  out.headers = std::move(signable.headers);
  // X-Amz-Date, the session token, x-amz-content-sha256 (S3) and Authorization.
  for (Header& header : signed_request->headers_to_add) out.headers.push_back(std::move(header));
  out.source = request.source;
  out.timeout = request.timeout ? request.timeout : service_.request_timeout;
  return out;
}

Result<HttpRequest> AwsCaller::signed_head(const AwsRequest& request, SystemTime now) const {
  auto credentials = credentials_->credentials();
  if (!credentials) return credentials.take_error();
  return sign_head(request, *credentials, now);
}

Result<HttpRequest> AwsCaller::unsigned_head(const AwsRequest& request) const {
  auto parts = split_url(request.url);
  if (!parts) return parts.take_error();
  HttpRequest out;
  out.method = request.method;
  out.url = request.url;
  out.headers.push_back({"Host", parts->host});
  for (const Header& header : request.headers) out.headers.push_back(header);
  out.source = request.source;
  out.timeout = request.timeout ? request.timeout : service_.request_timeout;
  return out;
}

Result<HttpResponse> AwsCaller::call(std::string_view operation, AwsRequest request,
                                     const BodySink& sink, AwsError* failure, CallStats* stats) {
  CallStats local_stats;
  CallStats& counts = stats != nullptr ? *stats : local_stats;
  Sleeper& sleeper = options_.sleeper != nullptr ? *options_.sleeper : default_sleeper();
  int last_retry_cost = 0;
  int retries_counted = 0;  // attempts that count against max_attempts (not clock corrections)

  // A body that already went partly to the sink cannot be taken back: no retry after that.
  std::uint64_t delivered = 0;
  BodySink counting_sink;
  if (sink) {
    counting_sink = [&](std::string_view chunk) {
      delivered += chunk.size();
      return sink(chunk);
    };
  }

  // Adaptive mode paces the calls that retry here; the writer lanes (single attempt) have their
  // own pacer.
  const bool rate_limited = options_.retry.strategy == RetryStrategy::kAdaptive &&
                            request.retry_mode != RetryMode::kSingleAttempt;
  while (true) {
    if (rate_limited) {
      if (auto wait = rate_limiter_.reserve(); wait.count() > 0) sleeper.sleep(wait);
    }
    const SystemTime now = options_.clock ? options_.clock() : ClockSkew::process_wide().now();
    auto signed_request = request.anonymous ? unsigned_head(request) : signed_head(request, now);
    if (!signed_request) return signed_request.take_error();

    ++counts.attempts;
    if (debug_log_enabled()) {
      debug_log_request(service_.service, operation, counts.attempts, signed_request->method,
                        signed_request->url, signed_request->headers);
    }
    ++retries_counted;
    // The body moves into the attempt and back, so a retry has it again without a copy.
    signed_request->body = std::move(request.body);
    auto response = transport_(*signed_request, counting_sink);
    request.body = std::move(signed_request->body);
    if (debug_log_enabled()) log_response(service_.service, operation, response);
    if (rate_limited) {
      rate_limiter_.on_response(
          !(response && response->ok()) &&
          (response ? decode_error(service_.dialect, *response).retry == RetryClass::kThrottling
                    : false));
    }
    if (response && response->ok()) {
      policy_.after_success(last_retry_cost);
      return std::move(response).value();
    }
    AwsError error = response ? decode_error(service_.dialect, *response)
                              : from_transport_error(response.error());
    if (response && error.retry != RetryClass::kClockSkew &&
        suggests_clock_skew(response->status, response->header("Date"), now)) {
      error.retry = RetryClass::kClockSkew;
    }
    Error described = describe_failure(service_, operation, request.url, error);
    if (failure != nullptr) *failure = error;

    if (error.retry == RetryClass::kClockSkew && counts.clock_corrections == 0 && response) {
      const std::string* date = response->header("Date");
      const bool can_resend =
          !request.source || (request.source->rewind && request.source->rewind());
      if (can_resend && date != nullptr &&
          ClockSkew::process_wide().update_from_date_header(*date)) {
        ++counts.clock_corrections;
        --retries_counted;
        continue;
      }
    }
    if (request.retry_mode == RetryMode::kSingleAttempt ||
        (error.retry != RetryClass::kThrottling && error.retry != RetryClass::kTransient)) {
      return described;
    }
    if (delivered > 0) {
      if (!request.reset_sink || !request.reset_sink()) return described;
      delivered = 0;
    }
    const RetryDecision decision = policy_.after_failure(retries_counted, error.retry);
    if (!decision.retry) return described;
    last_retry_cost = decision.cost;
    sleeper.sleep(decision.delay);
    // A streamed body must start over; without a way to, the last failure stands.
    if (request.source && (!request.source->rewind || !request.source->rewind())) {
      return described;
    }
  }
}

}  // namespace csv2ddb::aws
