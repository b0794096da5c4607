// Parsing the client's side of SigV4 (Authorization header or presigned query) for the verifier.
// Input is untrusted: every branch bounds what it reads and says what was wrong.
#include <charconv>
#include <utility>

#include "aws/sigv4_verify.hpp"

namespace csv2ddb::aws {
namespace {

constexpr std::string_view kCredentialForm =
    "expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\"";

Error malformed(AuthDialect dialect, std::string detail) {
  if (dialect == AuthDialect::kS3) {
    return make_error("AuthorizationHeaderMalformed",
                      "The authorization header is malformed; " + std::move(detail));
  }
  return make_error("IncompleteSignatureException", std::move(detail));
}

Error malformed_query(AuthDialect dialect, std::string detail) {
  if (dialect == AuthDialect::kS3) {
    return make_error("AuthorizationQueryParametersError", std::move(detail));
  }
  return make_error("IncompleteSignatureException", std::move(detail));
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool is_digits(std::string_view text) {
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return !text.empty();
}

bool is_hex(std::string_view text) {
  for (char c : text) {
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex) return false;
  }
  return true;
}

// Quotes untrusted text in a message, bounded so a huge header cannot blow up the response.
std::string quoted(std::string_view text) {
  constexpr std::size_t kMax = 64;
  std::string out = "'";
  out.append(text.substr(0, kMax));
  if (text.size() > kMax) out.append("...");
  out.push_back('\'');
  return out;
}

// "AKID/20150830/us-east-1/service/aws4_request" into the parsed fields; "" on success, else
// what was wrong.
std::string parse_credential(std::string_view credential, ParsedAuthorization& out) {
  std::string_view parts[5];
  std::size_t count = 0;
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = credential.find('/', start);
    const std::string_view part = credential.substr(start, slash - start);
    if (count == 5) return "the Credential has too many parts; " + std::string(kCredentialForm);
    parts[count++] = part;
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (count != 5) return "the Credential is mal-formed; " + std::string(kCredentialForm);
  if (parts[0].empty()) return "the Credential has no access key id";
  if (parts[1].size() != 8 || !is_digits(parts[1])) {
    return "the Credential date " + quoted(parts[1]) + " is not in the form YYYYMMDD";
  }
  if (parts[2].empty()) return "the Credential should be scoped to a valid region, not ''";
  if (parts[3].empty()) return "the Credential should be scoped to a valid service, not ''";
  if (parts[4] != "aws4_request") {
    return "the Credential should be scoped with a valid terminator: 'aws4_request', not " +
           quoted(parts[4]);
  }
  out.access_key_id = parts[0];
  out.date = parts[1];
  out.region = parts[2];
  out.service = parts[3];
  return {};
}

std::string parse_signed_headers(std::string_view list, ParsedAuthorization& out) {
  if (list.empty()) return "SignedHeaders is empty";
  std::size_t start = 0;
  while (true) {
    const std::size_t semicolon = list.find(';', start);
    const std::string_view name = list.substr(start, semicolon - start);
    if (name.empty()) return "SignedHeaders " + quoted(list) + " has an empty header name";
    out.signed_headers.emplace_back(name);
    if (semicolon == std::string_view::npos) break;
    start = semicolon + 1;
  }
  return {};
}

std::string check_signature(std::string_view signature) {
  if (signature.size() != 64 || !is_hex(signature)) {
    return "the Signature must be 64 hexadecimal digits";
  }
  return {};
}

}  // namespace

Result<ParsedAuthorization> parse_authorization_header(std::string_view value,
                                                       AuthDialect dialect) {
  ParsedAuthorization out;
  out.dialect = dialect;
  value = trim(value);
  const std::size_t space = value.find(' ');
  const std::string_view algorithm = value.substr(0, space);
  if (algorithm != kSigV4Algorithm) {
    return malformed(dialect, "unsupported authorization algorithm " + quoted(algorithm) +
                                  ", expecting 'AWS4-HMAC-SHA256'");
  }
  if (space == std::string_view::npos) {
    return malformed(dialect,
                     "Authorization header requires 'Credential' parameter. Authorization header "
                     "requires 'Signature' parameter. Authorization header requires "
                     "'SignedHeaders' parameter.");
  }
  bool have_credential = false;
  bool have_signed_headers = false;
  bool have_signature = false;
  std::string_view rest = value.substr(space + 1);
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    const std::string_view component = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (component.empty()) continue;
    const std::size_t equals = component.find('=');
    if (equals == std::string_view::npos) {
      return malformed(dialect, quoted(component) +
                                    " not a valid key=value pair (missing equal-sign) in "
                                    "Authorization header");
    }
    const std::string_view key = component.substr(0, equals);
    const std::string_view field = component.substr(equals + 1);
    std::string problem;
    if (key == "Credential" && !have_credential) {
      have_credential = true;
      problem = parse_credential(field, out);
    } else if (key == "SignedHeaders" && !have_signed_headers) {
      have_signed_headers = true;
      problem = parse_signed_headers(field, out);
    } else if (key == "Signature" && !have_signature) {
      have_signature = true;
      problem = check_signature(field);
      out.signature = field;
    } else if (key == "Credential" || key == "SignedHeaders" || key == "Signature") {
      problem = "the Authorization header repeats " + quoted(key);
    } else {
      problem = "unexpected component " + quoted(key) + " in the Authorization header";
    }
    if (!problem.empty()) return malformed(dialect, std::move(problem));
  }
  std::string missing;
  if (!have_credential) missing += "Authorization header requires 'Credential' parameter. ";
  if (!have_signature) missing += "Authorization header requires 'Signature' parameter. ";
  if (!have_signed_headers) {
    missing += "Authorization header requires 'SignedHeaders' parameter. ";
  }
  if (!missing.empty()) {
    missing.pop_back();
    return malformed(dialect, std::move(missing));
  }
  return out;
}

Result<ParsedAuthorization> parse_presigned_query(std::string_view wire_query,
                                                  AuthDialect dialect) {
  ParsedAuthorization out;
  out.dialect = dialect;
  out.presigned = true;
  const std::vector<QueryParam> params = parse_query(wire_query);
  const QueryParam* algorithm = nullptr;
  const QueryParam* credential = nullptr;
  const QueryParam* date = nullptr;
  const QueryParam* expires = nullptr;
  const QueryParam* signed_headers = nullptr;
  const QueryParam* signature = nullptr;
  const QueryParam* token = nullptr;
  for (const QueryParam& param : params) {
    const QueryParam** slot = nullptr;
    if (param.key == "X-Amz-Algorithm") slot = &algorithm;
    if (param.key == "X-Amz-Credential") slot = &credential;
    if (param.key == "X-Amz-Date") slot = &date;
    if (param.key == "X-Amz-Expires") slot = &expires;
    if (param.key == "X-Amz-SignedHeaders") slot = &signed_headers;
    if (param.key == "X-Amz-Signature") slot = &signature;
    if (param.key == "X-Amz-Security-Token") slot = &token;
    if (slot == nullptr) continue;
    if (*slot != nullptr) return malformed_query(dialect, "the query repeats " + param.key);
    *slot = &param;
  }
  if (algorithm == nullptr || credential == nullptr || date == nullptr || expires == nullptr ||
      signed_headers == nullptr || signature == nullptr) {
    return malformed_query(dialect,
                           "Query-string authentication version 4 requires the X-Amz-Algorithm, "
                           "X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, "
                           "and X-Amz-Expires parameters.");
  }
  if (algorithm->value != kSigV4Algorithm) {
    return malformed_query(dialect, "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
  }
  std::string problem = parse_credential(credential->value, out);
  if (problem.empty()) problem = parse_signed_headers(signed_headers->value, out);
  if (problem.empty()) problem = check_signature(signature->value);
  if (!problem.empty()) return malformed_query(dialect, "Error parsing the query: " + problem);
  if (!parse_amz_date(date->value)) {
    return malformed_query(dialect,
                           "X-Amz-Date must be in the ISO8601 Long Format "
                           "\"yyyyMMdd'T'HHmmss'Z'\"");
  }
  const std::string& expires_text = expires->value;
  std::int64_t expires_seconds = -1;
  const auto [end, error] = std::from_chars(
      expires_text.data(), expires_text.data() + expires_text.size(), expires_seconds);
  if (error != std::errc() || end != expires_text.data() + expires_text.size() ||
      !is_digits(expires_text)) {
    return malformed_query(dialect, "X-Amz-Expires should be a number");
  }
  if (expires_seconds > 604800) {
    return malformed_query(dialect,
                           "X-Amz-Expires must be less than a week (in seconds) that is 604800");
  }
  out.signature = signature->value;
  out.amz_date = date->value;
  out.expires_seconds = expires_seconds;
  if (token != nullptr) out.session_token = token->value;
  return out;
}

Result<ParsedAuthorization> parse_request_authorization(const SignableRequest& request,
                                                        AuthDialect dialect) {
  const Header* authorization = find_header(request.headers, "Authorization");
  const bool has_query_auth = request.query.find("X-Amz-Algorithm=") != std::string::npos ||
                              request.query.find("X-Amz-Signature=") != std::string::npos;
  if (authorization != nullptr && has_query_auth) {
    return make_error("InvalidArgument",
                      "Only one auth mechanism allowed; only the X-Amz-Algorithm query "
                      "parameter or the Authorization header should be specified");
  }
  if (authorization != nullptr) return parse_authorization_header(authorization->value, dialect);
  if (has_query_auth) return parse_presigned_query(request.query, dialect);
  if (dialect == AuthDialect::kS3) return make_error("AccessDenied", "Access Denied");
  return make_error("MissingAuthenticationTokenException",
                    "Request is missing Authentication Token");
}

}  // namespace csv2ddb::aws
