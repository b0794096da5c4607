// IAM identity policy evaluation, as the local AWS holds a function's calls to its role:
// wildcards, explicit Deny over Allow, NotAction/NotResource, and the parse errors that refuse
// a policy rather than enforce it wrongly.
#include <gtest/gtest.h>

#include "local/iam/identity_store.hpp"
#include "local/iam/policy.hpp"

namespace csv2ddb::local::iam {
namespace {

Policy policy(const char* json) {
  auto document = model::parse_json(json);
  EXPECT_TRUE(document);
  auto parsed = parse_policy("test-policy", *document);
  EXPECT_TRUE(parsed) << parsed.error().message;
  return *parsed;
}

TEST(IamWildcards, StarAndQuestionMark) {
  EXPECT_TRUE(wildcard_match("arn:aws:s3:::b/*", "arn:aws:s3:::b/a/b/c.csv", false));
  EXPECT_TRUE(wildcard_match("arn:aws:s3:::b/*", "arn:aws:s3:::b/", false));
  EXPECT_FALSE(wildcard_match("arn:aws:s3:::b/*", "arn:aws:s3:::b", false));
  EXPECT_TRUE(wildcard_match("*", "", false));
  EXPECT_TRUE(wildcard_match("a*b*c", "aXXbYYbc", false));
  EXPECT_FALSE(wildcard_match("a*b*c", "aXXbYYb", false));
  EXPECT_TRUE(wildcard_match("file-?.csv", "file-1.csv", false));
  EXPECT_FALSE(wildcard_match("file-?.csv", "file-12.csv", false));
  EXPECT_TRUE(wildcard_match("s3:Get*", "s3:getobject", true));
  EXPECT_FALSE(wildcard_match("s3:Get*", "s3:getobject", false));
}

TEST(IamEvaluation, AllowDenyAndImplicitDeny) {
  const std::vector<Policy> policies = {policy(R"({"Version":"2012-10-17","Statement":[
      {"Effect":"Allow","Action":["s3:PutObject","s3:GetObject"],"Resource":"arn:aws:s3:::b/out/*"},
      {"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::b/out/secret/*"},
      {"Effect":"Allow","Action":"dynamodb:*","Resource":"arn:aws:dynamodb:us-east-1:0:table/t"}]})")};
  EXPECT_EQ(evaluate(policies, "s3:PutObject", "arn:aws:s3:::b/out/x"), Decision::kAllow);
  EXPECT_EQ(evaluate(policies, "S3:putobject", "arn:aws:s3:::b/out/x"), Decision::kAllow);
  EXPECT_EQ(evaluate(policies, "s3:PutObject", "arn:aws:s3:::b/in/x"), Decision::kImplicitDeny);
  EXPECT_EQ(evaluate(policies, "s3:PutObject", "arn:aws:s3:::b/out/secret/x"),
            Decision::kExplicitDeny);
  EXPECT_EQ(evaluate(policies, "s3:DeleteObject", "arn:aws:s3:::b/out/x"), Decision::kImplicitDeny);
  EXPECT_EQ(evaluate(policies, "dynamodb:BatchWriteItem", "arn:aws:dynamodb:us-east-1:0:table/t"),
            Decision::kAllow);
  EXPECT_EQ(evaluate({}, "s3:GetObject", "arn:aws:s3:::b/x"), Decision::kImplicitDeny);
}

TEST(IamEvaluation, NotActionAndNotResource) {
  const std::vector<Policy> policies = {policy(R"({"Statement":{"Effect":"Allow",
      "NotAction":"s3:DeleteObject","NotResource":"arn:aws:s3:::b/keep/*"}})")};
  EXPECT_EQ(evaluate(policies, "s3:PutObject", "arn:aws:s3:::b/x"), Decision::kAllow);
  EXPECT_EQ(evaluate(policies, "s3:DeleteObject", "arn:aws:s3:::b/x"), Decision::kImplicitDeny);
  EXPECT_EQ(evaluate(policies, "s3:PutObject", "arn:aws:s3:::b/keep/x"), Decision::kImplicitDeny);
}

TEST(IamParse, RefusesWhatItCannotEnforce) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*",
           "Condition":{"Bool":{"aws:SecureTransport":"true"}}}]})",
       "policy p: statement ? has a Condition, which csv2ddb local does not evaluate"},
      {R"({"Statement":[{"Effect":"Maybe","Action":"s3:*","Resource":"*"}]})",
       "policy p: Effect must be Allow or Deny"},
      {R"({"Statement":[{"Effect":"Allow","Resource":"*"}]})",
       "policy p: a statement needs exactly one of Action and NotAction"},
      {R"({"Statement":[{"Effect":"Allow","Action":"s3:*"}]})",
       "policy p: a statement needs exactly one of Resource and NotResource"},
      {R"({"Statement":[{"Effect":"Allow","Action":[],"Resource":"*"}]})",
       "policy p: Action must be a string or a non-empty list"},
      {R"({"Version":"2012-10-17"})", "policy p: the document has no Statement"},
  };
  for (const auto& [json, message] : cases) {
    auto parsed = parse_policy("p", *model::parse_json(json));
    ASSERT_FALSE(parsed) << json;
    EXPECT_EQ(parsed.error().code, "MalformedPolicyDocument");
    EXPECT_EQ(parsed.error().message, message);
  }
}

TEST(IdentityStore, OnlyRoleSessionsAreHeldToPolicies) {
  IdentityStore store;
  store.put_role(Role{"reader",
                      "arn:aws:iam::000000000000:role/reader",
                      {policy(R"({"Statement":[{"Effect":"Allow","Action":"s3:GetObject",
                                   "Resource":"arn:aws:s3:::b/*"}]})")}});
  ASSERT_TRUE(store.bind_session("ASIAKEY", "reader", "fn"));
  EXPECT_TRUE(store.is_restricted("ASIAKEY"));
  EXPECT_FALSE(store.is_restricted("test"));
  EXPECT_TRUE(store.authorize("ASIAKEY", {{"s3:GetObject", "arn:aws:s3:::b/k"}}));
  const Status refused = store.authorize(
      "ASIAKEY", {{"s3:GetObject", "arn:aws:s3:::b/k"}, {"s3:PutObject", "arn:aws:s3:::b/k"}});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "AccessDenied");
  EXPECT_EQ(refused.error().message,
            "User: arn:aws:sts::000000000000:assumed-role/reader/fn is not authorized to "
            "perform: s3:PutObject on resource: arn:aws:s3:::b/k because no identity-based "
            "policy allows the s3:PutObject action");
  EXPECT_TRUE(store.authorize("test", {{"s3:PutObject", "arn:aws:s3:::b/k"}}));
  EXPECT_FALSE(store.bind_session("ASIAOTHER", "nobody", "fn"));
  ASSERT_TRUE(store.attach_policy("reader", policy(R"({"Statement":[{"Effect":"Allow",
      "Action":"s3:PutObject","Resource":"arn:aws:s3:::b/k"}]})")));
  EXPECT_TRUE(store.authorize("ASIAKEY", {{"s3:PutObject", "arn:aws:s3:::b/k"}}));
  EXPECT_EQ(store.attach_policy("nobody", Policy{}).error().code, "NoSuchEntity");
}

}  // namespace
}  // namespace csv2ddb::local::iam
