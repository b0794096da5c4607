#include "aws/endpoints.hpp"

#include <optional>

#include "aws/ini_file.hpp"

namespace csv2ddb::aws {
namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c == '-' || c == ' ') c = '_';
  }
  return out;
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

Result<Endpoint> custom_endpoint(std::string url, std::string_view origin) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  auto parts = split_url(url);
  if (!parts || !parts->query.empty()) {
    return make_error("InvalidEndpoint",
                      std::string(origin) + " is not an http(s) URL: \"" + url + "\"");
  }
  return Endpoint{std::move(url), true};
}

}  // namespace

std::string resolve_profile_name(const Environment& env, std::string_view explicit_profile) {
  if (!explicit_profile.empty()) return std::string(explicit_profile);
  if (auto profile = env.get("AWS_PROFILE")) return *profile;
  return "default";
}

Result<std::string> resolve_region(const Environment& env, const SharedConfig& config,
                                   std::string_view explicit_region,
                                   std::string_view explicit_profile) {
  if (!explicit_region.empty()) return std::string(explicit_region);
  if (auto region = env.get("AWS_REGION")) return *region;
  if (auto region = env.get("AWS_DEFAULT_REGION")) return *region;
  std::string region = config.get(resolve_profile_name(env, explicit_profile), "region");
  if (!region.empty()) return region;
  return make_error("MissingRegion", "no AWS region: set AWS_REGION or --region");
}

Result<std::string> resolve_region(const Environment& env, std::string_view explicit_region,
                                   std::string_view explicit_profile) {
  auto config = SharedConfig::load(env);
  return resolve_region(env, config ? *config : SharedConfig(), explicit_region, explicit_profile);
}

std::string default_endpoint_url(std::string_view service, std::string_view region) {
  std::string_view suffix = region.substr(0, 3) == "cn-" ? ".amazonaws.com.cn" : ".amazonaws.com";
  std::string url = "https://";
  url.append(service).append(".").append(region).append(suffix);
  return url;
}

namespace {

// The profile's own endpoint settings: its services section's entry for the service, then
// its endpoint_url.
std::optional<Result<Endpoint>> configured_endpoint(const SharedConfig& config,
                                                    std::string_view profile,
                                                    std::string_view service) {
  std::string services_name = config.get(profile, "services");
  if (!services_name.empty()) {
    if (const auto* services = config.services(services_name)) {
      std::string key(service);
      key += ".endpoint_url";
      if (auto it = services->find(key); it != services->end() && !it->second.empty()) {
        return custom_endpoint(it->second,
                               config.config_path() + " [services " + services_name + "] " + key);
      }
    }
  }
  std::string url = config.get(profile, "endpoint_url");
  if (url.empty()) return std::nullopt;
  return custom_endpoint(url, config.origin(profile, "endpoint_url") + " profile " +
                                  std::string(profile) + " endpoint_url");
}

}  // namespace

Result<Endpoint> resolve_endpoint(const Environment& env, std::string_view service,
                                  std::string_view region, std::string_view explicit_url,
                                  const SharedConfig* config, std::string_view profile) {
  // What the user typed wins, as in awscli and the SDKs: a local endpoint left in the
  // environment must not redirect a command that names its endpoint.
  if (!explicit_url.empty()) return custom_endpoint(std::string(explicit_url), "--endpoint-url");
  const std::string profile_name = resolve_profile_name(env, profile);
  const bool ignore_configured =
      env.is_true("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") ||
      (config != nullptr &&
       lower_ascii(config->get(profile_name, "ignore_configured_endpoint_urls")) == "true");
  if (!ignore_configured) {
    std::string service_variable = "AWS_ENDPOINT_URL_" + upper(service);
    if (auto url = env.get(service_variable)) return custom_endpoint(*url, service_variable);
    if (auto url = env.get("AWS_ENDPOINT_URL")) return custom_endpoint(*url, "AWS_ENDPOINT_URL");
    if (config != nullptr) {
      if (auto found = configured_endpoint(*config, profile_name, service)) return *found;
    }
  }
  return Endpoint{default_endpoint_url(service, region), false};
}

Result<UrlParts> split_url(std::string_view url) {
  auto invalid = [&] {
    return make_error("InvalidUrl", "not a URL: \"" + std::string(url) + "\"");
  };
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return invalid();
  UrlParts parts;
  parts.scheme = std::string(url.substr(0, scheme_end));
  for (char& c : parts.scheme) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (parts.scheme != "http" && parts.scheme != "https") return invalid();
  std::string_view rest = url.substr(scheme_end + 3);
  auto host_end = rest.find_first_of("/?#");
  std::string_view host = rest.substr(0, host_end);
  if (host.empty() || host.find('@') != std::string_view::npos) return invalid();
  parts.host = std::string(host);
  rest = host_end == std::string_view::npos ? std::string_view() : rest.substr(host_end);
  if (auto fragment = rest.find('#'); fragment != std::string_view::npos) {
    rest = rest.substr(0, fragment);
  }
  auto q = rest.find('?');
  parts.path = std::string(rest.substr(0, q));
  if (parts.path.empty()) parts.path = "/";
  if (q != std::string_view::npos) parts.query = std::string(rest.substr(q + 1));
  return parts;
}

std::string encode_s3_key(std::string_view key) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(key.size() + key.size() / 4);
  for (char ch : key) {
    auto c = static_cast<unsigned char>(ch);
    if (is_unreserved(c) || c == '/') {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

bool bucket_is_virtual_host_compatible(std::string_view bucket) {
  if (bucket.size() < 3 || bucket.size() > 63) return false;
  for (char c : bucket) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
  }
  return bucket.front() != '-' && bucket.back() != '-';
}

std::string s3_object_url(const Endpoint& endpoint, std::string_view bucket, std::string_view key,
                          std::string_view query, bool force_path_style) {
  std::string url;
  bool path_style =
      force_path_style || endpoint.custom || !bucket_is_virtual_host_compatible(bucket);
  if (path_style) {
    url = endpoint.url;
    url += '/';
    url += encode_s3_key(bucket);
  } else {
    auto scheme_end = endpoint.url.find("://");
    url = endpoint.url.substr(0, scheme_end + 3);
    url.append(bucket).append(".").append(endpoint.url.substr(scheme_end + 3));
  }
  // Bucket operations: "/bucket" in path style, "/" on the bucket's own host.
  if (!key.empty() || !path_style) {
    url += '/';
    url += encode_s3_key(key);
  }
  if (!query.empty()) {
    url += '?';
    url.append(query);
  }
  return url;
}

}  // namespace csv2ddb::aws
