#include "local/request_auth.hpp"

#include <utility>

#include "aws/crypto.hpp"
#include "aws/error_codes.hpp"

namespace csv2ddb::local {
namespace {

aws::SignableRequest signable(const HttpRequest& request, std::string_view payload_hash) {
  aws::SignableRequest out;
  out.method = request.method;
  out.path = request.path;
  out.query = request.query;
  out.headers = request.headers;
  out.payload_hash = std::string(payload_hash);
  return out;
}

}  // namespace

Result<AuthMode> parse_auth_mode(std::string_view text) {
  if (text == "open") return AuthMode::kOpen;
  if (text == "strict") return AuthMode::kStrict;
  return make_error("InvalidAuthMode",
                    "--auth must be 'open' or 'strict', not '" + std::string(text) + "'");
}

RequestAuthenticator::RequestAuthenticator(AuthMode mode, std::vector<aws::Credentials> known_keys,
                                           std::string region, Clock clock)
    : mode_(mode), region_(std::move(region)), clock_(std::move(clock)) {
  for (aws::Credentials& key : known_keys) add_key(std::move(key));
}

std::optional<RequestAuthenticator::KnownKey> RequestAuthenticator::key_of(
    std::string_view access_key_id) const {
  std::shared_lock lock(keys_mutex_);
  auto found = known_keys_.find(access_key_id);
  if (found == known_keys_.end()) return std::nullopt;
  return found->second;
}

void RequestAuthenticator::add_key(aws::Credentials credentials,
                                   std::optional<std::chrono::system_clock::time_point> expires) {
  std::unique_lock lock(keys_mutex_);
  std::string id = credentials.access_key_id;
  known_keys_[std::move(id)] = KnownKey{std::move(credentials), expires};
}

// As AWS refuses a session past its expiry: each service in its own words.
Status RequestAuthenticator::check_expiry(const KnownKey& key, aws::AuthDialect dialect) const {
  if (!key.expires || clock_() < *key.expires) return {};
  if (dialect == aws::AuthDialect::kS3) {
    return make_error("ExpiredToken", "The provided token has expired.");
  }
  return make_error("ExpiredTokenException",
                    "The security token included in the request is expired");
}

Status RequestAuthenticator::check(const HttpRequest& request, aws::AuthDialect dialect,
                                   std::string_view payload_hash) const {
  const aws::SignableRequest to_verify = signable(request, payload_hash);
  auto parsed = aws::parse_request_authorization(to_verify, dialect);
  if (!parsed) return parsed.take_error();
  if (Status region = check_region(*parsed, dialect); !region) return region;
  const std::optional<KnownKey> key = key_of(parsed->access_key_id);
  const auto skew = dialect == aws::AuthDialect::kS3 ? kS3AllowedSkew : kDynamoDbAllowedSkew;
  // Open mode takes unknown keys on trust: there is no secret to check their signature with.
  // The request time and the rest of the request's shape are checked all the same.
  if (!key && mode_ == AuthMode::kOpen) {
    return aws::verify_without_secret(to_verify, *parsed, clock_(), skew);
  }
  Status verified = aws::verify(
      to_verify, *parsed,
      [&key](std::string_view) -> std::optional<std::string> {
        if (!key) return std::nullopt;
        return key->credentials.secret_access_key;
      },
      clock_(), skew);
  if (!verified) return verified;
  if (Status token = check_token(request, key->credentials, dialect); !token) return token;
  return check_expiry(*key, dialect);
}

Status RequestAuthenticator::check_head(const HttpRequest& head, aws::AuthDialect dialect,
                                        bool anonymous_allowed) const {
  if (dialect == aws::AuthDialect::kS3) {
    // S3 signs x-amz-content-sha256, a header: the whole signature is checkable now.
    const bool signed_request = !head.header("authorization").empty() ||
                                head.query.find("X-Amz-Credential=") != std::string::npos;
    if (signed_request) return check(head, dialect, "");
  }
  const aws::SignableRequest to_verify = signable(head, "");
  auto parsed = aws::parse_request_authorization(to_verify, dialect);
  if (!parsed) {
    // Unsigned: only strict mode refuses it, and only where the service needs a signature.
    if (head.header("authorization").empty() && (mode_ == AuthMode::kOpen || anonymous_allowed)) {
      return {};
    }
    return parsed.take_error();
  }
  if (Status region = check_region(*parsed, dialect); !region) return region;
  const auto skew = dialect == aws::AuthDialect::kS3 ? kS3AllowedSkew : kDynamoDbAllowedSkew;
  if (Status shape = aws::verify_without_secret(to_verify, *parsed, clock_(), skew); !shape) {
    return shape;
  }
  // A known key's token and expiry are checked with its signature, once the body is in (the
  // refusal then names the first thing wrong, as before).
  if (key_of(parsed->access_key_id) || mode_ == AuthMode::kOpen) return {};
  return check(head, dialect, aws::kEmptySha256Hex);  // the unknown-key refusal, in words
}

// As AWS answers a scope for another region: DynamoDB (and the JSON services) with
// InvalidSignatureException, S3 with AuthorizationHeaderMalformed naming both regions.
Status RequestAuthenticator::check_region(const aws::ParsedAuthorization& parsed,
                                          aws::AuthDialect dialect) const {
  if (parsed.region == region_) return {};
  if (dialect == aws::AuthDialect::kS3) {
    return make_error(std::string(aws::code::kAuthorizationHeaderMalformed),
                      "The authorization header is malformed; the region '" + parsed.region +
                          "' is wrong; expecting '" + region_ + "'");
  }
  return make_error(std::string(aws::code::kInvalidSignatureException),
                    "Credential should be scoped to a valid region, not '" + parsed.region + "'. ");
}

// Session credentials are only valid with their token, and a key without one takes none.
Status RequestAuthenticator::check_token(const HttpRequest& request, const aws::Credentials& key,
                                         aws::AuthDialect dialect) const {
  std::string_view token = request.header("x-amz-security-token");
  std::string from_query;
  if (token.empty()) {
    for (const auto& param : aws::parse_query(request.query)) {
      if (param.key == "X-Amz-Security-Token") from_query = param.value;
    }
    token = from_query;
  }
  const bool valid = key.session_token.empty()
                         ? token.empty()
                         : aws::constant_time_equals(token, key.session_token);
  if (valid) return {};
  return dialect == aws::AuthDialect::kS3
             ? make_error("InvalidToken", "The provided token is malformed or otherwise invalid.")
             : make_error("UnrecognizedClientException",
                          "The security token included in the request is invalid.");
}

std::optional<std::string> RequestAuthenticator::access_key_of(const HttpRequest& request,
                                                               aws::AuthDialect dialect) {
  auto parsed = aws::parse_request_authorization(signable(request, ""), dialect);
  if (!parsed) return std::nullopt;
  return parsed->access_key_id;
}

}  // namespace csv2ddb::local
