#include "aws/aws_error.hpp"

#include <array>

#include "aws/xml.hpp"
#include "ingest/retry_policy.hpp"
#include "model/json.hpp"

namespace csv2ddb::aws {
namespace {

// Throttling and transient codes are the engine's (ingest::classify): one list for the whole
// project. Clock skew is the clients' own concern: they correct the clock and sign again.
constexpr std::array<std::string_view, 3> kClockSkewCodes = {
    "RequestTimeTooSkewed", "RequestExpired", "RequestInTheFuture"};

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& list, std::string_view code) {
  for (auto entry : list) {
    if (entry == code) return true;
  }
  return false;
}

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
  if (http_status == 500) return "InternalServerError";
  if (http_status == 503) return "ServiceUnavailable";
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

std::string_view retry_class_name(RetryClass retry) {
  switch (retry) {
    case RetryClass::kNone:
      return "none";
    case RetryClass::kThrottling:
      return "throttling";
    case RetryClass::kTransient:
      return "transient";
    case RetryClass::kClockSkew:
      return "clock-skew";
  }
  return "none";
}

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

RetryClass classify_retry(int http_status, std::string_view code, std::string_view message) {
  if (contains(kClockSkewCodes, code)) return RetryClass::kClockSkew;
  if (code == "InvalidSignatureException" &&
      (message.find("Signature expired") != std::string_view::npos ||
       message.find("Signature not yet current") != std::string_view::npos)) {
    return RetryClass::kClockSkew;
  }
  // Status 0 (no response) is transient for the engine; here it never arrives with a code that
  // needs it, since transport errors go through from_transport_error.
  switch (ingest::classify(http_status == 0 ? -1 : http_status, code)) {
    case ingest::ErrorClass::kThrottling:
      return RetryClass::kThrottling;
    case ingest::ErrorClass::kTransient:
      return RetryClass::kTransient;
    case ingest::ErrorClass::kNotRetryable:
      return RetryClass::kNone;
  }
  return RetryClass::kNone;
}

AwsError from_transport_error(const Error& error) {
  AwsError out;
  out.code = error.code;
  out.message = error.message;
  out.retry = error.code == "TlsError" ? RetryClass::kNone : RetryClass::kTransient;
  return out;
}

std::string status_error_code(int http_status) {
  switch (http_status) {
    case 301:
      return "PermanentRedirect";
    case 304:
      return "NotModified";
    case 400:
      return "BadRequest";
    case 403:
      return "Forbidden";
    case 404:
      return "NotFound";
    case 412:
      return "PreconditionFailed";
    case 416:
      return "InvalidRange";
    case 500:
      return "InternalError";
    case 503:
      return "SlowDown";
    default:
      return "HttpStatus" + std::to_string(http_status);
  }
}

AwsError decode_s3_error(int http_status, const HeaderList& headers, std::string_view body) {
  std::string code, message, request_id;
  if (auto doc = parse_xml(body); doc && doc->name == "Error") {
    code = doc->child_text("Code");
    message = doc->child_text("Message");
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

std::string encode_dynamodb_error(std::string_view code, std::string_view message) {
  std::string out = "{\"__type\":";
  model::append_json_string(out, "com.amazonaws.dynamodb.v20120810#" + std::string(code));
  out += ",\"message\":";
  model::append_json_string(out, message);
  out += "}";
  return out;
}

}  // namespace csv2ddb::aws
