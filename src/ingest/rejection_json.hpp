// The one encoding of a rejected row, shared by `convert --rejects` and the rejected/ output:
// {"line":N,"reason":"...","fields":["...",...]}
#pragma once

#include <string>

#include "ingest/row_mapper.hpp"

namespace csv2ddb::ingest {

void append_rejection_json(std::string& out, const Rejection& rejection);

}  // namespace csv2ddb::ingest
