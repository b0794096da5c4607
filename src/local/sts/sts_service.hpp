// STS in the local AWS, over the query protocol (form bodies, XML answers) as AWS serves it:
// AssumeRole (for a role of the deployed template or --role), AssumeRoleWithWebIdentity
// (unsigned; the JWT checked against --oidc-key), GetCallerIdentity and GetSessionToken.
// Issued sessions are temporary credentials that strict auth accepts until they expire and the
// role's policies restrict. Trust policies are not evaluated: any known principal may assume
// any role (the local AWS has one account and no IAM users).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "local/service.hpp"
#include "local/sts/jwt.hpp"
#include "local/sts/session_issuer.hpp"

namespace csv2ddb::local::sts {

class StsService : public Service {
 public:
  StsService(SessionIssuer& issuer, const iam::IdentityStore& identities,
             std::optional<JwtVerifier> web_identity_key)
      : issuer_(issuer), identities_(identities), web_identity_key_(std::move(web_identity_key)) {}

  std::string_view name() const override { return "sts"; }
  aws::AuthDialect auth_dialect() const override { return aws::AuthDialect::kDynamoDb; }
  BodyPolicy body_policy(const HttpRequest& head) override;
  std::string payload_hash(const HttpRequest& request) override;
  HttpResponse error_response(const HttpRequest& request, const Error& error) override;
  std::vector<iam::Permission> permissions(const HttpRequest& request) override;
  bool allows_anonymous(const HttpRequest& request) override;
  HttpResponse handle(HttpRequest& request) override;

 private:
  HttpResponse assume_role(const HttpRequest& request, const std::vector<aws::QueryParam>& params);
  HttpResponse assume_role_with_web_identity(const HttpRequest& request,
                                             const std::vector<aws::QueryParam>& params);
  HttpResponse get_caller_identity(const HttpRequest& request);
  HttpResponse get_session_token(const HttpRequest& request,
                                 const std::vector<aws::QueryParam>& params);

  SessionIssuer& issuer_;
  const iam::IdentityStore& identities_;
  std::optional<JwtVerifier> web_identity_key_;
};

// The query protocol's parameters: the form body of a POST, else the URL's query ('+' is a
// space in both).
std::vector<aws::QueryParam> query_parameters(const HttpRequest& request);

}  // namespace csv2ddb::local::sts
