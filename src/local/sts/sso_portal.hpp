// The IAM Identity Center (SSO) portal's GetRoleCredentials, as the SDKs call it with a token
// from `aws sso login`: GET /federation/credentials?account_id=A&role_name=R with the token in
// x-amz-sso_bearer_token. The local portal accepts the tokens given with --sso-token and issues
// a one-hour session of the named role (a role of the template or --role).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "local/service.hpp"
#include "local/sts/session_issuer.hpp"

namespace csv2ddb::local::sts {

inline constexpr std::string_view kSsoCredentialsPath = "/federation/credentials";

class SsoPortal : public Service {
 public:
  SsoPortal(SessionIssuer& issuer, const iam::IdentityStore& identities,
            std::vector<std::string> tokens)
      : issuer_(issuer), identities_(identities), tokens_(tokens.begin(), tokens.end()) {}

  std::string_view name() const override { return "sso"; }
  aws::AuthDialect auth_dialect() const override { return aws::AuthDialect::kDynamoDb; }
  BodyPolicy body_policy(const HttpRequest& head) override;
  std::string payload_hash(const HttpRequest& request) override;
  HttpResponse error_response(const HttpRequest& request, const Error& error) override;
  std::vector<iam::Permission> permissions(const HttpRequest&) override { return {}; }
  // The bearer token is the proof: no SigV4.
  bool allows_anonymous(const HttpRequest&) override { return true; }
  HttpResponse handle(HttpRequest& request) override;

 private:
  SessionIssuer& issuer_;
  const iam::IdentityStore& identities_;
  std::set<std::string, std::less<>> tokens_;
};

}  // namespace csv2ddb::local::sts
