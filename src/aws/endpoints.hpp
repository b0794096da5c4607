// Regions and endpoints, resolved the way the AWS CLI and SDKs do, so one set of environment
// variables points every tool (ours, awscli, boto3) at the same place.
//
// Region:   --region, AWS_REGION, AWS_DEFAULT_REGION, the profile's "region" (config file).
// Endpoint: --endpoint-url (what the user typed has the last word, as in awscli), then
//           AWS_ENDPOINT_URL_<SERVICE> (S3, DYNAMODB, LAMBDA, STS, SSO), AWS_ENDPOINT_URL, the
//           profile's services section ("services = NAME" and "[services NAME]" with
//           "dynamodb =\n  endpoint_url = URL"), the profile's endpoint_url, then
//           https://<service>.<region>.amazonaws.com (".amazonaws.com.cn" in cn-*).
//           AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true (or the profile's
//           ignore_configured_endpoint_urls) ignores all but the flag.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "aws/environment.hpp"
#include "aws/shared_config.hpp"
#include "common/result.hpp"

namespace csv2ddb::aws {

// The profile whose settings apply: --profile, AWS_PROFILE, then "default".
std::string resolve_profile_name(const Environment& env, std::string_view explicit_profile);

// Errors: "MissingRegion" with "no AWS region: set AWS_REGION or --region". The profile's region
// is read from AWS_CONFIG_FILE (default ~/.aws/config); an unreadable file is skipped.
Result<std::string> resolve_region(const Environment& env, std::string_view explicit_region,
                                   std::string_view explicit_profile = {});
// The same over files already read (a malformed file is then the caller's error).
Result<std::string> resolve_region(const Environment& env, const SharedConfig& config,
                                   std::string_view explicit_region,
                                   std::string_view explicit_profile);

struct Endpoint {
  std::string url;      // scheme://host[:port][/base], no trailing '/'
  bool custom = false;  // true when set by flag or environment (S3 then uses path style)
};

// `service` is "s3", "dynamodb", "lambda", "sts" or "sso" (the SDKs' service id, lower case).
// `config` and `profile` give the shared files' settings (none when config is null). Errors:
// "InvalidEndpoint" when a configured URL is not http(s)://host..., naming where it came from.
Result<Endpoint> resolve_endpoint(const Environment& env, std::string_view service,
                                  std::string_view region, std::string_view explicit_url = {},
                                  const SharedConfig* config = nullptr,
                                  std::string_view profile = {});
// The AWS default for a service and region.
std::string default_endpoint_url(std::string_view service, std::string_view region);

// A URL split into what a signer and an HTTP request need.
struct UrlParts {
  std::string scheme;  // "http" or "https"
  std::string host;    // with ":port" when the URL has one (the Host header's value)
  std::string path;    // as on the wire, "/" at least
  std::string query;   // without '?'
};
// Errors: "InvalidUrl" (no scheme, empty host, user info).
Result<UrlParts> split_url(std::string_view url);

// Encodes an S3 object key for the path: every byte but A-Z a-z 0-9 - _ . ~ and '/'.
std::string encode_s3_key(std::string_view key);

// True when the bucket can be a DNS label for virtual-hosted addressing (lower-case letters,
// digits and '-', 3 to 63 characters, no dots: dotted names break TLS wildcard certificates).
bool bucket_is_virtual_host_compatible(std::string_view bucket);

// The URL of an object (or of the bucket when key is empty: ".../bucket" or "https://bucket.host/")
// with the query appended when not empty. Path style (endpoint/bucket/key) for custom endpoints,
// when forced, and for buckets that cannot be a host label; virtual-hosted
// (scheme://bucket.host/key) otherwise.
std::string s3_object_url(const Endpoint& endpoint, std::string_view bucket, std::string_view key,
                          std::string_view query = {}, bool force_path_style = false);

}  // namespace csv2ddb::aws
