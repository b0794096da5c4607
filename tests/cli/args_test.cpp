#include "cli/args.hpp"

#include <gtest/gtest.h>

namespace csv2ddb::cli {
namespace {

const std::vector<OptionSpec> kSpecs = {
    {"rows"}, {"output"}, {"dry-run", false}, {"param", true, true}};

TEST(Args, ValuesFlagsAndPositionals) {
  auto args = Args::parse({"in.csv", "--rows", "5", "--output=o.json", "--dry-run", "-", "--param",
                           "A=1", "--param=B=2"},
                          kSpecs, "test");
  ASSERT_TRUE(args.ok()) << args.error().message;
  EXPECT_EQ(args->positional(), (std::vector<std::string>{"in.csv", "-"}));
  EXPECT_EQ(args->get("rows"), "5");
  EXPECT_EQ(args->get("output"), "o.json");
  EXPECT_TRUE(args->has("dry-run"));
  EXPECT_EQ(args->get_all("param"), (std::vector<std::string>{"A=1", "B=2"}));
  EXPECT_FALSE(args->help());
}

TEST(Args, ErrorsSayWhatIsWrong) {
  EXPECT_EQ(Args::parse({"--nope"}, kSpecs, "test").error().message,
            "unknown option --nope (see 'csv2ddb test --help')");
  EXPECT_EQ(Args::parse({"--rows"}, kSpecs, "test").error().message,
            "--rows needs a value (see 'csv2ddb test --help')");
  EXPECT_EQ(Args::parse({"--rows", "1", "--rows", "2"}, kSpecs, "test").error().message,
            "--rows is given more than once (see 'csv2ddb test --help')");
  EXPECT_EQ(Args::parse({"--dry-run=yes"}, kSpecs, "test").error().message,
            "--dry-run takes no value");
}

TEST(Args, IntegersAreCheckedAndBounded) {
  auto args = Args::parse({"--rows", "12x"}, kSpecs, "test");
  ASSERT_TRUE(args.ok());
  EXPECT_EQ(args->get_int("rows", 1, 0, 100).error().message,
            "--rows must be a whole number between 0 and 100, got '12x'");
  auto fine = Args::parse({"--rows", "42"}, kSpecs, "test");
  EXPECT_EQ(*fine->get_int("rows", 1, 0, 100), 42);
  EXPECT_EQ(*fine->get_int("output", 7, 0, 100), 7);
}

TEST(Args, HelpIsAlwaysAccepted) {
  EXPECT_TRUE(Args::parse({"-h"}, kSpecs, "test")->help());
  EXPECT_TRUE(Args::parse({"--help"}, kSpecs, "test")->help());
}

}  // namespace
}  // namespace csv2ddb::cli
