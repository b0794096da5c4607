// AWS::S3::Bucket, AWS::S3::BucketPolicy and AWS::DynamoDB::Table. Buckets are created through
// the S3 API and tables through DynamoDB's CreateTable, so the template meets the same
// validation a client would; both are kept when they already exist in the data folder (a
// restart deploys the stack again onto the data it left).
#include <set>
#include <utility>
#include <vector>

#include "aws/error_codes.hpp"
#include "local/deploy/resource_handlers.hpp"

namespace csv2ddb::local::deploy {
namespace {

using model::JsonValue;

// Properties that change nothing a local client can observe (encryption at rest, public
// access blocks, tags...): accepted. Any other property is refused rather than ignored.
const std::set<std::string, std::less<>> kBucketNoOps = {"BucketName",
                                                         "BucketEncryption",
                                                         "PublicAccessBlockConfiguration",
                                                         "OwnershipControls",
                                                         "Tags",
                                                         "LifecycleConfiguration",
                                                         "CorsConfiguration",
                                                         "LoggingConfiguration",
                                                         "MetricsConfigurations",
                                                         "IntelligentTieringConfigurations",
                                                         "AccelerateConfiguration"};
const std::set<std::string, std::less<>> kTableNoOps = {"TableName",
                                                        "KeySchema",
                                                        "AttributeDefinitions",
                                                        "BillingMode",
                                                        "ProvisionedThroughput",
                                                        "SSESpecification",
                                                        "PointInTimeRecoverySpecification",
                                                        "Tags",
                                                        "TimeToLiveSpecification",
                                                        "DeletionProtectionEnabled",
                                                        "TableClass",
                                                        "ContributorInsightsSpecification",
                                                        "OnDemandThroughput",
                                                        "WarmThroughput",
                                                        "GlobalSecondaryIndexes",
                                                        "LocalSecondaryIndexes"};

Status only_known(const std::string& logical_id, const JsonValue& properties,
                  const std::set<std::string, std::less<>>& known) {
  std::string unknown;
  for (const auto& [name, value] : properties.as_object()) {
    if (known.count(name) == 0) unknown += (unknown.empty() ? "" : ", ") + name;
  }
  if (unknown.empty()) return {};
  return make_error("InvalidTemplate", logical_id +
                                           ": csv2ddb local does not support the "
                                           "properties " +
                                           unknown);
}

// [(name, HASH|RANGE)...] of a KeySchema, whatever the order of each element's members.
std::vector<std::pair<std::string, std::string>> key_pairs(const JsonValue* schema) {
  std::vector<std::pair<std::string, std::string>> out;
  if (schema == nullptr || !schema->is_array()) return out;
  for (const JsonValue& key : schema->as_array()) {
    out.emplace_back(string_property(key, "AttributeName"), string_property(key, "KeyType"));
  }
  return out;
}

// Numbers that came through Ref arrive as strings; CreateTable wants numbers.
JsonValue as_number(const JsonValue& value) {
  return value.is_string() ? JsonValue::number_text(value.as_string()) : value;
}

// An index declaration with its ProvisionedThroughput's numbers as numbers.
JsonValue with_numbers(const JsonValue& index) {
  JsonValue out = JsonValue::object();
  if (!index.is_object()) return index;
  for (const auto& [field, value] : index.as_object()) {
    if (field != "ProvisionedThroughput" || !value.is_object()) {
      out.set(field, value);
      continue;
    }
    JsonValue units = JsonValue::object();
    for (const auto& [name, number] : value.as_object()) units.set(name, as_number(number));
    out.set(field, std::move(units));
  }
  return out;
}

}  // namespace

Result<DeployedResource> deploy_bucket(DeployContext& context, const std::string& logical_id,
                                       const JsonValue& properties) {
  if (Status ok = only_known(logical_id, properties, kBucketNoOps); !ok) return ok.take_error();
  std::string name = string_property(properties, "BucketName");
  if (name.empty()) name = generated_name(context, logical_id, 63, true);
  if (Status created = context.clients.s3()->create_bucket(name);
      !created && !aws::has_code(created.error(), aws::code::kBucketAlreadyOwnedByYou)) {
    return make_error(created.error().code, logical_id + ": " + created.error().message);
  }
  DeployedResource out;
  out.type = "AWS::S3::Bucket";
  out.physical_id = name;
  out.attributes["Arn"] = JsonValue::string("arn:aws:s3:::" + name);
  out.attributes["DomainName"] = JsonValue::string(name + ".s3.amazonaws.com");
  out.attributes["RegionalDomainName"] =
      JsonValue::string(name + ".s3." + context.control.region + ".amazonaws.com");
  out.attributes["DualStackDomainName"] =
      JsonValue::string(name + ".s3.dualstack." + context.control.region + ".amazonaws.com");
  out.attributes["WebsiteURL"] = JsonValue::string("http://" + name + ".s3-website-" +
                                                   context.control.region + ".amazonaws.com");
  return out;
}

// Recorded, not enforced: a bucket policy is a resource policy, and the usual one (deny
// requests without TLS) would refuse every request to a server that speaks plain HTTP on
// 127.0.0.1. Identity policies, which are enforced, decide what a function may do.
Result<DeployedResource> deploy_bucket_policy(DeployContext&, const std::string& logical_id,
                                              const JsonValue& properties) {
  auto bucket = required_string(properties, "Bucket", logical_id);
  if (!bucket) return bucket.take_error();
  if (properties.find("PolicyDocument") == nullptr) {
    return make_error("InvalidTemplate", logical_id + ": the property PolicyDocument is required");
  }
  DeployedResource out;
  out.type = "AWS::S3::BucketPolicy";
  out.physical_id = *bucket;
  return out;
}

Result<DeployedResource> deploy_table(DeployContext& context, const std::string& logical_id,
                                      const JsonValue& properties) {
  if (Status ok = only_known(logical_id, properties, kTableNoOps); !ok) return ok.take_error();
  std::string name = string_property(properties, "TableName");
  if (name.empty()) name = generated_name(context, logical_id, 255, false);
  JsonValue request = JsonValue::object();
  request.set("TableName", JsonValue::string(name));
  for (const char* field : {"KeySchema", "AttributeDefinitions"}) {
    if (const JsonValue* value = properties.find(field)) request.set(field, *value);
  }
  // CloudFormation's default is PROVISIONED, with ProvisionedThroughput then required.
  const std::string billing = string_property(properties, "BillingMode");
  request.set("BillingMode", JsonValue::string(billing.empty() ? "PROVISIONED" : billing));
  if (const JsonValue* throughput = properties.find("ProvisionedThroughput")) {
    JsonValue units = JsonValue::object();
    for (const auto& [field, value] : throughput->as_object()) units.set(field, as_number(value));
    request.set("ProvisionedThroughput", std::move(units));
  }
  for (const char* field : {"LocalSecondaryIndexes", "GlobalSecondaryIndexes"}) {
    const JsonValue* indexes = properties.find(field);
    if (indexes == nullptr || !indexes->is_array()) continue;
    JsonValue copied = JsonValue::array();
    for (const JsonValue& index : indexes->as_array()) copied.push(with_numbers(index));
    request.set(field, std::move(copied));
  }
  auto created = context.control.dynamodb_call("CreateTable", model::to_json(request));
  if (!created && !aws::has_code(created.error(), aws::code::kResourceInUseException)) {
    return make_error(created.error().code, logical_id + ": " + created.error().message);
  }
  if (!created) {
    // Kept from an earlier run if its keys are the template's.
    JsonValue describe = JsonValue::object();
    describe.set("TableName", JsonValue::string(name));
    auto described = context.control.dynamodb_call("DescribeTable", model::to_json(describe));
    if (!described) return described.take_error();
    auto parsed = model::parse_json(*described);
    const JsonValue* table = parsed ? parsed->find("Table") : nullptr;
    const auto existing_keys = key_pairs(table ? table->find("KeySchema") : nullptr);
    if (existing_keys.empty() || existing_keys != key_pairs(properties.find("KeySchema"))) {
      return make_error("ResourceInUseException",
                        logical_id + ": the table " + name +
                            " already exists in the data folder with another key schema");
    }
  }
  DeployedResource out;
  out.type = "AWS::DynamoDB::Table";
  out.physical_id = name;
  out.attributes["Arn"] = JsonValue::string("arn:aws:dynamodb:" + context.control.region + ":" +
                                            std::string(iam::kAccountId) + ":table/" + name);
  return out;
}

}  // namespace csv2ddb::local::deploy
