#include "aws/endpoints.hpp"

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

Result<std::string> resolve_region(const Environment& env, std::string_view explicit_region,
                                   std::string_view explicit_profile) {
  if (!explicit_region.empty()) return std::string(explicit_region);
  if (auto region = env.get("AWS_REGION")) return *region;
  if (auto region = env.get("AWS_DEFAULT_REGION")) return *region;
  std::string config_path =
      env.expand_home(env.get("AWS_CONFIG_FILE").value_or(env.home() + "/.aws/config"));
  if (auto config = AwsProfileFile::load(config_path, AwsFileKind::kConfig)) {
    std::string region = config->get(resolve_profile_name(env, explicit_profile), "region");
    if (!region.empty()) return region;
  }
  return make_error("MissingRegion", "no AWS region: set AWS_REGION or --region");
}

std::string default_endpoint_url(std::string_view service, std::string_view region) {
  std::string_view suffix = region.substr(0, 3) == "cn-" ? ".amazonaws.com.cn" : ".amazonaws.com";
  std::string url = "https://";
  url.append(service).append(".").append(region).append(suffix);
  return url;
}

Result<Endpoint> resolve_endpoint(const Environment& env, std::string_view service,
                                  std::string_view region, std::string_view explicit_url) {
  // More specific beats more general: a service's own variable names that service alone, so it
  // wins over --endpoint-url, which names every service the command calls (csv2ddb local serves
  // them all on one port, while S3 may live elsewhere).
  const bool use_variables = !env.is_true("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
  if (use_variables) {
    std::string service_variable = "AWS_ENDPOINT_URL_" + upper(service);
    if (auto url = env.get(service_variable)) return custom_endpoint(*url, service_variable);
  }
  if (!explicit_url.empty()) return custom_endpoint(std::string(explicit_url), "--endpoint-url");
  if (use_variables) {
    if (auto url = env.get("AWS_ENDPOINT_URL")) return custom_endpoint(*url, "AWS_ENDPOINT_URL");
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
