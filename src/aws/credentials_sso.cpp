// IAM Identity Center (SSO): the token `aws sso login` cached, then the portal's
// GetRoleCredentials (GET /federation/credentials, the token in x-amz-sso_bearer_token).
#include <fstream>
#include <sstream>

#include "aws/crypto.hpp"
#include "aws/debug_log.hpp"
#include "aws/endpoints.hpp"
#include "aws/http_date.hpp"
#include "aws/profile_sources.hpp"
#include "aws/sigv4.hpp"
#include "model/json.hpp"

namespace csv2ddb::aws {
namespace {

struct SsoSettings {
  std::string cache_key;  // the session name, or the legacy start URL
  std::string region;
  std::string account_id;
  std::string role_name;
};

Result<SsoSettings> read_settings(const SharedConfig& config, const std::string& profile) {
  auto missing = [&](std::string_view key) {
    return credentials_failed("profile \"" + profile + "\" uses SSO but has no " +
                              std::string(key) + " (in " + config.config_path() + ")");
  };
  SsoSettings out;
  out.account_id = config.get(profile, "sso_account_id");
  out.role_name = config.get(profile, "sso_role_name");
  std::string session = config.get(profile, "sso_session");
  if (!session.empty()) {
    const auto* section = config.sso_session(session);
    if (section == nullptr) {
      return credentials_failed("profile \"" + profile + "\" names sso_session \"" + session +
                                "\", but " + config.config_path() + " has no [sso-session " +
                                session + "]");
    }
    auto get = [&](std::string_view key) {
      auto it = section->find(key);
      return it == section->end() ? std::string() : it->second;
    };
    out.cache_key = session;
    out.region = get("sso_region");
    if (get("sso_start_url").empty()) return missing("sso_start_url in its sso-session");
  } else {
    out.cache_key = config.get(profile, "sso_start_url");
    out.region = config.get(profile, "sso_region");
  }
  if (out.region.empty()) return missing("sso_region");
  if (out.account_id.empty()) return missing("sso_account_id");
  if (out.role_name.empty()) return missing("sso_role_name");
  return out;
}

Error login_needed(const std::string& profile, const std::string& why) {
  return credentials_failed("profile \"" + profile + "\": " + why +
                            "; run aws sso login --profile " + profile);
}

// The access token from ~/.aws/sso/cache/<sha1 of the session name or start URL>.json.
Result<std::string> cached_token(const ProfileSourceContext& context, const SsoSettings& sso,
                                 const std::string& profile) {
  std::string path = context.env.home() + "/.aws/sso/cache/" + sha1_hex(sso.cache_key) + ".json";
  std::ifstream in(path, std::ios::binary);
  if (!in) return login_needed(profile, "no SSO token cached at " + path);
  std::ostringstream text;
  text << in.rdbuf();
  auto doc = model::parse_json(text.str());
  if (!doc || !doc->is_object()) {
    return login_needed(profile, "the SSO token cache " + path + " is not a JSON object");
  }
  const auto* token = doc->find("accessToken");
  const auto* expires = doc->find("expiresAt");
  if (token == nullptr || !token->is_string() || expires == nullptr || !expires->is_string()) {
    return login_needed(profile,
                        "the SSO token cache " + path + " has no accessToken or expiresAt");
  }
  std::string when = expires->as_string();
  if (when.size() > 3 && when.substr(when.size() - 3) == "UTC") when = when.substr(0, 19) + "Z";
  auto expiry = parse_iso8601(when);
  if (!expiry) return login_needed(profile, "the SSO token cache " + path + " has a bad expiresAt");
  if (*expiry <= context.clock()) {
    return login_needed(profile, "the SSO token expired at " + expires->as_string());
  }
  return token->as_string();
}

Result<ProvidedCredentials> parse_role_credentials(const std::string& body, std::string source) {
  auto doc = model::parse_json(body);
  const auto* role = doc && doc->is_object() ? doc->find("roleCredentials") : nullptr;
  auto text = [&](std::string_view key) {
    const auto* v = role != nullptr ? role->find(key) : nullptr;
    return v != nullptr && v->is_string() ? v->as_string() : std::string();
  };
  ProvidedCredentials out;
  out.credentials = {text("accessKeyId"), text("secretAccessKey"), text("sessionToken")};
  const auto* expiration = role != nullptr ? role->find("expiration") : nullptr;
  if (out.credentials.access_key_id.empty() || out.credentials.secret_access_key.empty() ||
      expiration == nullptr || !expiration->is_number()) {
    return make_error("InvalidSsoResponse", "the SSO portal answered without roleCredentials");
  }
  out.expiration = SystemTime(std::chrono::milliseconds(std::stoll(expiration->as_string())));
  out.source = std::move(source);
  return out;
}

}  // namespace

Result<ProvidedCredentials> sso_credentials(const ProfileSourceContext& context,
                                            const SharedConfig& config,
                                            const std::string& profile) {
  auto sso = read_settings(config, profile);
  if (!sso) return sso.take_error();
  auto token = cached_token(context, *sso, profile);
  if (!token) return token.take_error();
  auto endpoint = resolve_endpoint(context.env, "sso", sso->region, {}, &config, profile);
  if (!endpoint) return credentials_failed(endpoint.error().message);
  // The portal's host is not the SDKs' "sso.REGION" pattern: portal.sso.REGION.amazonaws.com.
  std::string base = endpoint->custom
                         ? endpoint->url
                         : "https://portal." + endpoint->url.substr(sizeof("https://") - 1);
  HttpRequest request;
  request.url = base + "/federation/credentials?account_id=" + uri_encode(sso->account_id, false) +
                "&role_name=" + uri_encode(sso->role_name, false);
  request.headers.push_back({"x-amz-sso_bearer_token", *token});
  if (debug_log_enabled()) {
    debug_log_request("sso", "GetRoleCredentials", 1, "GET", request.url, request.headers);
  }
  auto response = context.http->send(request);
  if (!response) {
    return credentials_failed("profile \"" + profile + "\": the SSO portal " + base +
                              " could not be reached (" + response.error().code + ")");
  }
  if (response->status == 401 || response->status == 403) {
    return login_needed(profile, "the SSO portal refused the cached token (HTTP " +
                                     std::to_string(response->status) + ")");
  }
  if (!response->ok()) {
    return credentials_failed("profile \"" + profile + "\": the SSO portal answered HTTP " +
                              std::to_string(response->status));
  }
  auto parsed = parse_role_credentials(
      response->body, "SSO role " + sso->role_name + " in account " + sso->account_id);
  if (!parsed) return credentials_failed("profile \"" + profile + "\": " + parsed.error().message);
  return parsed;
}

}  // namespace csv2ddb::aws
