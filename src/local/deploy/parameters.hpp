// A template's Parameters with the values given on the command line (--param KEY=VALUE) or
// their defaults, checked as CloudFormation checks them (Type, AllowedValues, AllowedPattern,
// MinLength/MaxLength, MinValue/MaxValue) and with CloudFormation's messages.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "model/json.hpp"

namespace csv2ddb::local::deploy {

// Values by name: a string, or a list of strings for CommaDelimitedList and List<...> types.
// Errors: "ValidationError" ("Parameters: [X] must have values", "Parameter 'X' must be one
// of AllowedValues", "Parameters: [Y] do not exist in the template", ...).
Result<std::map<std::string, model::JsonValue, std::less<>>> resolve_parameters(
    const model::JsonValue& template_document,
    const std::vector<std::pair<std::string, std::string>>& given);

}  // namespace csv2ddb::local::deploy
