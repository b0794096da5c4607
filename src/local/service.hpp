// The contract between the router and each service of the local AWS (DynamoDB, S3, Lambda).
// The router picks a service by the request's shape, checks the SigV4 signature in the
// service's dialect, and hands the request over. A new service implements this interface and
// gets one line in Router's constructor; nothing else in the server changes.
//
// Threading: body_policy() runs on the server's reactor thread and must not block; handle()
// runs on a worker thread, several at once, so services synchronize their own state; and a
// service whose body policy says run_inline answers a pass's requests on the reactor thread,
// together (handle_inline).
#pragma once

#include <span>
#include <string>
#include <vector>

#include "aws/sigv4_verify.hpp"
#include "common/result.hpp"
#include "local/http/http_server.hpp"
#include "local/iam/identity_store.hpp"

namespace csv2ddb::local {

class Service {
 public:
  virtual ~Service() = default;

  // "dynamodb", "s3", "lambda": for logs and errors.
  virtual std::string_view name() const = 0;
  // How this service's requests are signed and which error codes an auth failure gets.
  virtual aws::AuthDialect auth_dialect() const = 0;
  // The body limit and whether large bodies go to a file (S3 uploads) or memory (JSON APIs).
  virtual BodyPolicy body_policy(const HttpRequest& head) = 0;
  // The payload hash the signature covers. JSON services hash the body; S3 returns "" so the
  // verifier takes x-amz-content-sha256 and the service checks the body as it stores it.
  virtual std::string payload_hash(const HttpRequest& request) = 0;
  // The service's wire form of an error (auth failures, a body over the limit, injected faults):
  // DynamoDB JSON with __type, S3 XML, Lambda's x-amzn-ErrorType. `error.code` is AWS's code.
  virtual HttpResponse error_response(const HttpRequest& request, const Error& error) = 0;
  // The IAM permissions the request needs (action and resource ARN), checked against the
  // signer's policies before handle() when the signer is a function's role.
  virtual std::vector<iam::Permission> permissions(const HttpRequest& request) = 0;
  // True when the request carries its own proof instead of a SigV4 signature (STS
  // AssumeRoleWithWebIdentity's token, the SSO portal's bearer token): the router then lets it
  // through unsigned and the service checks that proof.
  virtual bool allows_anonymous(const HttpRequest&) { return false; }
  // The request, already authenticated and authorized.
  virtual HttpResponse handle(HttpRequest& request) = 0;
  // The requests of one reactor pass that asked to run inline (already authenticated and
  // authorized), one response each, in order. The default handles them one by one.
  virtual std::vector<HttpResponse> handle_inline(std::span<HttpRequest* const> requests);
};

}  // namespace csv2ddb::local
