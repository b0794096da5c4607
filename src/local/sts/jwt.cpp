#include "local/sts/jwt.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstdio>

#include "model/dynamodb_json.hpp"  // base64_decode
#include "model/json.hpp"

namespace csv2ddb::local::sts {
namespace {

Error invalid(std::string_view why) {
  return make_error("InvalidIdentityToken", std::string(why));
}

// base64url without padding (RFC 7515) to bytes.
Result<std::string> base64url_decode(std::string_view text) {
  std::string standard(text);
  for (char& c : standard) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  while (standard.size() % 4 != 0) standard.push_back('=');
  return model::base64_decode(standard);
}

Result<model::JsonValue> json_part(std::string_view part) {
  auto bytes = base64url_decode(part);
  if (!bytes) return invalid("The token is not a well-formed JWT");
  auto doc = model::parse_json(*bytes);
  if (!doc || !doc->is_object()) return invalid("The token is not a well-formed JWT");
  return std::move(doc).value();
}

std::string text_of(const model::JsonValue& doc, std::string_view key) {
  const auto* value = doc.find(key);
  if (value == nullptr) return "";
  if (value->is_string()) return value->as_string();
  if (value->is_array() && !value->as_array().empty() && value->as_array().front().is_string()) {
    return value->as_array().front().as_string();
  }
  return "";
}

}  // namespace

Result<JwtVerifier> JwtVerifier::from_pem_file(const std::string& path) {
  FILE* file = std::fopen(path.c_str(), "r");
  if (file == nullptr) return make_error("InvalidOidcKey", "--oidc-key " + path + ": cannot read");
  EVP_PKEY* key = PEM_read_PUBKEY(file, nullptr, nullptr, nullptr);
  std::fclose(file);
  if (key == nullptr || EVP_PKEY_base_id(key) != EVP_PKEY_RSA) {
    EVP_PKEY_free(key);
    return make_error("InvalidOidcKey",
                      "--oidc-key " + path + ": not an RSA public key in PEM (BEGIN PUBLIC KEY)");
  }
  JwtVerifier out;
  out.key_ = std::shared_ptr<evp_pkey_st>(key, EVP_PKEY_free);
  return out;
}

Result<VerifiedToken> JwtVerifier::verify(std::string_view token,
                                          std::chrono::system_clock::time_point now) const {
  auto first = token.find('.');
  auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return invalid("The token is not a well-formed JWT");
  }
  auto header = json_part(token.substr(0, first));
  if (!header) return header.take_error();
  if (text_of(*header, "alg") != "RS256") {
    return invalid("The token's algorithm is not RS256");
  }
  auto signature = base64url_decode(token.substr(second + 1));
  if (!signature) return invalid("The token's signature is not base64url");
  std::string_view signed_part = token.substr(0, second);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  bool verified =
      ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) == 1 &&
      EVP_DigestVerify(
          ctx.get(), reinterpret_cast<const unsigned char*>(signature->data()), signature->size(),
          reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size()) == 1;
  if (!verified) return invalid("The token's signature does not match the identity provider's key");
  auto claims = json_part(token.substr(first + 1, second - first - 1));
  if (!claims) return claims.take_error();
  const auto* exp = claims->find("exp");
  if (exp == nullptr || !exp->is_number()) return invalid("The token has no exp claim");
  double expires = std::strtod(exp->as_string().c_str(), nullptr);
  double now_seconds = std::chrono::duration<double>(now.time_since_epoch()).count();
  if (now_seconds >= expires) {
    return make_error("ExpiredTokenException",
                      "Token expired: current date/time " +
                          std::to_string(static_cast<long long>(now_seconds)) +
                          " must be before the expiration date/time " + exp->as_string());
  }
  return VerifiedToken{text_of(*claims, "sub"), text_of(*claims, "iss"), text_of(*claims, "aud")};
}

}  // namespace csv2ddb::local::sts
