// Comparing and adding DynamoDB numbers exactly, on their canonical decimal text (no double):
// what condition expressions (<, BETWEEN) and update expressions (SET a = a + :n, ADD) need.
#pragma once

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace csv2ddb::model {

// -1, 0 or 1 as a < b, a == b, a > b; both canonical (canonical_number).
int compare_numbers(std::string_view a, std::string_view b);

// a + b, or a - b, canonical, within DynamoDB's limits (38 significant digits, magnitude). Error
// "ValidationException" when the result is out of them, in DynamoDB's words.
Result<std::string> add_numbers(std::string_view a, std::string_view b, bool subtract = false);

}  // namespace csv2ddb::model
