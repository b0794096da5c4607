// CloudFormation's answers as XML, member for member as the 2010-05-15 API writes them.
#pragma once

#include <string>
#include <string_view>

#include "local/cloudformation/stack_types.hpp"

namespace csv2ddb::local::cloudformation {

// <Name>escaped text</Name>
std::string element(std::string_view name, std::string_view text);
// <ActionResponse xmlns=...><ActionResult>result</ActionResult><ResponseMetadata>...
std::string answer_xml(std::string_view action, const std::string& result,
                       const std::string& request_id);
std::string error_xml(std::string_view code, std::string_view message,
                      const std::string& request_id);

std::string stack_xml(const Stack& stack);
std::string stack_summary_xml(const Stack& stack);
std::string change_set_xml(const ChangeSet& change_set);
std::string events_xml(const Stack& stack);  // newest first
std::string resources_xml(const Stack& stack);
// GetTemplateSummary of a template body: its parameters, capabilities and resource types.
std::string template_summary_xml(const std::string& template_body);

}  // namespace csv2ddb::local::cloudformation
