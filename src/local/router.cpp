#include "local/router.hpp"

#include <atomic>

#include "aws/aws_error.hpp"
#include "aws/crypto.hpp"
#include "local/request_id.hpp"
#include "model/json.hpp"

namespace csv2ddb::local {
namespace {

constexpr std::string_view kDynamoDbTargetPrefix = "DynamoDB_20120810.";
constexpr std::string_view kLambdaPathPrefix = "/2015-03-31/functions";

}  // namespace

ServiceKind route_request(const HttpRequest& head) {
  if (head.header("x-amz-target").starts_with(kDynamoDbTargetPrefix)) {
    return ServiceKind::kDynamoDb;
  }
  if (std::string_view(head.path).starts_with(kLambdaPathPrefix)) return ServiceKind::kLambda;
  return ServiceKind::kS3;
}

Service& Router::service_for(const HttpRequest& head) {
  switch (route_request(head)) {
    case ServiceKind::kDynamoDb:
      return dynamodb_;
    case ServiceKind::kLambda:
      return lambda_;
    case ServiceKind::kS3:
      break;
  }
  return s3_;
}

BodyPolicy Router::body_policy(const HttpRequest& head) {
  return service_for(head).body_policy(head);
}

HttpResponse Router::body_too_large(const HttpRequest& head) {
  Service& service = service_for(head);
  return service.error_response(
      head, make_error("RequestEntityTooLarge",
                       "Request body of " + std::string(head.header("content-length")) +
                           " bytes exceeds the maximum of " +
                           std::to_string(service.body_policy(head).max_bytes) + " bytes"));
}

HttpResponse Router::handle(HttpRequest& request) {
  Service& service = service_for(request);
  const Status authenticated =
      authenticator_.check(request, service.auth_dialect(), service.payload_hash(request));
  if (!authenticated) return service.error_response(request, authenticated.error());
  if (auto key = RequestAuthenticator::access_key_of(request, service.auth_dialect());
      key && identities_.is_restricted(*key)) {
    const Status allowed = identities_.authorize(*key, service.permissions(request));
    if (!allowed) return service.error_response(request, allowed.error());
  }
  return service.handle(request);
}

void Router::begin_round() {
  for (Service* service : {&dynamodb_, &lambda_, &s3_}) service->begin_round();
}

void Router::end_round(std::span<HttpResponse* const> responses) {
  for (Service* service : {&dynamodb_, &lambda_, &s3_}) service->end_round(responses);
}

std::string_view NotImplementedService::name() const {
  return kind_ == ServiceKind::kLambda ? "lambda" : "s3";
}

aws::AuthDialect NotImplementedService::auth_dialect() const {
  return kind_ == ServiceKind::kS3 ? aws::AuthDialect::kS3 : aws::AuthDialect::kDynamoDb;
}

BodyPolicy NotImplementedService::body_policy(const HttpRequest&) {
  return BodyPolicy{.max_bytes = 6 * 1024 * 1024, .spool_to_file = false};
}

std::string NotImplementedService::payload_hash(const HttpRequest& request) {
  if (kind_ == ServiceKind::kS3) return "";
  return aws::sha256_hex(request.body.memory);
}

HttpResponse NotImplementedService::error_response(const HttpRequest& request, const Error& error) {
  HttpResponse response;
  const std::string request_id = new_request_id();
  if (kind_ == ServiceKind::kS3) {
    response.status = error.code == "NotImplemented"          ? 501
                      : error.code == "RequestEntityTooLarge" ? 413
                      : error.code == "RequestTimeTooSkewed" || error.code == "AccessDenied" ||
                              error.code == "SignatureDoesNotMatch" ||
                              error.code == "InvalidAccessKeyId"
                          ? 403
                          : 400;
    response.body = aws::encode_s3_error(error.code, error.message, request.path, request_id);
    response.add_header("Content-Type", "application/xml");
    response.add_header("x-amz-request-id", request_id);
    return response;
  }
  response.status = error.code == "NotImplemented"          ? 501
                    : error.code == "RequestEntityTooLarge" ? 413
                                                            : 403;
  std::string body = "{\"Type\":\"User\",\"message\":";
  model::append_json_string(body, error.message);
  body += "}";
  response.body = std::move(body);
  response.add_header("Content-Type", "application/json");
  response.add_header("x-amzn-ErrorType", error.code);
  response.add_header("x-amzn-RequestId", request_id);
  return response;
}

HttpResponse NotImplementedService::handle(HttpRequest& request) {
  if (kind_ == ServiceKind::kS3) {
    return error_response(request,
                          make_error("NotImplemented",
                                     "A header you provided implies functionality that is not "
                                     "implemented: csv2ddb local does not serve S3 yet."));
  }
  return error_response(request,
                        make_error("NotImplemented", "csv2ddb local does not serve Lambda yet."));
}

}  // namespace csv2ddb::local
