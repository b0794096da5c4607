// One port, every service, as ARCHITECTURE.md fixes it: requests with
// `X-Amz-Target: DynamoDB_20120810.*` go to DynamoDB, `/2015-03-31/functions/...` to Lambda,
// query-protocol requests (a form POST or an Action in the query, at "/") to STS or
// CloudFormation (by the service their signature's scope names), /_console/ to the console,
// the SSO
// portal's `/federation/credentials` to SSO, everything else to S3. Every request is authenticated
// (request_auth.hpp) in the chosen service's dialect before the service sees it, and a request
// signed by a function's role is authorized against the role's policies (iam/identity_store.hpp);
// failures come back in the service's own error format.
#pragma once

#include <optional>
#include <vector>

#include "local/http/http_server.hpp"
#include "local/request_auth.hpp"
#include "local/service.hpp"

namespace csv2ddb::local {

enum class ServiceKind : std::uint8_t {
  kDynamoDb,
  kLambda,
  kS3,
  kSts,
  kSso,
  kCloudFormation,
  kConsole
};

// Which service a request is for, from its head alone.
ServiceKind route_request(const HttpRequest& head);

class Router : public HttpHandler {
 public:
  Router(const RequestAuthenticator& authenticator, const iam::IdentityStore& identities,
         Service& dynamodb, Service& lambda, Service& s3, Service& sts, Service& sso,
         Service& cloudformation, Service& console)
      : authenticator_(authenticator),
        identities_(identities),
        dynamodb_(dynamodb),
        lambda_(lambda),
        s3_(s3),
        sts_(sts),
        sso_(sso),
        cloudformation_(cloudformation),
        console_(console) {}

  BodyPolicy body_policy(const HttpRequest& head) override;
  HttpResponse body_too_large(const HttpRequest& head) override;
  HttpResponse request_timed_out(const HttpRequest& head) override;
  HttpResponse server_busy(const HttpRequest& head) override;
  HttpResponse handle(HttpRequest& request) override;
  // Each request authenticated and authorized on its own; those that pass go to their service
  // together, in order.
  std::vector<HttpResponse> handle_inline(std::span<HttpRequest* const> requests) override;

 private:
  Service& service_for(const HttpRequest& head);
  // The refusal of a request that fails authentication or authorization; nullopt when it may
  // go to its service.
  std::optional<HttpResponse> refusal(Service& service, HttpRequest& request);

  const RequestAuthenticator& authenticator_;
  const iam::IdentityStore& identities_;
  Service& dynamodb_;
  Service& lambda_;
  Service& s3_;
  Service& sts_;
  Service& sso_;
  Service& cloudformation_;
  Service& console_;
};

}  // namespace csv2ddb::local
