#include "aws/sts_client.hpp"

#include <array>

#include "aws/endpoints.hpp"
#include "aws/http_date.hpp"
#include "aws/sigv4.hpp"
#include "aws/xml.hpp"

namespace csv2ddb::aws {
namespace {

constexpr std::string_view kVersion = "2011-06-15";

// The regions whose STS answered on the global endpoint before regional endpoints were the
// default (botocore's list).
constexpr std::array<std::string_view, 16> kLegacyGlobalRegions = {
    "ap-northeast-1", "ap-south-1",   "ap-southeast-1", "ap-southeast-2",
    "aws-global",     "ca-central-1", "eu-central-1",   "eu-north-1",
    "eu-west-1",      "eu-west-2",    "eu-west-3",      "sa-east-1",
    "us-east-1",      "us-east-2",    "us-west-1",      "us-west-2"};

void add_param(std::string& body, std::string_view name, std::string_view value) {
  if (value.empty()) return;
  body += '&';
  body.append(name).append("=");
  append_uri_encoded(value, false, body);
}

std::string role_form(std::string_view action, const AssumeRoleRequest& request) {
  std::string body = "Action=";
  body.append(action).append("&Version=").append(kVersion);
  add_param(body, "RoleArn", request.role_arn);
  add_param(body, "RoleSessionName", request.session_name);
  add_param(body, "ExternalId", request.external_id);
  if (request.duration_seconds > 0) {
    add_param(body, "DurationSeconds", std::to_string(request.duration_seconds));
  }
  add_param(body, "SerialNumber", request.serial_number);
  add_param(body, "TokenCode", request.token_code);
  return body;
}

AwsRequest form_request(const AwsCaller& caller, std::string body) {
  AwsRequest request;
  request.method = "POST";
  request.url = caller.url("/");
  request.headers.push_back({"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"});
  request.body = std::move(body);
  return request;
}

Error bad_answer(std::string_view what) {
  return make_error("InvalidStsResponse", "STS answered without " + std::string(what));
}

}  // namespace

Result<ProvidedCredentials> parse_sts_credentials(std::string_view body, std::string_view result,
                                                  std::string source) {
  auto doc = parse_xml(body);
  if (!doc) return bad_answer("an XML document");
  const XmlElement* found = doc->child(result);
  const XmlElement* credentials = found != nullptr ? found->child("Credentials") : nullptr;
  if (credentials == nullptr) return bad_answer("Credentials");
  ProvidedCredentials out;
  out.credentials.access_key_id = credentials->child_text("AccessKeyId");
  out.credentials.secret_access_key = credentials->child_text("SecretAccessKey");
  out.credentials.session_token = credentials->child_text("SessionToken");
  if (out.credentials.access_key_id.empty() || out.credentials.secret_access_key.empty() ||
      out.credentials.session_token.empty()) {
    return bad_answer("a whole key, secret and session token");
  }
  auto expiration = parse_iso8601(credentials->child_text("Expiration"));
  if (!expiration) return bad_answer("an ISO 8601 Expiration");
  out.expiration = *expiration;
  out.source = std::move(source);
  return out;
}

Result<ProvidedCredentials> StsClient::assume_role(const AssumeRoleRequest& request,
                                                   std::string source) {
  auto response =
      caller_->call("AssumeRole", form_request(*caller_, role_form("AssumeRole", request)));
  if (!response) return response.take_error();
  return parse_sts_credentials(response->body, "AssumeRoleResult", std::move(source));
}

Result<ProvidedCredentials> StsClient::assume_role_with_web_identity(
    const AssumeRoleRequest& request, const std::string& token, std::string source) {
  std::string body = role_form("AssumeRoleWithWebIdentity", request);
  add_param(body, "WebIdentityToken", token);
  AwsRequest call = form_request(*caller_, std::move(body));
  call.anonymous = true;  // the token is the proof, as the SDKs send it
  auto response = caller_->call("AssumeRoleWithWebIdentity", std::move(call));
  if (!response) return response.take_error();
  return parse_sts_credentials(response->body, "AssumeRoleWithWebIdentityResult",
                               std::move(source));
}

Result<CallerIdentity> StsClient::get_caller_identity() {
  std::string body = "Action=GetCallerIdentity&Version=";
  body.append(kVersion);
  auto response = caller_->call("GetCallerIdentity", form_request(*caller_, std::move(body)));
  if (!response) return response.take_error();
  auto doc = parse_xml(response->body);
  const XmlElement* result = doc ? doc->child("GetCallerIdentityResult") : nullptr;
  if (result == nullptr) return bad_answer("GetCallerIdentityResult");
  return CallerIdentity{result->child_text("UserId"), result->child_text("Account"),
                        result->child_text("Arn")};
}

Result<Endpoint> sts_endpoint(const Environment& env, const SharedConfig& config,
                              std::string_view profile, std::string_view region) {
  auto endpoint = resolve_endpoint(env, "sts", region, {}, &config, profile);
  if (!endpoint || endpoint->custom) return endpoint;
  std::string mode =
      env.get("AWS_STS_REGIONAL_ENDPOINTS")
          .value_or(config.get(resolve_profile_name(env, profile), "sts_regional_endpoints"));
  bool legacy_region = false;
  for (auto name : kLegacyGlobalRegions) legacy_region = legacy_region || name == region;
  if (mode == "legacy" && legacy_region) return Endpoint{"https://sts.amazonaws.com", false};
  return endpoint;
}

Result<ServiceConfig> sts_service_config(const Environment& env, const SharedConfig& config,
                                         std::string_view profile, std::string_view region,
                                         std::string_view explicit_url) {
  constexpr std::string_view kGlobal = "https://sts.amazonaws.com";
  auto endpoint = explicit_url.empty()
                      ? sts_endpoint(env, config, profile, region)
                      : resolve_endpoint(env, "sts", region, explicit_url, &config, profile);
  if (!endpoint) return endpoint.take_error();
  const std::string signing_region(endpoint->url == kGlobal ? "us-east-1" : region);
  return ServiceConfig{"sts",
                       signing_region,
                       std::move(endpoint).value(),
                       ErrorDialect::kS3Xml,
                       false,
                       std::chrono::milliseconds(10000)};
}

}  // namespace csv2ddb::aws
