// SigV4 checks for every request the local AWS receives, in the --auth mode chosen:
//  - open (default): any access key is accepted, as other local emulators do; requests signed
//    with a key we know (test/test by default) must carry a correct, current signature.
//  - strict: only known keys; an unknown one is UnrecognizedClientException (DynamoDB) or
//    InvalidAccessKeyId (S3).
// The request time must be within 5 minutes of our clock for DynamoDB and 15 for S3, as on AWS;
// the credential scope must name our region; a security token is only accepted with the key it
// was issued with (a static key with a token is refused, as AWS refuses it).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "aws/sigv4.hpp"
#include "aws/sigv4_verify.hpp"
#include "common/result.hpp"
#include "local/http/http_message.hpp"

namespace csv2ddb::local {

enum class AuthMode : std::uint8_t { kOpen, kStrict };

// "open" or "strict"; an error with code "InvalidAuthMode" otherwise.
Result<AuthMode> parse_auth_mode(std::string_view text);

inline constexpr std::chrono::seconds kDynamoDbAllowedSkew{5 * 60};
inline constexpr std::chrono::seconds kS3AllowedSkew{15 * 60};

class RequestAuthenticator {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;

  RequestAuthenticator(
      AuthMode mode, std::vector<aws::Credentials> known_keys, std::string region = "us-east-1",
      Clock clock = [] { return std::chrono::system_clock::now(); });

  // Errors carry AWS's code and message (see sigv4_verify.hpp), never a secret.
  Status check(const HttpRequest& request, aws::AuthDialect dialect,
               std::string_view payload_hash) const;

  // What the head alone can show, before any body byte is read: a signed request's region,
  // clock and key (known, in strict mode); and, for S3 (whose payload hash is a
  // header), the signature itself. An unsigned request passes here: strict mode refuses it
  // only where `anonymous_allowed` is false. Errors as check()'s.
  Status check_head(const HttpRequest& head, aws::AuthDialect dialect,
                    bool anonymous_allowed) const;

  // The secret of a known key (test/test, the functions' session keys), for checking signed
  // streaming bodies.
  std::optional<std::string> secret_of(std::string_view access_key_id) const {
    auto key = key_of(access_key_id);
    if (!key) return std::nullopt;
    return key->credentials.secret_access_key;
  }

  // Makes a key known (a function role's session credentials, issued at deploy; STS's and the
  // SSO portal's sessions). A key with a session token must be used with that token
  // (X-Amz-Security-Token); one with an expiry is refused from then on with AWS's
  // ExpiredToken errors.
  void add_key(aws::Credentials credentials,
               std::optional<std::chrono::system_clock::time_point> expires = std::nullopt);
  std::chrono::system_clock::time_point now() const { return clock_(); }

  // The access key id the request was signed with, if any (for logs and IAM).
  static std::optional<std::string> access_key_of(const HttpRequest& request,
                                                  aws::AuthDialect dialect);

 private:
  struct KnownKey {
    aws::Credentials credentials;
    std::optional<std::chrono::system_clock::time_point> expires;
  };
  std::optional<KnownKey> key_of(std::string_view access_key_id) const;
  Status check_expiry(const KnownKey& key, aws::AuthDialect dialect) const;

  Status check_region(const aws::ParsedAuthorization& parsed, aws::AuthDialect dialect) const;
  Status check_token(const HttpRequest& request, const aws::Credentials& key,
                     aws::AuthDialect dialect) const;

  AuthMode mode_;
  std::string region_;
  mutable std::shared_mutex keys_mutex_;
  std::map<std::string, KnownKey, std::less<>> known_keys_;  // by access key id
  Clock clock_;
};

}  // namespace csv2ddb::local
