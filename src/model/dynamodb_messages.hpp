// DynamoDB's own wording for invalid attribute values, shared by the DynamoDB JSON and plain
// JSON decoders (and usable by the local DynamoDB service, so that both sides say the same).
#pragma once

#include <string>
#include <string_view>

#include "model/number.hpp"

namespace csv2ddb::model {

// The message DynamoDB gives for a number that canonicalize_number did not accept.
std::string dynamodb_number_message(NumberStatus status, std::string_view text);

}  // namespace csv2ddb::model
