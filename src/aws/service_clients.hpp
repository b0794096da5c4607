// Wires the clients the way the CLI and the Lambda handlers need them: one HttpClient (one
// connection pool) and one CredentialsChain shared by every service, the region and each
// service's endpoint resolved from flags and the environment (endpoints.hpp).
#pragma once

#include <memory>
#include <string>

#include "aws/aws_caller.hpp"
#include "aws/credentials.hpp"
#include "aws/dynamodb_client.hpp"
#include "aws/environment.hpp"
#include "aws/http_client.hpp"
#include "aws/lambda_client.hpp"
#include "aws/s3_client.hpp"

namespace csv2ddb::aws {

struct ServiceClientsOptions {
  std::string region;        // --region
  std::string endpoint_url;  // --endpoint-url (every service)
  std::string profile;       // --profile
  HttpClientOptions http;
  AwsCallerOptions caller;
};

class ServiceClients {
 public:
  // Errors: MissingRegion, InvalidEndpoint.
  static Result<ServiceClients> create(const Environment& env,
                                       const ServiceClientsOptions& options);

  const std::string& region() const { return region_; }
  std::shared_ptr<DynamoDbClient> dynamodb() const { return dynamodb_; }
  std::shared_ptr<S3Client> s3() const { return s3_; }
  std::shared_ptr<LambdaClient> lambda() const { return lambda_; }
  std::shared_ptr<CredentialsChain> credentials() const { return credentials_; }

 private:
  std::string region_;
  std::shared_ptr<HttpClient> http_;
  std::shared_ptr<CredentialsChain> credentials_;
  std::shared_ptr<DynamoDbClient> dynamodb_;
  std::shared_ptr<S3Client> s3_;
  std::shared_ptr<LambdaClient> lambda_;
};

}  // namespace csv2ddb::aws
