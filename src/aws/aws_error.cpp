#include "aws/aws_error.hpp"

#include "aws/xml.hpp"
#include "model/json.hpp"

namespace csv2ddb::aws {
namespace {

std::string header_value(const HeaderList& headers, std::string_view name) {
  const Header* h = find_header(headers, name);
  return h == nullptr ? std::string() : h->value;
}

AwsError finish(int http_status, std::string code, std::string message, std::string request_id) {
  AwsError error;
  error.http_status = http_status;
  error.code = code.empty() ? status_error_code(http_status) : std::move(code);
  error.message = std::move(message);
  error.request_id = std::move(request_id);
  error.retry = classify_retry(http_status, error.code, error.message);
  return error;
}

// JSON services: a body that did not say (a proxy's HTML page, an empty 5xx).
std::string json_service_status_code(int http_status) {
  if (http_status == 500) return std::string(code::kInternalServerError);
  if (http_status == 503) return std::string(code::kServiceUnavailable);
  return status_error_code(http_status);
}

std::string json_text(const model::JsonValue& doc, std::string_view key) {
  const model::JsonValue* v = doc.find(key);
  return v != nullptr && v->is_string() ? v->as_string() : std::string();
}

// "message" or "Message" (services differ, and even one service's errors differ).
std::string json_message(const model::JsonValue& doc) {
  std::string message = json_text(doc, "message");
  return message.empty() ? json_text(doc, "Message") : message;
}

std::string after_hash(std::string_view type) {
  auto hash = type.rfind('#');
  return std::string(hash == std::string_view::npos ? type : type.substr(hash + 1));
}

}  // namespace

std::string AwsError::to_string() const {
  return to_error().to_string();
}

Error AwsError::to_error() const {
  std::string text = message.empty() ? std::string("(no message)") : message;
  if (http_status != 0 || !request_id.empty()) {
    text += " (";
    if (http_status != 0) text += "HTTP " + std::to_string(http_status);
    if (!request_id.empty()) {
      if (http_status != 0) text += ", ";
      text += "request id " + request_id;
    }
    text += ")";
  }
  return Error{code, std::move(text)};
}

AwsError from_transport_error(const Error& error) {
  AwsError out;
  out.code = error.code;
  out.message = error.message;
  out.retry = has_code(error, code::kTlsError) ? RetryClass::kNone : RetryClass::kTransient;
  return out;
}

AwsError decode_s3_error(int http_status, const HeaderList& headers, std::string_view body) {
  std::string code, message, request_id;
  if (auto doc = parse_xml(body); doc && (doc->name == "Error" || doc->name == "ErrorResponse")) {
    // S3 answers <Error>; the query-protocol services (STS) <ErrorResponse><Error>.
    const XmlElement* error = doc->name == "Error" ? &*doc : doc->child("Error");
    if (error != nullptr) {
      code = error->child_text("Code");
      message = error->child_text("Message");
    }
    request_id = doc->child_text("RequestId");
  }
  if (request_id.empty()) request_id = header_value(headers, "x-amz-request-id");
  if (message.empty() && http_status == 301) {
    std::string region = header_value(headers, "x-amz-bucket-region");
    if (!region.empty()) message = "the bucket is in region " + region;
  }
  return finish(http_status, std::move(code), std::move(message), std::move(request_id));
}

AwsError decode_dynamodb_error(int http_status, const HeaderList& headers, std::string_view body) {
  std::string code, message;
  if (auto doc = model::parse_json(body); doc && doc->is_object()) {
    code = after_hash(json_text(*doc, "__type"));
    message = json_message(*doc);
  }
  if (code.empty()) code = after_hash(header_value(headers, "x-amzn-ErrorType"));
  if (code.empty()) code = json_service_status_code(http_status);
  std::string request_id = header_value(headers, "x-amzn-RequestId");
  return finish(http_status, std::move(code), std::move(message), std::move(request_id));
}

AwsError decode_lambda_error(int http_status, const HeaderList& headers, std::string_view body) {
  std::string code = header_value(headers, "x-amzn-ErrorType");
  if (auto colon = code.find(':'); colon != std::string::npos) code.resize(colon);
  std::string message;
  if (auto doc = model::parse_json(body); doc && doc->is_object()) {
    if (code.empty()) code = after_hash(json_text(*doc, "__type"));
    if (code.empty()) code = json_text(*doc, "Type");
    message = json_message(*doc);
  }
  if (code.empty()) code = json_service_status_code(http_status);
  std::string request_id = header_value(headers, "x-amzn-RequestId");
  return finish(http_status, std::move(code), std::move(message), std::move(request_id));
}

std::string encode_s3_error(std::string_view code, std::string_view message,
                            std::string_view resource, std::string_view request_id) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>";
  append_xml_escaped(out, code);
  out += "</Code><Message>";
  append_xml_escaped(out, message);
  out += "</Message>";
  if (!resource.empty()) {
    out += "<Resource>";
    append_xml_escaped(out, resource);
    out += "</Resource>";
  }
  out += "<RequestId>";
  append_xml_escaped(out, request_id);
  out += "</RequestId></Error>";
  return out;
}

std::string encode_dynamodb_error(std::string_view code, std::string_view message,
                                  std::string_view members) {
  std::string out = "{\"__type\":";
  model::append_json_string(out, "com.amazonaws.dynamodb.v20120810#" + std::string(code));
  out += ",\"message\":";
  model::append_json_string(out, message);
  if (!members.empty()) {
    out += ',';
    out += members;
  }
  out += "}";
  return out;
}

}  // namespace csv2ddb::aws
