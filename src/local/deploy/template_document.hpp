// A CloudFormation template as a JSON document, from YAML or JSON text. The YAML short forms
// become their long forms (`!Ref X` -> {"Ref":"X"}, `!GetAtt A.B` -> {"Fn::GetAtt":["A","B"]},
// `!Sub s` -> {"Fn::Sub":s}, and every other `!Name` -> {"Fn::Name":...}); plain scalars are
// typed as YAML 1.1 types them for CloudFormation (true/false, numbers, null), quoted ones stay
// strings.
#pragma once

#include <string>
#include <string_view>

#include "common/result.hpp"
#include "model/json.hpp"

namespace csv2ddb::local::deploy {

// Errors: "InvalidTemplate" with the line and column of a YAML syntax error.
Result<model::JsonValue> parse_template(std::string_view text);
// Errors: "InvalidTemplate" naming the file when it cannot be read.
Result<model::JsonValue> load_template(const std::string& path);

}  // namespace csv2ddb::local::deploy
