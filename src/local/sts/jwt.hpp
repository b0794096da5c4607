// Web identity tokens as the local STS checks them: a JWT (RFC 7519) signed with RS256 by the
// key given with --oidc-key (an RSA public key in PEM). The signature, the algorithm and `exp`
// are checked; a token that fails is refused as STS refuses it (InvalidIdentityToken,
// ExpiredTokenException). Only what the local AWS needs: no key sets, no other algorithms.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.hpp"

struct evp_pkey_st;  // OpenSSL's EVP_PKEY

namespace csv2ddb::local::sts {

struct VerifiedToken {
  std::string subject;   // "sub"
  std::string issuer;    // "iss"
  std::string audience;  // "aud" (the first, when it is a list)
};

class JwtVerifier {
 public:
  // Errors: InvalidOidcKey when the file cannot be read or holds no RSA public key.
  static Result<JwtVerifier> from_pem_file(const std::string& path);

  // Errors: InvalidIdentityToken (malformed, wrong algorithm, bad signature),
  // ExpiredTokenException (exp passed).
  Result<VerifiedToken> verify(std::string_view token,
                               std::chrono::system_clock::time_point now) const;

 private:
  std::shared_ptr<evp_pkey_st> key_;
};

}  // namespace csv2ddb::local::sts
