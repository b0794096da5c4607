#include "local/dynamodb/number_sort_key.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/number.hpp"

namespace csv2ddb::local::dynamodb {
namespace {

// In ascending numeric order; canonical forms. Neighbours differ in the ways that break naive
// encodings: sign, magnitude, one more digit, a shared prefix.
const std::vector<std::string> kAscending = {
    "-99999999999999999999999999999999999999" + std::string(88, '0'),
    "-1000",
    "-999.5",
    "-100",
    "-12.3",
    "-12",
    "-1.23",
    "-1.2",
    "-1",
    "-0.123",
    "-0.12",
    "-0.0001",
    "-0." + std::string(129, '0') + "1",
    "0",
    "0." + std::string(129, '0') + "1",
    "0.0001",
    "0.12",
    "0.123",
    "1",
    "1.2",
    "1.23",
    "12",
    "12.3",
    "100",
    "999.5",
    "1000",
    "99999999999999999999999999999999999999" + std::string(88, '0'),
};

TEST(NumberSortKey, BytewiseOrderIsNumericOrder) {
  for (std::size_t i = 0; i + 1 < kAscending.size(); ++i) {
    EXPECT_LT(number_sort_key(kAscending[i]), number_sort_key(kAscending[i + 1]))
        << kAscending[i] << " vs " << kAscending[i + 1];
  }
}

TEST(NumberSortKey, RoundTrips) {
  for (const std::string& number : kAscending) {
    ASSERT_TRUE(model::canonical_number(number).ok()) << number;
    EXPECT_EQ(number_from_sort_key(number_sort_key(number)), number);
  }
}

TEST(NumberSortKey, EqualValuesHaveEqualKeys) {
  // Canonicalisation happens before encoding: 1000 and 1e3 are one key.
  EXPECT_EQ(number_sort_key(*model::canonical_number("1e3")),
            number_sort_key(*model::canonical_number("1000.000")));
}

TEST(NumberSortKey, RejectsForeignBytes) {
  EXPECT_EQ(number_from_sort_key(""), "");
  EXPECT_EQ(number_from_sort_key("abc"), "");
  EXPECT_EQ(number_from_sort_key(std::string("\xC0\x03\xE8x", 4)), "");
}

}  // namespace
}  // namespace csv2ddb::local::dynamodb
