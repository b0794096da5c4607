// CloudFormation custom resources: the request event, and the answer PUT to its ResponseURL
// (a presigned S3 URL, signed for an empty Content-Type).
#pragma once

#include <string>
#include <string_view>

#include "aws/http_client.hpp"
#include "common/result.hpp"
#include "model/json.hpp"

namespace csv2ddb::lambda {

struct CustomResourceEvent {
  std::string request_type;  // Create, Update, Delete
  std::string response_url;
  std::string stack_id;
  std::string request_id;
  std::string logical_resource_id;
  std::string physical_resource_id;  // Update and Delete only
  std::string resource_type;
  model::JsonValue properties;      // ResourceProperties (an object; {} when absent)
  model::JsonValue old_properties;  // OldResourceProperties (Update)

  // A string property, "" when absent.
  std::string property(std::string_view name) const;
  std::string old_property(std::string_view name) const;
};

// Errors: "InvalidEvent" when the payload is not a custom resource event (no RequestType,
// ResponseURL, StackId, RequestId or LogicalResourceId).
Result<CustomResourceEvent> parse_custom_resource_event(std::string_view payload);

struct CustomResourceAnswer {
  bool success = false;
  std::string reason;  // required by CloudFormation when failed; shown in the stack's events
  std::string physical_resource_id;
  model::JsonValue data;  // Fn::GetAtt-able attributes (an object)
};

// {"Status":"SUCCESS"|"FAILED","Reason","PhysicalResourceId","StackId","RequestId",
//  "LogicalResourceId","Data"}.
std::string custom_resource_response_body(const CustomResourceEvent& event,
                                          const CustomResourceAnswer& answer);

// PUTs the answer to the ResponseURL. Errors: the transport's, or "ResponseRejected" for a
// non-2xx answer.
Status send_custom_resource_response(aws::HttpClient& http, const CustomResourceEvent& event,
                                     const CustomResourceAnswer& answer);

}  // namespace csv2ddb::lambda
