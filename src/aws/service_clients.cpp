#include "aws/service_clients.hpp"

namespace csv2ddb::aws {

Result<ServiceClients> ServiceClients::create(const Environment& env,
                                              const ServiceClientsOptions& options) {
  ServiceClients out;
  auto region = resolve_region(env, options.region, options.profile);
  if (!region) return region.take_error();
  out.region_ = std::move(region).value();
  out.http_ = std::make_shared<HttpClient>(options.http);
  CredentialsChainOptions chain_options;
  chain_options.profile = options.profile;
  out.credentials_ = std::make_shared<CredentialsChain>(env, chain_options);

  auto make_caller = [&](std::string service,
                         ErrorDialect dialect) -> Result<std::shared_ptr<AwsCaller>> {
    auto endpoint = resolve_endpoint(env, service, out.region_, options.endpoint_url);
    if (!endpoint) return endpoint.take_error();
    ServiceConfig config{std::move(service), out.region_, std::move(endpoint).value(), dialect,
                         false};
    return std::make_shared<AwsCaller>(std::move(config), out.credentials_,
                                       http_transport(out.http_), options.caller);
  };
  auto dynamodb = make_caller("dynamodb", ErrorDialect::kDynamoDbJson);
  if (!dynamodb) return dynamodb.take_error();
  auto s3 = make_caller("s3", ErrorDialect::kS3Xml);
  if (!s3) return s3.take_error();
  auto lambda = make_caller("lambda", ErrorDialect::kLambda);
  if (!lambda) return lambda.take_error();
  out.dynamodb_ = std::make_shared<DynamoDbClient>(std::move(dynamodb).value());
  out.s3_ = std::make_shared<S3Client>(std::move(s3).value());
  out.lambda_ = std::make_shared<LambdaClient>(std::move(lambda).value());
  return out;
}

}  // namespace csv2ddb::aws
