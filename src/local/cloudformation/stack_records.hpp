// Stacks saved in the data folder, so that csv2ddb local deploys them again when it starts.
#pragma once

#include <string>
#include <vector>

#include "common/result.hpp"
#include "local/cloudformation/stack_types.hpp"

namespace csv2ddb::local::cloudformation {

// Written whole to a temporary file and renamed over the old one.
Status save_stacks(const std::string& file, const std::vector<Stack>& stacks);
// No file: no stacks. Errors: "InvalidStackRecord" naming the file.
Result<std::vector<Stack>> load_stacks(const std::string& file);

}  // namespace csv2ddb::local::cloudformation
