#include "ingest/rejection_json.hpp"

#include "model/json.hpp"

namespace csv2ddb::ingest {

void append_rejection_json(std::string& out, const Rejection& rejection) {
  out.append("{\"line\":");
  out.append(std::to_string(rejection.line));
  out.append(",\"reason\":");
  model::append_json_string(out, rejection.reason);
  out.append(",\"fields\":[");
  for (std::size_t i = 0; i < rejection.fields.size(); ++i) {
    if (i > 0) out.push_back(',');
    // Fields are raw CSV bytes and may not be valid UTF-8; append_json_string must escape them
    // so that the rejected file is always valid JSON (see the row mapper's field capping).
    model::append_json_string(out, rejection.fields[i]);
  }
  out.append("]}");
}

}  // namespace csv2ddb::ingest
