// Text to trees, before resolution: paths may hold #name placeholders (a PathElement whose name
// starts with '#') and values are :placeholders. Syntax only; the meaning is checked and the
// placeholders resolved by expression_check.cpp.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "model/expression.hpp"

namespace csv2ddb::model::expression_detail {

// What the parser found beyond syntax: `((a = :v))` is valid syntax but DynamoDB refuses it.
struct ParseNotes {
  bool redundant_parentheses = false;
};

// Errors: the syntax error message (without the "Invalid XExpression: " prefix).
Result<ConditionNode> parse_condition_text(std::string_view text, ParseNotes& notes);
Result<std::vector<UpdateAction>> parse_update_text(std::string_view text, ParseNotes& notes,
                                                    std::vector<std::string>& repeated_sections);
Result<std::vector<DocumentPath>> parse_projection_text(std::string_view text);

}  // namespace csv2ddb::model::expression_detail
