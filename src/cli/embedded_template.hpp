// deploy/template.yaml as it was when csv2ddb was built (see embedded_template.cpp.in).
#pragma once

#include <string_view>

namespace csv2ddb::cli {

std::string_view embedded_template();

}  // namespace csv2ddb::cli
