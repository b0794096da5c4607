// DynamoDB number rules: what is accepted, the canonical text, and the exact errors.
#include "model/number.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace csv2ddb::model {
namespace {

struct Canonical {
  std::string input;
  std::string expected;
};

const std::string k38Nines = "99999999999999999999999999999999999999";

TEST(CanonicalNumber, AcceptedFormsAndCanonicalText) {
  const std::vector<Canonical> cases = {
      {"0", "0"},
      {"-0", "0"},
      {"+0", "0"},
      {"0.0", "0"},
      {"-0.0", "0"},
      {"000", "0"},
      {".0", "0"},
      {"0.", "0"},
      {"0e10", "0"},
      {"0e-99999999999999999999999", "0"},
      {"1", "1"},
      {"-1", "-1"},
      {"+1", "1"},
      {"+1.5", "1.5"},
      {"007.50", "7.5"},
      {"1e3", "1000"},
      {"1E3", "1000"},
      {"1e+3", "1000"},
      {"1.5E+3", "1500"},
      {"+1e2", "100"},
      {"1E-5", "0.00001"},
      {"1e-0", "1"},
      {"1e0", "1"},
      {".5", "0.5"},
      {"-.5", "-0.5"},
      {"5.", "5"},
      {"100", "100"},
      {"1.0", "1"},
      {"10.010", "10.01"},
      {"0.000", "0"},
      {"0.05", "0.05"},
      {"123.456e1", "1234.56"},
      {"123.456e-5", "0.00123456"},
      {"1.23e2", "123"},
      {"1.23e1", "12.3"},
      {"-00012.3400e2", "-1234"},
      {"12345678901234567890", "12345678901234567890"},
      {"1.000000000000000000000000000000000000000000000", "1"},
      {"00000000000000000000000000000000000000000000001", "1"},
      // 38 significant digits: the most DynamoDB keeps.
      {"12345678901234567890123456789012345678", "12345678901234567890123456789012345678"},
      {"-1234567890123456789012345678901234567.8", "-1234567890123456789012345678901234567.8"},
      // Trailing zeros of an integer are not significant digits.
      {"1234567890123456789012345678901234567800000",
       "1234567890123456789012345678901234567800000"},
      {"0.00012345678901234567890123456789012345678",
       "0.00012345678901234567890123456789012345678"},
      // Limits of magnitude.
      {"1E-130", "0." + std::string(129, '0') + "1"},
      {"-1E-130", "-0." + std::string(129, '0') + "1"},
      {"0.1E-129", "0." + std::string(129, '0') + "1"},
      {"10E-131", "0." + std::string(129, '0') + "1"},
      {"1E+125", "1" + std::string(125, '0')},
      {"9.9999999999999999999999999999999999999E+125", k38Nines + std::string(88, '0')},
      {"-9.9999999999999999999999999999999999999E+125", "-" + k38Nines + std::string(88, '0')},
      {"99.9E+124", "999" + std::string(123, '0')},
  };
  for (const Canonical& c : cases) {
    Result<std::string> result = canonical_number(c.input);
    ASSERT_TRUE(result.ok()) << c.input << ": " << result.error().to_string();
    EXPECT_EQ(*result, c.expected) << c.input;
  }
}

TEST(CanonicalNumber, RejectsWhatIsNotANumber) {
  const std::vector<std::string> cases = {
      "",    " 1",    "1 ",    "\t1",   "0x10",  "Infinity", "-Infinity", "NaN",
      "1e",  "--1",   "+-1",   ".",     "-",     "+",        "e5",        "1e+",
      "1e-", "1.2.3", "1,000", "1_000", "1e5.5", "12a",      "a12",       "1..2",
      "١",   "1e 5",  "++1",   "-.",    ".e1",   "1f",       "0b1",       "1/2"};
  for (const std::string& input : cases) {
    Result<std::string> result = canonical_number(input);
    ASSERT_FALSE(result.ok()) << "'" << input << "' was accepted as " << *result;
    EXPECT_EQ(result.error().code, "InvalidNumber") << input;
  }
  Result<std::string> result = canonical_number("12a");
  EXPECT_EQ(result.error().message,
            "\"12a\" is not a number (expected digits with an optional sign, decimal point and "
            "exponent, e.g. -12.5 or 1E+3)");
}

TEST(CanonicalNumber, PrecisionLimit) {
  Result<std::string> result = canonical_number("12345678901234567890123456789012345678901");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "NumberPrecision");
  EXPECT_EQ(result.error().message,
            "\"12345678901234567890123456789012345678901\" has 41 significant digits; DynamoDB "
            "allows 38");

  // 39 digits: one too many, wherever the point is.
  result = canonical_number("123456789012345678901234567890123456789");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "NumberPrecision");
  EXPECT_EQ(result.error().message,
            "\"123456789012345678901234567890123456789\" has 39 significant digits; DynamoDB "
            "allows 38");
  result = canonical_number("0.000123456789012345678901234567890123456789");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "NumberPrecision");

  // Zeros between significant digits count.
  result = canonical_number("1000000000000000000000000000000000000001");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message,
            "\"1000000000000000000000000000000000000001\" has 40 significant digits; DynamoDB "
            "allows 38");
}

TEST(CanonicalNumber, MagnitudeLimits) {
  const std::vector<std::string> too_large = {"1E+126", "-1E+126", "100E+124",
                                              "1e99999999999999999999999999",
                                              "1" + std::string(126, '0')};  // 10^126
  for (const std::string& input : too_large) {
    Result<std::string> result = canonical_number(input);
    ASSERT_FALSE(result.ok()) << input;
    EXPECT_EQ(result.error().code, "NumberMagnitude") << input;
  }
  const std::vector<std::string> too_small = {"1E-131", "-1E-131", "0.01E-129",
                                              "1e-99999999999999999999"};
  for (const std::string& input : too_small) {
    Result<std::string> result = canonical_number(input);
    ASSERT_FALSE(result.ok()) << input;
    EXPECT_EQ(result.error().code, "NumberMagnitude") << input;
  }
  EXPECT_EQ(canonical_number("1E+126").error().message,
            "\"1E+126\" is too large; DynamoDB numbers go up to "
            "9.9999999999999999999999999999999999999E+125");
  EXPECT_EQ(canonical_number("1E-131").error().message,
            "\"1E-131\" is too small in magnitude; the smallest non-zero DynamoDB number is "
            "1E-130");
}

TEST(CanonicalNumber, LongInputIsTruncatedInMessages) {
  const std::string input(500, 'x');
  Result<std::string> result = canonical_number(input);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message.substr(0, 105), "\"" + std::string(100, 'x') + "...\"");
}

TEST(CanonicalizeNumber, ReportsStatusAndReusesBuffer) {
  std::string out = "previous contents";
  EXPECT_EQ(canonicalize_number("1.50", out), NumberStatus::kOk);
  EXPECT_EQ(out, "1.5");
  EXPECT_EQ(canonicalize_number("abc", out), NumberStatus::kInvalid);
  EXPECT_EQ(canonicalize_number("1E+126", out), NumberStatus::kTooLarge);
  EXPECT_EQ(canonicalize_number("1E-131", out), NumberStatus::kTooSmall);
  EXPECT_EQ(canonicalize_number("123456789012345678901234567890123456789", out),
            NumberStatus::kTooPrecise);
  // Out of range beats too precise, as in DynamoDB.
  EXPECT_EQ(canonicalize_number("123456789012345678901234567890123456789E+100", out),
            NumberStatus::kTooLarge);
}

TEST(IsPlainNumber, IntegersAndPlainDecimalsOnly) {
  const std::vector<std::string> plain = {"0",    "-12",  "12345",
                                          "3.25", "-0.5", "0.05",
                                          "10",   "100",  "12345678901234567890",
                                          "-1",   "99.9", "123456789012345678"};
  for (const std::string& text : plain) {
    EXPECT_TRUE(is_plain_number(text)) << text;
    // What infer turns into N must come back from DynamoDB as the same text.
    Result<std::string> canonical = canonical_number(text);
    ASSERT_TRUE(canonical.ok()) << text;
    EXPECT_EQ(*canonical, text);
  }
  const std::vector<std::string> not_plain = {
      "1.50", "01",  "1e5", "+1",  "-0",
      ".5",   "5.",  "",    "abc", "0.0",
      "-0.0", "1 ",  "00",  "1E5", "-01.5",
      "1.0",  "0x1", "1,5", "--1", "123456789012345678901234567890123456789"};
  for (const std::string& text : not_plain) {
    EXPECT_FALSE(is_plain_number(text)) << text;
  }
}

TEST(NumberSize, FollowsTheSignificantDigitFormula) {
  EXPECT_EQ(number_size("0"), 1u);
  EXPECT_EQ(number_size("1"), 2u);
  EXPECT_EQ(number_size("12"), 2u);
  EXPECT_EQ(number_size("123"), 3u);
  EXPECT_EQ(number_size("-1.5"), 2u);
  EXPECT_EQ(number_size("1000"), 2u);
  EXPECT_EQ(number_size("0.001"), 2u);
  EXPECT_EQ(number_size("100.01"), 4u);
  EXPECT_EQ(number_size("12345678901234567890123456789012345678"), 20u);
  EXPECT_EQ(number_size("123456789012"), 7u);
}

}  // namespace
}  // namespace csv2ddb::model
