// Typed members of the JSON documents csv2ddb writes for itself and reads back (continuation
// events, hand-over states, checkpoints, reports): each reader finds the member, checks its type
// and says what is wrong with it by name ("rows_read is missing", "line is not a count: -1").
// Errors have code "InvalidJson"; callers add which document it was.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "model/json.hpp"

namespace csv2ddb::model {

// A whole number from 0 to 2^64-1, written without sign, fraction or exponent.
Result<std::uint64_t> count_member(const JsonValue& object, std::string_view name);
// A number that is not negative (costs: seconds, consumed capacity), read exactly as strtod does.
Result<double> non_negative_member(const JsonValue& object, std::string_view name);
// A string that is not empty.
Result<std::string> text_member(const JsonValue& object, std::string_view name);
// A string, possibly empty.
Result<std::string> string_member(const JsonValue& object, std::string_view name);
// An array of strings.
Result<std::vector<std::string>> strings_member(const JsonValue& object, std::string_view name);
// An object; the pointer stays valid as long as `object`.
Result<const JsonValue*> object_member(const JsonValue& object, std::string_view name);

// A double written so that strtod reads back the same double (%.17g), for costs that are added
// up across invocations.
std::string exact_number(double value);

}  // namespace csv2ddb::model
