#include "lambda/invocation.hpp"

namespace csv2ddb::lambda {

std::chrono::milliseconds InvocationRequest::time_remaining() const {
  if (deadline == std::chrono::system_clock::time_point{}) return std::chrono::hours(24);
  return std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                               std::chrono::system_clock::now());
}

InvocationResponse InvocationResponse::success(std::string payload, std::string content_type) {
  InvocationResponse response;
  response.success_ = true;
  response.payload_ = std::move(payload);
  response.content_type_ = std::move(content_type);
  return response;
}

InvocationResponse InvocationResponse::failure(std::string error_message, std::string error_type) {
  InvocationResponse response;
  response.success_ = false;
  response.error_message_ = std::move(error_message);
  response.error_type_ = error_type.empty() ? "Error" : std::move(error_type);
  response.content_type_ = "application/json";
  return response;
}

}  // namespace csv2ddb::lambda
