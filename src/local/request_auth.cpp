#include "local/request_auth.hpp"

#include <utility>

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

aws::SecretLookup secret_lookup_of(std::vector<aws::Credentials> known_keys) {
  return [keys = std::move(known_keys)](std::string_view id) -> std::optional<std::string> {
    for (const aws::Credentials& key : keys) {
      if (key.access_key_id == id) return key.secret_access_key;
    }
    return std::nullopt;
  };
}

RequestAuthenticator::RequestAuthenticator(AuthMode mode, std::vector<aws::Credentials> known_keys,
                                           Clock clock)
    : mode_(mode), known_keys_(std::move(known_keys)), clock_(std::move(clock)) {}

std::optional<std::string> RequestAuthenticator::secret_of(std::string_view access_key_id) const {
  for (const aws::Credentials& key : known_keys_) {
    if (key.access_key_id == access_key_id) return key.secret_access_key;
  }
  return std::nullopt;
}

Status RequestAuthenticator::check(const HttpRequest& request, aws::AuthDialect dialect,
                                   std::string_view payload_hash) const {
  const aws::SignableRequest to_verify = signable(request, payload_hash);
  auto parsed = aws::parse_request_authorization(to_verify, dialect);
  if (!parsed) return parsed.take_error();
  const bool known = secret_of(parsed->access_key_id).has_value();
  const auto skew = dialect == aws::AuthDialect::kS3 ? kS3AllowedSkew : kDynamoDbAllowedSkew;
  // Open mode takes unknown keys on trust: there is no secret to check their signature with.
  // The request time and the rest of the request's shape are checked all the same.
  if (!known && mode_ == AuthMode::kOpen) {
    return aws::verify_without_secret(to_verify, *parsed, clock_(), skew);
  }
  return aws::verify(
      to_verify, *parsed, [this](std::string_view id) { return secret_of(id); }, clock_(), skew);
}

std::optional<std::string> RequestAuthenticator::access_key_of(const HttpRequest& request,
                                                               aws::AuthDialect dialect) {
  auto parsed = aws::parse_request_authorization(signable(request, ""), dialect);
  if (!parsed) return std::nullopt;
  return parsed->access_key_id;
}

}  // namespace csv2ddb::local
