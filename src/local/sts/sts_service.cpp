#include "local/sts/sts_service.hpp"

#include "aws/crypto.hpp"
#include "aws/error_codes.hpp"
#include "aws/http_date.hpp"
#include "aws/sigv4.hpp"
#include "aws/xml.hpp"
#include "local/request_auth.hpp"
#include "local/request_id.hpp"

namespace csv2ddb::local::sts {
namespace {

constexpr std::string_view kNamespace = "https://sts.amazonaws.com/doc/2011-06-15/";
constexpr std::size_t kMaxBody = 64 * 1024;

std::string param(const std::vector<aws::QueryParam>& params, std::string_view key) {
  for (const auto& p : params) {
    if (p.key == key) return p.value;
  }
  return "";
}

Result<int> duration_param(const std::vector<aws::QueryParam>& params) {
  std::string text = param(params, "DurationSeconds");
  if (text.empty()) return 0;
  try {
    std::size_t used = 0;
    int seconds = std::stoi(text, &used);
    if (used == text.size() && seconds > 0) return seconds;
  } catch (const std::exception&) {
  }
  return make_error("ValidationError", "Value '" + text +
                                           "' at 'durationSeconds' failed to satisfy constraint: "
                                           "Member must be a number");
}

// The request's signing key, when it is signed.
std::string signer(const HttpRequest& request) {
  return RequestAuthenticator::access_key_of(request, aws::AuthDialect::kDynamoDb).value_or("");
}

// The signer as IAM names it in messages: its role session, else the account.
std::string signer_arn(const HttpRequest& request, const iam::IdentityStore& identities) {
  return identities.session_arn(signer(request))
      .value_or("arn:aws:iam::" + std::string(iam::kAccountId) + ":root");
}

void element(std::string& out, std::string_view name, std::string_view text) {
  out.append("<").append(name).append(">");
  aws::append_xml_escaped(out, text);
  out.append("</").append(name).append(">");
}

std::string credentials_xml(const IssuedSession& session) {
  std::string out = "<Credentials>";
  element(out, "AccessKeyId", session.credentials.access_key_id);
  element(out, "SecretAccessKey", session.credentials.secret_access_key);
  element(out, "SessionToken", session.credentials.session_token);
  element(out, "Expiration", aws::format_iso8601(session.expiration));
  out += "</Credentials>";
  return out;
}

std::string assumed_user_xml(const IssuedSession& session) {
  std::string out = "<AssumedRoleUser>";
  element(out, "AssumedRoleId", session.assumed_role_id);
  element(out, "Arn", session.assumed_role_arn);
  out += "</AssumedRoleUser>";
  return out;
}

HttpResponse answer(std::string_view action, const std::string& result) {
  std::string body = "<";
  body.append(action).append("Response xmlns=\"").append(kNamespace).append("\"><");
  body.append(action).append("Result>").append(result).append("</").append(action);
  body.append("Result><ResponseMetadata>");
  element(body, "RequestId", new_uuid());
  body.append("</ResponseMetadata></").append(action).append("Response>");
  HttpResponse response;
  response.body = std::move(body);
  response.add_header("Content-Type", "text/xml");
  return response;
}

}  // namespace

std::vector<aws::QueryParam> query_parameters(const HttpRequest& request) {
  const std::string& text = request.method == "POST" ? request.body.memory : request.query;
  // parse_query percent-decodes; a form's '+' is a space.
  std::string encoded;
  encoded.reserve(text.size());
  for (char c : text) {
    if (c == '+') {
      encoded += "%20";
    } else {
      encoded += c;
    }
  }
  return aws::parse_query(encoded);
}

BodyPolicy StsService::body_policy(const HttpRequest&) {
  return BodyPolicy{.max_bytes = kMaxBody, .spool_to_file = false};
}

std::string StsService::payload_hash(const HttpRequest& request) {
  return aws::sha256_hex(request.body.memory);
}

bool StsService::allows_anonymous(const HttpRequest& request) {
  return param(query_parameters(request), "Action") == "AssumeRoleWithWebIdentity";
}

HttpResponse StsService::error_response(const HttpRequest&, const Error& error) {
  // The authenticator speaks DynamoDB's dialect; STS names the same failures its own way (a
  // web identity token's expiry keeps ExpiredTokenException, as STS answers it).
  const bool web_token_expired = error.message.rfind("Token expired", 0) == 0;
  std::string code(web_token_expired ? std::string_view(error.code)
                                     : aws::sts_auth_code(error.code));
  std::string body = "<ErrorResponse xmlns=\"";
  body.append(kNamespace).append("\"><Error><Type>Sender</Type>");
  element(body, "Code", code);
  element(body, "Message", error.message);
  body += "</Error>";
  element(body, "RequestId", new_uuid());
  body += "</ErrorResponse>";
  HttpResponse response;
  response.status = aws::sts_error_status(code);
  response.body = std::move(body);
  response.add_header("Content-Type", "text/xml");
  return response;
}

std::vector<iam::Permission> StsService::permissions(const HttpRequest& request) {
  auto params = query_parameters(request);
  std::string action = param(params, "Action");
  if (action == "AssumeRole") return {{"sts:AssumeRole", param(params, "RoleArn")}};
  if (action == "GetSessionToken") return {{"sts:GetSessionToken", "*"}};
  return {};  // GetCallerIdentity needs no permission, as on AWS
}

HttpResponse StsService::handle(HttpRequest& request) {
  auto params = query_parameters(request);
  std::string action = param(params, "Action");
  if (action == "AssumeRole") return assume_role(request, params);
  if (action == "AssumeRoleWithWebIdentity") return assume_role_with_web_identity(request, params);
  if (action == "GetCallerIdentity") return get_caller_identity(request);
  if (action == "GetSessionToken") return get_session_token(request, params);
  return error_response(
      request, make_error("InvalidAction", "Could not find operation " + action + " for version " +
                                               param(params, "Version")));
}

HttpResponse StsService::assume_role(const HttpRequest& request,
                                     const std::vector<aws::QueryParam>& params) {
  const std::string role_arn = param(params, "RoleArn");
  auto role = identities_.role_by_arn(role_arn);
  if (!role) {
    return error_response(request,
                          make_error("AccessDenied", "User: " + signer_arn(request, identities_) +
                                                         " is not authorized to perform: "
                                                         "sts:AssumeRole on resource: " +
                                                         role_arn));
  }
  // MFA: the local AWS has no devices; a code of six digits passes, anything else is refused
  // as AWS refuses a wrong one.
  const std::string code = param(params, "TokenCode");
  if (!param(params, "SerialNumber").empty() &&
      (code.size() != 6 || code.find_first_not_of("0123456789") != std::string::npos)) {
    return error_response(request, make_error("AccessDenied",
                                              "MultiFactorAuthentication failed with invalid "
                                              "MFA one time pass code. "));
  }
  auto seconds = duration_param(params);
  if (!seconds) return error_response(request, seconds.error());
  auto session = issuer_.issue(*role, param(params, "RoleSessionName"), *seconds);
  if (!session) return error_response(request, session.error());
  return answer("AssumeRole", credentials_xml(*session) + assumed_user_xml(*session));
}

HttpResponse StsService::assume_role_with_web_identity(const HttpRequest& request,
                                                       const std::vector<aws::QueryParam>& params) {
  if (!web_identity_key_) {
    return error_response(request, make_error("InvalidIdentityToken",
                                              "No OpenIDConnect provider found in your account "
                                              "(start csv2ddb local with --oidc-key)"));
  }
  auto token = web_identity_key_->verify(param(params, "WebIdentityToken"), issuer_.now());
  if (!token) return error_response(request, token.error());
  const std::string role_arn = param(params, "RoleArn");
  auto role = identities_.role_by_arn(role_arn);
  if (!role) {
    return error_response(request, make_error("AccessDenied",
                                              "Not authorized to perform "
                                              "sts:AssumeRoleWithWebIdentity"));
  }
  auto seconds = duration_param(params);
  if (!seconds) return error_response(request, seconds.error());
  auto session = issuer_.issue(*role, param(params, "RoleSessionName"), *seconds);
  if (!session) return error_response(request, session.error());
  std::string result = credentials_xml(*session);
  element(result, "SubjectFromWebIdentityToken", token->subject);
  result += assumed_user_xml(*session);
  element(result, "Provider", token->issuer);
  element(result, "Audience", token->audience);
  return answer("AssumeRoleWithWebIdentity", result);
}

HttpResponse StsService::get_caller_identity(const HttpRequest& request) {
  std::string account(iam::kAccountId);
  std::string arn = "arn:aws:iam::" + account + ":root";
  std::string user_id = account;
  if (auto session = identities_.session_arn(signer(request))) {
    arn = *session;
    // arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION -> AROA<role id>:SESSION
    auto role_start = arn.find("assumed-role/") + sizeof("assumed-role/") - 1;
    auto slash = arn.find('/', role_start);
    user_id = role_id(arn.substr(role_start, slash - role_start)) + ":" + arn.substr(slash + 1);
  }
  std::string result;
  element(result, "UserId", user_id);
  element(result, "Account", account);
  element(result, "Arn", arn);
  return answer("GetCallerIdentity", result);
}

HttpResponse StsService::get_session_token(const HttpRequest& request,
                                           const std::vector<aws::QueryParam>& params) {
  if (identities_.session_arn(signer(request))) {
    return error_response(request, make_error("AccessDenied",
                                              "Cannot call GetSessionToken with session "
                                              "credentials"));
  }
  auto seconds = duration_param(params);
  if (!seconds) return error_response(request, seconds.error());
  auto session = issuer_.issue_for_account(*seconds);
  if (!session) return error_response(request, session.error());
  return answer("GetSessionToken", credentials_xml(*session));
}

}  // namespace csv2ddb::local::sts
