#include "lambda/custom_resource.hpp"

namespace csv2ddb::lambda {
namespace {

std::string string_member(const model::JsonValue& object, std::string_view name) {
  const model::JsonValue* value = object.find(name);
  return value != nullptr && (value->is_string() || value->is_number()) ? value->as_string()
                                                                        : std::string();
}

}  // namespace

std::string CustomResourceEvent::property(std::string_view name) const {
  return string_member(properties, name);
}

std::string CustomResourceEvent::old_property(std::string_view name) const {
  return string_member(old_properties, name);
}

Result<CustomResourceEvent> parse_custom_resource_event(std::string_view payload) {
  Result<model::JsonValue> parsed = model::parse_json(payload);
  if (!parsed) {
    return make_error("InvalidEvent", "the event is not JSON: " + parsed.error().message);
  }
  CustomResourceEvent event;
  event.request_type = string_member(*parsed, "RequestType");
  event.response_url = string_member(*parsed, "ResponseURL");
  event.stack_id = string_member(*parsed, "StackId");
  event.request_id = string_member(*parsed, "RequestId");
  event.logical_resource_id = string_member(*parsed, "LogicalResourceId");
  event.physical_resource_id = string_member(*parsed, "PhysicalResourceId");
  event.resource_type = string_member(*parsed, "ResourceType");
  for (const char* required :
       {"RequestType", "ResponseURL", "StackId", "RequestId", "LogicalResourceId"}) {
    if (string_member(*parsed, required).empty()) {
      return make_error("InvalidEvent", std::string("not a CloudFormation custom resource event: "
                                                    "no ") +
                                            required);
    }
  }
  if (const model::JsonValue* props = parsed->find("ResourceProperties");
      props != nullptr && props->is_object()) {
    event.properties = *props;
  } else {
    event.properties = model::JsonValue::object();
  }
  if (const model::JsonValue* old = parsed->find("OldResourceProperties");
      old != nullptr && old->is_object()) {
    event.old_properties = *old;
  } else {
    event.old_properties = model::JsonValue::object();
  }
  return event;
}

std::string custom_resource_response_body(const CustomResourceEvent& event,
                                          const CustomResourceAnswer& answer) {
  std::string out;
  model::JsonWriter json(out);
  json.raw(answer.success ? "{\"Status\":\"SUCCESS\"" : "{\"Status\":\"FAILED\"");
  json.raw(",\"Reason\":");
  json.string(answer.reason);
  json.raw(",\"PhysicalResourceId\":");
  json.string(answer.physical_resource_id);
  json.raw(",\"StackId\":");
  json.string(event.stack_id);
  json.raw(",\"RequestId\":");
  json.string(event.request_id);
  json.raw(",\"LogicalResourceId\":");
  json.string(event.logical_resource_id);
  json.raw(",\"Data\":");
  if (answer.data.is_object()) {
    json.value(answer.data);
  } else {
    json.raw("{}");
  }
  json.ch('}');
  return out;
}

Status send_custom_resource_response(aws::HttpClient& http, const CustomResourceEvent& event,
                                     const CustomResourceAnswer& answer) {
  aws::HttpRequest request;
  request.method = "PUT";
  request.url = event.response_url;
  request.body = custom_resource_response_body(event, answer);
  // The presigned URL was signed with no Content-Type: sending one breaks the signature.
  request.headers.push_back({"Content-Type", ""});
  Result<aws::HttpResponse> response = http.send(request);
  if (!response) return response.take_error();
  if (!response->ok()) {
    return make_error("ResponseRejected", "the ResponseURL answered HTTP " +
                                              std::to_string(response->status) + ": " +
                                              response->body.substr(0, 512));
  }
  return {};
}

}  // namespace csv2ddb::lambda
