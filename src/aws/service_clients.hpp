// Wires the clients the way the CLI and the Lambda handlers need them: one HttpClient (one
// connection pool) and one CredentialsChain shared by every service, the region and each
// service's endpoint resolved from flags, the environment and the profile (endpoints.hpp). Also
// read from the environment, else the profile, as the AWS SDKs do:
//   AWS_CA_BUNDLE / ca_bundle         a PEM file of CAs to trust instead of the system's;
//   AWS_MAX_ATTEMPTS / max_attempts   attempts per call, the first included (default 4, the
//                                     reference's 3 retries; 1 turns retries off); retry() hands
//                                     the same to the writer lanes;
//   AWS_RETRY_MODE / retry_mode       legacy, standard (default) or adaptive (retry_policy.hpp).
// A malformed config or credentials file is an error naming its line.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "aws/aws_caller.hpp"
#include "aws/credentials.hpp"
#include "aws/dynamodb_client.hpp"
#include "aws/environment.hpp"
#include "aws/http_client.hpp"
#include "aws/lambda_client.hpp"
#include "aws/s3_client.hpp"
#include "aws/sts_client.hpp"

namespace csv2ddb::aws {

// The transport limits of every production client (the CLI and the Lambda handlers), so that a
// dead or stalled endpoint is an error within seconds instead of a hang:
//  - connect within 3 s;
//  - a transfer that moves less than 1 byte/s for 20 s is aborted. This stall limit, not a
//    whole-request timeout, is what bounds S3: a multi-gigabyte GET may take an hour but never
//    stops moving for 20 s;
//  - no whole-request limit by default (see kDynamoDbRequestTimeout for DynamoDB's).
// A transfer cut by either limit fails with RequestTimeout, which AwsCaller retries.
HttpClientOptions production_http_options();

// Every DynamoDB request is bounded as a whole: answers take milliseconds, and even a full
// 16 MB BatchWriteItem goes up in 10 s at 13 Mbit/s (a typical batch is a few KB). A timed-out
// batch is retried like any transient failure, and its rows end up unprocessed, never lost.
inline constexpr std::chrono::milliseconds kDynamoDbRequestTimeout{10000};

struct ServiceClientsOptions {
  std::string region;        // --region
  std::string endpoint_url;  // --endpoint-url (every service without AWS_ENDPOINT_URL_<SERVICE>)
  std::string profile;       // --profile
  HttpClientOptions http = production_http_options();
  std::chrono::milliseconds dynamodb_timeout = kDynamoDbRequestTimeout;
  AwsCallerOptions caller;
};

class ServiceClients {
 public:
  // Errors: MissingRegion, InvalidEndpoint, InvalidConfiguration (a malformed shared file, a
  // CA bundle that cannot be read, max attempts not a number from 1 to 100, an unknown retry
  // mode).
  static Result<ServiceClients> create(const Environment& env,
                                       const ServiceClientsOptions& options);

  const std::string& region() const { return region_; }
  std::shared_ptr<DynamoDbClient> dynamodb() const { return dynamodb_; }
  std::shared_ptr<S3Client> s3() const { return s3_; }
  std::shared_ptr<LambdaClient> lambda() const { return lambda_; }
  std::shared_ptr<CredentialsChain> credentials() const { return credentials_; }
  std::shared_ptr<StsClient> sts() const { return sts_; }
  // The retry settings every call uses; the writer lanes take them too.
  const RetryConfig& retry() const { return retry_; }

 private:
  std::string region_;
  RetryConfig retry_;
  std::shared_ptr<StsClient> sts_;
  std::shared_ptr<HttpClient> http_;
  std::shared_ptr<CredentialsChain> credentials_;
  std::shared_ptr<DynamoDbClient> dynamodb_;
  std::shared_ptr<S3Client> s3_;
  std::shared_ptr<LambdaClient> lambda_;
};

}  // namespace csv2ddb::aws
