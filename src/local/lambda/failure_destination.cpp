#include "local/lambda/failure_destination.hpp"

#include <memory>

#include "aws/aws_caller.hpp"
#include "aws/credentials.hpp"
#include "aws/http_client.hpp"
#include "aws/s3_client.hpp"

namespace csv2ddb::local::lambda {

Status put_failure_record(const std::string& endpoint_url, const std::string& region,
                          const FunctionConfig& function, const std::string& key,
                          const std::string& record) {
  constexpr std::string_view kBucketArn = "arn:aws:s3:::";
  const std::string& destination = function.on_failure_destination;
  if (!destination.starts_with(kBucketArn) || destination.size() == kBucketArn.size()) {
    return make_error("InvalidDestination",
                      "the on-failure destination " + destination + " is not an S3 bucket ARN");
  }
  const std::string bucket = destination.substr(kBucketArn.size());
  std::vector<std::unique_ptr<aws::CredentialsProvider>> providers;
  providers.push_back(
      aws::make_fixed_provider(aws::ProvidedCredentials{function.credentials, {}, "role"}));
  auto chain =
      std::make_shared<aws::CredentialsChain>(std::move(providers), aws::CredentialsChainOptions{});
  aws::HttpClientOptions http_options;
  http_options.connect_timeout = std::chrono::milliseconds(3000);
  http_options.timeout = std::chrono::milliseconds(30000);
  aws::ServiceConfig service{
      "s3", region,      aws::Endpoint{endpoint_url, true}, aws::ErrorDialect::kS3Xml,
      true, std::nullopt};
  aws::S3Client s3(std::make_shared<aws::AwsCaller>(
      std::move(service), std::move(chain),
      aws::http_transport(std::make_shared<aws::HttpClient>(http_options))));
  auto put = s3.put_object(bucket, key, record, "application/json");
  if (!put) return put.take_error();
  return {};
}

}  // namespace csv2ddb::local::lambda
