#include "aws/lambda_wire.hpp"

#include "model/json.hpp"

namespace csv2ddb::aws {

std::string encode_lambda_error(std::string_view message, std::string_view type,
                                bool with_stack_trace) {
  std::string out = "{\"errorMessage\":";
  model::append_json_string(out, message);
  out += ",\"errorType\":";
  model::append_json_string(out, type);
  out += with_stack_trace ? ",\"stackTrace\":[]}" : "}";
  return out;
}

bool is_lambda_error_document(std::string_view body) {
  auto parsed = model::parse_json(body);
  return parsed && parsed->is_object() && parsed->find("errorMessage") != nullptr;
}

}  // namespace csv2ddb::aws
