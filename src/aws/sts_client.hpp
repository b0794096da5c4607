// AWS STS over its query protocol (POST form bodies, XML answers): the calls that turn one set
// of credentials into another (AssumeRole, AssumeRoleWithWebIdentity, the latter unsigned as the
// SDKs send it) and GetCallerIdentity (csv2ddb whoami). Errors keep STS's codes
// (AccessDenied, ExpiredToken, InvalidIdentityToken...) and messages.
#pragma once

#include <memory>
#include <string>

#include "aws/aws_caller.hpp"
#include "aws/credentials.hpp"
#include "aws/shared_config.hpp"

namespace csv2ddb::aws {

struct AssumeRoleRequest {
  std::string role_arn;
  std::string session_name;
  std::string external_id;    // "" = none
  int duration_seconds = 0;   // 0 = STS's default (1 hour)
  std::string serial_number;  // MFA device, with token_code
  std::string token_code;
};

struct CallerIdentity {
  std::string user_id;
  std::string account;
  std::string arn;
};

class StsClient {
 public:
  explicit StsClient(std::shared_ptr<AwsCaller> caller) : caller_(std::move(caller)) {}

  // `source` names the credentials in ProvidedCredentials::source.
  Result<ProvidedCredentials> assume_role(const AssumeRoleRequest& request, std::string source);
  Result<ProvidedCredentials> assume_role_with_web_identity(const AssumeRoleRequest& request,
                                                            const std::string& token,
                                                            std::string source);
  Result<CallerIdentity> get_caller_identity();

 private:
  std::shared_ptr<AwsCaller> caller_;
};

// Where STS is for a region: --endpoint-url-like overrides as for every service (endpoints.hpp,
// service id "sts"), else https://sts.REGION.amazonaws.com, or the global
// https://sts.amazonaws.com for the legacy regions when AWS_STS_REGIONAL_ENDPOINTS (or the
// profile's sts_regional_endpoints) is "legacy".
Result<Endpoint> sts_endpoint(const Environment& env, const SharedConfig& config,
                              std::string_view profile, std::string_view region);

// How to call STS for a region: `explicit_url` (--endpoint-url) when given, else sts_endpoint();
// the global endpoint signs for us-east-1. Each call is bounded by 10 s, as DynamoDB's are.
Result<ServiceConfig> sts_service_config(const Environment& env, const SharedConfig& config,
                                         std::string_view profile, std::string_view region,
                                         std::string_view explicit_url = {});

// Reads <Credentials> of an AssumeRole* answer. Errors never include the body.
Result<ProvidedCredentials> parse_sts_credentials(std::string_view body, std::string_view result,
                                                  std::string source);

}  // namespace csv2ddb::aws
