#include "local/sts/sso_portal.hpp"

#include "aws/crypto.hpp"
#include "aws/error_codes.hpp"
#include "aws/sigv4.hpp"
#include "model/json.hpp"

namespace csv2ddb::local::sts {
namespace {

constexpr int kSsoSessionSeconds = 3600;

}  // namespace

BodyPolicy SsoPortal::body_policy(const HttpRequest&) {
  return BodyPolicy{.max_bytes = 4096, .spool_to_file = false};
}

std::string SsoPortal::payload_hash(const HttpRequest& request) {
  return aws::sha256_hex(request.body.memory);
}

HttpResponse SsoPortal::error_response(const HttpRequest&, const Error& error) {
  std::string body = "{\"message\":";
  model::append_json_string(body, error.message);
  body += "}";
  HttpResponse response = json_body_response(aws::sso_error_status(error.code), std::move(body));
  response.add_header("x-amzn-ErrorType", error.code);
  return response;
}

HttpResponse SsoPortal::handle(HttpRequest& request) {
  if (request.method != "GET" || request.path != kSsoCredentialsPath) {
    return error_response(
        request, make_error(std::string(aws::code::kResourceNotFoundException), "Not found"));
  }
  std::string token(request.header("x-amz-sso_bearer_token"));
  if (token.empty() || tokens_.find(token) == tokens_.end()) {
    return error_response(request, make_error(std::string(aws::code::kUnauthorizedException),
                                              "Session token not found or invalid"));
  }
  std::string role_name, account_id;
  for (const auto& param : aws::parse_query(request.query)) {
    if (param.key == "role_name") role_name = param.value;
    if (param.key == "account_id") account_id = param.value;
  }
  auto role = identities_.role_by_name(role_name);
  if (!role || account_id != iam::kAccountId) {
    return error_response(request,
                          make_error(std::string(aws::code::kForbiddenException), "No access"));
  }
  auto session = issuer_.issue(*role, ("sso-" + role_name).substr(0, 64), kSsoSessionSeconds);
  if (!session) return error_response(request, session.error());
  std::string body = "{\"roleCredentials\":{\"accessKeyId\":";
  model::append_json_string(body, session->credentials.access_key_id);
  body += ",\"secretAccessKey\":";
  model::append_json_string(body, session->credentials.secret_access_key);
  body += ",\"sessionToken\":";
  model::append_json_string(body, session->credentials.session_token);
  body += ",\"expiration\":";
  body += std::to_string(
      std::chrono::duration_cast<std::chrono::milliseconds>(session->expiration.time_since_epoch())
          .count());
  body += "}}";
  return json_body_response(200, std::move(body));
}

}  // namespace csv2ddb::local::sts
