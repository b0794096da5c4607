#include "local/router.hpp"

#include "aws/dynamodb_wire.hpp"
#include "aws/error_codes.hpp"
#include "aws/lambda_wire.hpp"
#include "local/console/console_service.hpp"
#include "local/sts/sso_portal.hpp"

namespace csv2ddb::local {
namespace {

// The service of a query-protocol request: the one its SigV4 credential scope names
// ("Credential=AKID/20261207/us-east-1/cloudformation/aws4_request"); STS when unsigned (web
// identity) or signed for STS.
ServiceKind query_service(const HttpRequest& head) {
  const std::string_view authorization = head.header("authorization");
  const auto credential = authorization.find("Credential=");
  if (credential == std::string_view::npos) return ServiceKind::kSts;
  const std::string_view scope = authorization.substr(credential);
  if (scope.substr(0, scope.find(',')).find("/cloudformation/aws4_request") !=
      std::string_view::npos) {
    return ServiceKind::kCloudFormation;
  }
  return ServiceKind::kSts;
}

// DynamoDB refuses a request whose headers pass 16 KB with a ValidationException; the HTTP
// server's own cap (64 KB, answered 431) holds for every service.
constexpr std::size_t kDynamoDbMaxHeaderBytes = 16 * 1024;

std::size_t header_bytes(const HttpRequest& head) {
  std::size_t total = 0;
  for (const aws::Header& header : head.headers)
    total += header.name.size() + header.value.size() + 4;
  return total;
}

}  // namespace

ServiceKind route_request(const HttpRequest& head) {
  if (head.header("x-amz-target").starts_with(aws::kDynamoDbTargetPrefix)) {
    return ServiceKind::kDynamoDb;
  }
  if (std::string_view(head.path).starts_with(aws::kLambdaFunctionsPath))
    return ServiceKind::kLambda;
  if (head.path == sts::kSsoCredentialsPath) return ServiceKind::kSso;
  if (head.path == console::kConsolePath ||
      std::string_view(head.path).starts_with(std::string(console::kConsolePath) + "/")) {
    return ServiceKind::kConsole;
  }
  // The query protocol: a form POST to "/" (S3's own POSTs name a bucket or carry a query), or
  // a GET with the Action in the query.
  if (head.path == "/") {
    const std::string_view type = head.header("content-type");
    if (head.method == "POST" && head.query.empty() &&
        type.starts_with("application/x-www-form-urlencoded")) {
      return query_service(head);
    }
    if (head.method == "GET" &&
        (head.query.starts_with("Action=") || head.query.find("&Action=") != std::string::npos)) {
      return query_service(head);
    }
  }
  return ServiceKind::kS3;
}

Service& Router::service_for(const HttpRequest& head) {
  switch (route_request(head)) {
    case ServiceKind::kDynamoDb:
      return dynamodb_;
    case ServiceKind::kLambda:
      return lambda_;
    case ServiceKind::kSts:
      return sts_;
    case ServiceKind::kSso:
      return sso_;
    case ServiceKind::kCloudFormation:
      return cloudformation_;
    case ServiceKind::kConsole:
      return console_;
    case ServiceKind::kS3:
      break;
  }
  return s3_;
}

BodyPolicy Router::body_policy(const HttpRequest& head) {
  Service& service = service_for(head);
  BodyPolicy policy = service.body_policy(head);
  // What the headers already refuse is answered before the body is read: a strict server
  // takes no anonymous gigabyte to disk, nor a 16 MB body from a key it does not know.
  // (STS and SSO decide anonymity from the body's Action or a bearer token: checked later.)
  const ServiceKind kind = route_request(head);
  if (kind == ServiceKind::kDynamoDb && header_bytes(head) > kDynamoDbMaxHeaderBytes) {
    policy.refusal = service.error_response(
        head, make_error(std::string(aws::code::kValidationException),
                         "The request's headers are " + std::to_string(header_bytes(head)) +
                             " bytes; DynamoDB takes at most 16384"));
    return policy;
  }
  const bool anonymous_allowed =
      kind == ServiceKind::kSts || kind == ServiceKind::kSso || kind == ServiceKind::kConsole;
  const Status head_ok = authenticator_.check_head(head, service.auth_dialect(), anonymous_allowed);
  if (!head_ok) policy.refusal = service.error_response(head, head_ok.error());
  return policy;
}

HttpResponse Router::server_busy(const HttpRequest& head) {
  Service& service = service_for(head);
  // What AWS's front ends answer a client they shed: retryable everywhere.
  const bool s3 = service.auth_dialect() == aws::AuthDialect::kS3;
  return service.error_response(
      head, s3 ? make_error(std::string(aws::code::kSlowDown), "Please reduce your request rate.")
               : make_error(std::string(aws::code::kServiceUnavailable),
                            "The service is unavailable. Please try again shortly."));
}

HttpResponse Router::request_timed_out(const HttpRequest& head) {
  return service_for(head).error_response(
      head, make_error(std::string(aws::code::kRequestTimeout),
                       "Your socket connection to the server was not read from or written to "
                       "within the timeout period. Idle connections will be closed."));
}

HttpResponse Router::body_too_large(const HttpRequest& head) {
  Service& service = service_for(head);
  return service.error_response(
      head, make_error("RequestEntityTooLarge",
                       "Request body of " + std::string(head.header("content-length")) +
                           " bytes exceeds the maximum of " +
                           std::to_string(service.body_policy(head).max_bytes) + " bytes"));
}

std::optional<HttpResponse> Router::refusal(Service& service, HttpRequest& request) {
  if (service.allows_anonymous(request) && request.header("authorization").empty()) {
    return std::nullopt;
  }
  const Status authenticated =
      authenticator_.check(request, service.auth_dialect(), service.payload_hash(request));
  if (!authenticated) return service.error_response(request, authenticated.error());
  if (auto key = RequestAuthenticator::access_key_of(request, service.auth_dialect());
      key && identities_.is_restricted(*key)) {
    const Status allowed = identities_.authorize(*key, service.permissions(request));
    if (!allowed) return service.error_response(request, allowed.error());
  }
  return std::nullopt;
}

HttpResponse Router::handle(HttpRequest& request) {
  Service& service = service_for(request);
  if (std::optional<HttpResponse> refused = refusal(service, request)) return std::move(*refused);
  return service.handle(request);
}

std::vector<HttpResponse> Router::handle_inline(std::span<HttpRequest* const> requests) {
  std::vector<HttpResponse> responses(requests.size());
  for (Service* service : {&dynamodb_, &lambda_, &s3_, &sts_, &sso_, &cloudformation_, &console_}) {
    std::vector<HttpRequest*> passed;
    std::vector<std::size_t> where;
    for (std::size_t i = 0; i < requests.size(); ++i) {
      if (&service_for(*requests[i]) != service) continue;
      if (std::optional<HttpResponse> refused = refusal(*service, *requests[i])) {
        responses[i] = std::move(*refused);
        continue;
      }
      passed.push_back(requests[i]);
      where.push_back(i);
    }
    if (passed.empty()) continue;
    std::vector<HttpResponse> answered = service->handle_inline(passed);
    for (std::size_t j = 0; j < where.size() && j < answered.size(); ++j) {
      responses[where[j]] = std::move(answered[j]);
    }
  }
  return responses;
}

std::vector<HttpResponse> Service::handle_inline(std::span<HttpRequest* const> requests) {
  return handle_one_by_one(requests, [this](HttpRequest& request) { return handle(request); });
}

}  // namespace csv2ddb::local
