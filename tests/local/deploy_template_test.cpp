// The template deployer's pure parts: YAML short forms and scalar types, the intrinsic
// functions, conditions, dependencies, and parameter checks with CloudFormation's messages.
#include <gtest/gtest.h>

#include "local/deploy/intrinsics.hpp"
#include "local/deploy/parameters.hpp"
#include "local/deploy/template_document.hpp"

namespace csv2ddb::local::deploy {
namespace {

using model::JsonValue;

std::string json_of(const Result<JsonValue>& value) {
  return value ? model::to_json(*value) : "error: " + value.error().message;
}

TEST(TemplateDocument, ShortFormsBecomeLongForms) {
  auto document = parse_template(R"(
A: !Ref X
B: !GetAtt Res.Arn
C: !Sub "${X}-y"
D: !Join [",", [!Ref X, b]]
E: !If [Cond, 1, 2]
F: {Condition: C1}
G: !Select [0, !GetAZs ""]
)");
  EXPECT_EQ(json_of(document),
            R"({"A":{"Ref":"X"},"B":{"Fn::GetAtt":["Res","Arn"]},"C":{"Fn::Sub":"${X}-y"},)"
            R"("D":{"Fn::Join":[",",[{"Ref":"X"},"b"]]},"E":{"Fn::If":["Cond",1,2]},)"
            R"("F":{"Condition":"C1"},"G":{"Fn::Select":[0,{"Fn::GetAZs":""}]}})");
}

TEST(TemplateDocument, PlainScalarsAreTypedQuotedOnesStayStrings) {
  auto document = parse_template(
      "a: 12\nb: '12'\nc: true\nd: \"true\"\ne: 1.5\nf: ~\n"
      "g: 0x1F\nh: |\n  text\n");
  EXPECT_EQ(json_of(document),
            R"({"a":12,"b":"12","c":true,"d":"true","e":1.5,"f":null,"g":"0x1F","h":"text\n"})");
}

TEST(TemplateDocument, SyntaxErrorsNameLineAndColumn) {
  auto document = parse_template("a: [1, 2\nb: c\n");
  ASSERT_FALSE(document);
  EXPECT_EQ(document.error().code, "InvalidTemplate");
  EXPECT_NE(document.error().message.find("line "), std::string::npos) << document.error().message;
  EXPECT_FALSE(parse_template("- just\n- a list\n"));
}

ResolveContext context() {
  ResolveContext out;
  out.parameters = pseudo_parameters("eu-west-1", "st", "arn:stack");
  out.parameters["Name"] = JsonValue::string("imports");
  out.parameters["Sizes"] = *model::parse_json(R"(["128","256"])");
  out.conditions["Yes"] = true;
  out.conditions["No"] = false;
  DeployedResource bucket;
  bucket.type = "AWS::S3::Bucket";
  bucket.physical_id = "imports";
  bucket.attributes["Arn"] = JsonValue::string("arn:aws:s3:::imports");
  out.resources["Bucket"] = bucket;
  out.skipped.insert("Skipped");
  return out;
}

std::string resolved(const char* json) {
  auto value = model::parse_json(json);
  EXPECT_TRUE(value) << json;
  static const ResolveContext kContext = context();
  return json_of(resolve(*value, kContext));
}

TEST(Intrinsics, EveryFunction) {
  EXPECT_EQ(resolved(R"({"Ref":"Name"})"), R"("imports")");
  EXPECT_EQ(resolved(R"({"Ref":"Bucket"})"), R"("imports")");
  EXPECT_EQ(resolved(R"({"Ref":"AWS::Region"})"), R"("eu-west-1")");
  EXPECT_EQ(resolved(R"({"Fn::GetAtt":["Bucket","Arn"]})"), R"("arn:aws:s3:::imports")");
  EXPECT_EQ(resolved(R"({"Fn::GetAtt":"Bucket.Arn"})"), R"("arn:aws:s3:::imports")");
  EXPECT_EQ(resolved(R"({"Fn::Sub":"${Bucket.Arn}/in/${Name}-${AWS::AccountId}-${!Literal}"})"),
            R"("arn:aws:s3:::imports/in/imports-000000000000-${Literal}")");
  EXPECT_EQ(resolved(R"({"Fn::Sub":["${A}:${Name}",{"A":{"Ref":"AWS::Partition"}}]})"),
            R"("aws:imports")");
  EXPECT_EQ(resolved(R"({"Fn::Join":["-",["a",{"Ref":"Name"},3]]})"), R"("a-imports-3")");
  EXPECT_EQ(resolved(R"({"Fn::Select":[1,{"Ref":"Sizes"}]})"), R"("256")");
  EXPECT_EQ(resolved(R"({"Fn::Split":["/","a/b//c"]})"), R"(["a","b","","c"])");
  EXPECT_EQ(resolved(R"({"Fn::If":["Yes","y","n"]})"), R"("y")");
  EXPECT_EQ(resolved(R"({"Fn::If":["No","y","n"]})"), R"("n")");
  EXPECT_EQ(resolved(R"({"Fn::Base64":"hi"})"), R"("aGk=")");
  EXPECT_EQ(resolved(R"({"Fn::GetAZs":""})"), R"(["eu-west-1a","eu-west-1b","eu-west-1c"])");
  // AWS::NoValue removes the member or element that holds it.
  EXPECT_EQ(resolved(R"({"a":1,"b":{"Fn::If":["No","x",{"Ref":"AWS::NoValue"}]},)"
                     R"("c":[1,{"Ref":"AWS::NoValue"},2]})"),
            R"({"a":1,"c":[1,2]})");
}

TEST(Intrinsics, ErrorsNameTheFunction) {
  EXPECT_EQ(resolved(R"({"Ref":"Nope"})"),
            "error: Ref Nope: no parameter or resource has that name");
  EXPECT_EQ(resolved(R"({"Ref":"Skipped"})"),
            "error: Ref Skipped: the resource is not created (its Condition is false)");
  EXPECT_EQ(resolved(R"({"Fn::GetAtt":["Bucket","Nope"]})"),
            "error: Fn::GetAtt Bucket.Nope: a AWS::S3::Bucket has no attribute Nope in csv2ddb "
            "local");
  EXPECT_EQ(resolved(R"({"Fn::ImportValue":"x"})"),
            "error: Fn::ImportValue is not supported by csv2ddb local");
  EXPECT_EQ(resolved(R"({"Fn::Select":[5,["a"]]})"),
            "error: Fn::Select: index 5 is past the end of the list");
  EXPECT_EQ(resolved(R"({"Fn::Sub":"${Open"})"), "error: Fn::Sub: unclosed ${ in \"${Open\"");
}

TEST(Intrinsics, Conditions) {
  const ResolveContext c = context();
  auto holds = [&](const char* json) { return *evaluate_condition(*model::parse_json(json), c); };
  EXPECT_TRUE(holds(R"({"Fn::Equals":[{"Ref":"Name"},"imports"]})"));
  EXPECT_FALSE(holds(R"({"Fn::Equals":["1",2]})"));
  EXPECT_TRUE(holds(R"({"Fn::Equals":["2",2]})"));
  EXPECT_TRUE(holds(R"({"Fn::Not":[{"Condition":"No"}]})"));
  EXPECT_FALSE(holds(R"({"Fn::And":[{"Condition":"Yes"},{"Condition":"No"}]})"));
  EXPECT_TRUE(holds(R"({"Fn::Or":[{"Condition":"Yes"},{"Condition":"No"}]})"));
  EXPECT_FALSE(evaluate_condition(*model::parse_json(R"({"Condition":"Unknown"})"), c));
}

TEST(Intrinsics, DependenciesFromRefGetAttAndSub) {
  auto value = model::parse_json(R"({"a":{"Ref":"A"},"b":{"Fn::GetAtt":["B","Arn"]},)"
                                 R"("c":{"Fn::Sub":"${C.Arn}/${D}/${!E}/${AWS::Region}"},)"
                                 R"("d":{"Fn::Sub":["${F}${G}",{"F":{"Ref":"H"}}]}})");
  EXPECT_EQ(dependencies(*value),
            (std::set<std::string>{"A", "AWS::Region", "B", "C", "D", "G", "H"}));
}

Result<std::map<std::string, JsonValue, std::less<>>> parameters(
    const std::vector<std::pair<std::string, std::string>>& given) {
  static const JsonValue kTemplate = *parse_template(R"(
Parameters:
  Bucket: {Type: String, AllowedPattern: "[a-z0-9-]+", MinLength: 3, MaxLength: 10}
  Stage: {Type: String, Default: test, AllowedValues: [test, prod]}
  Retries: {Type: Number, Default: 3, MinValue: 0, MaxValue: 20}
  Sizes: {Type: CommaDelimitedList, Default: "1,2"}
)");
  return resolve_parameters(kTemplate, given);
}

TEST(Parameters, DefaultsAndGivenValues) {
  auto values = parameters({{"Bucket", "imports"}, {"Retries", "7"}});
  ASSERT_TRUE(values) << values.error().message;
  EXPECT_EQ(model::to_json((*values)["Bucket"]), R"("imports")");
  EXPECT_EQ(model::to_json((*values)["Stage"]), R"("test")");
  EXPECT_EQ(model::to_json((*values)["Retries"]), R"("7")");  // Ref of a parameter is a string
  EXPECT_EQ(model::to_json((*values)["Sizes"]), R"(["1","2"])");
}

TEST(Parameters, CloudFormationsMessages) {
  auto message = [](const std::vector<std::pair<std::string, std::string>>& given) {
    auto values = parameters(given);
    return values ? std::string("accepted") : values.error().message;
  };
  EXPECT_EQ(message({}), "Parameters: [Bucket] must have values");
  EXPECT_EQ(message({{"Bucket", "Imports"}}), "Parameter 'Bucket' must match pattern [a-z0-9-]+");
  EXPECT_EQ(message({{"Bucket", "ab"}}), "Parameter 'Bucket' must contain at least 3 characters");
  EXPECT_EQ(message({{"Bucket", "abcdefghijk"}}),
            "Parameter 'Bucket' must contain at most 10 characters");
  EXPECT_EQ(message({{"Bucket", "imports"}, {"Stage", "dev"}}),
            "Parameter 'Stage' must be one of AllowedValues");
  EXPECT_EQ(message({{"Bucket", "imports"}, {"Retries", "x"}}),
            "Parameter 'Retries' must be a number");
  EXPECT_EQ(message({{"Bucket", "imports"}, {"Retries", "21"}}),
            "Parameter 'Retries' must be a number not greater than 20");
  EXPECT_EQ(message({{"Bucket", "imports"}, {"Other", "1"}, {"More", "2"}}),
            "Parameters: [Other, More] do not exist in the template");
}

}  // namespace
}  // namespace csv2ddb::local::deploy
