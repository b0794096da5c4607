// Verifying a SigV4 request: the signer's pipeline run over what the client sent, plus the
// checks a service makes around it (known key, consistent dates, clock skew, S3 body hash).
#include "aws/sigv4_verify.hpp"

#include <utility>

namespace csv2ddb::aws {
namespace {

bool is_s3(const ParsedAuthorization& parsed) {
  return parsed.dialect == AuthDialect::kS3;
}

Error malformed(const ParsedAuthorization& parsed, std::string detail) {
  if (!is_s3(parsed)) return make_error("IncompleteSignatureException", std::move(detail));
  if (parsed.presigned) return make_error("AuthorizationQueryParametersError", std::move(detail));
  return make_error("AuthorizationHeaderMalformed",
                    "The authorization header is malformed; " + std::move(detail));
}

Error unknown_key(const ParsedAuthorization& parsed) {
  if (is_s3(parsed)) {
    return make_error("InvalidAccessKeyId",
                      "The AWS Access Key Id you provided does not exist in our records.");
  }
  return make_error("UnrecognizedClientException",
                    "The security token included in the request is invalid.");
}

Error signature_mismatch(const ParsedAuthorization& parsed) {
  if (is_s3(parsed)) {
    return make_error("SignatureDoesNotMatch",
                      "The request signature we calculated does not match the signature you "
                      "provided. Check your key and signing method.");
  }
  return make_error("InvalidSignatureException",
                    "The request signature we calculated does not match the signature you "
                    "provided. Check your AWS Secret Access Key and signing method. Consult the "
                    "service documentation for details.");
}

std::string minutes_text(std::chrono::seconds skew) {
  return std::to_string(std::chrono::duration_cast<std::chrono::minutes>(skew).count()) + " min.";
}

// DynamoDB's wording, which SDKs parse to correct their clocks.
Error expired(const std::string& request_time, std::chrono::system_clock::time_point now,
              std::chrono::seconds skew) {
  return make_error("InvalidSignatureException", "Signature expired: " + request_time +
                                                     " is now earlier than " +
                                                     amz_date(now - skew) + " (" + amz_date(now) +
                                                     " - " + minutes_text(skew) + ")");
}

Error not_yet_current(const std::string& request_time, std::chrono::system_clock::time_point now,
                      std::chrono::seconds skew) {
  return make_error("InvalidSignatureException", "Signature not yet current: " + request_time +
                                                     " is still later than " +
                                                     amz_date(now + skew) + " (" + amz_date(now) +
                                                     " + " + minutes_text(skew) + ")");
}

Status check_time(const ParsedAuthorization& parsed, const std::string& request_time,
                  std::chrono::system_clock::time_point signed_at,
                  std::chrono::system_clock::time_point now, std::chrono::seconds skew) {
  if (parsed.presigned) {
    const auto valid_until = signed_at + std::chrono::seconds(parsed.expires_seconds);
    if (now > valid_until) {
      if (is_s3(parsed)) return make_error("AccessDenied", "Request has expired");
      return make_error("InvalidSignatureException", "Signature expired: " + amz_date(valid_until) +
                                                         " is now earlier than " + amz_date(now) +
                                                         " (X-Amz-Date + X-Amz-Expires)");
    }
    if (signed_at > now + skew) {
      if (is_s3(parsed)) return make_error("AccessDenied", "Request is not valid yet");
      return not_yet_current(request_time, now, skew);
    }
    return {};
  }
  if (signed_at >= now - skew && signed_at <= now + skew) return {};
  if (is_s3(parsed)) {
    return make_error("RequestTimeTooSkewed",
                      "The difference between the request time and the current time is too "
                      "large.");
  }
  return signed_at < now - skew ? expired(request_time, now, skew)
                                : not_yet_current(request_time, now, skew);
}

bool is_sha256_hex(std::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// The payload hash that went into the client's canonical request.
Result<std::string> signed_payload_hash(const SignableRequest& request,
                                        const ParsedAuthorization& parsed) {
  if (!is_s3(parsed)) {
    return request.payload_hash.empty() ? std::string(kEmptySha256Hex) : request.payload_hash;
  }
  const Header* content_sha256 = find_header(request.headers, "x-amz-content-sha256");
  if (content_sha256 == nullptr) {
    if (parsed.presigned) return std::string(kUnsignedPayload);
    return make_error("InvalidRequest",
                      "Missing required header for this request: x-amz-content-sha256");
  }
  const std::string& claimed = content_sha256->value;
  if (is_sha256_hex(claimed)) {
    if (!request.payload_hash.empty() && request.payload_hash != claimed) {
      return make_error("XAmzContentSHA256Mismatch",
                        "The provided 'x-amz-content-sha256' header does not match what was "
                        "computed.");
    }
  } else if (claimed != kUnsignedPayload && claimed.rfind("STREAMING-", 0) != 0) {
    return make_error("InvalidArgument",
                      "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-... or a valid "
                      "sha256 value.");
  }
  return claimed;
}

std::string canonical_query_for(const SignableRequest& request, const ParsedAuthorization& parsed) {
  if (!parsed.presigned) return canonical_query_string(request.query);
  std::vector<QueryParam> params = parse_query(request.query);
  std::erase_if(params, [](const QueryParam& param) { return param.key == "X-Amz-Signature"; });
  return canonical_query_string(params);
}

}  // namespace

namespace {

// The request time as signed (X-Amz-Date or the presigned query), after every check that needs
// no secret; the payload hash the client signed.
struct UnsignedParts {
  std::string request_time;
  std::string payload_hash;
};

Result<UnsignedParts> check_unsigned_parts(const SignableRequest& request,
                                           const ParsedAuthorization& parsed,
                                           std::chrono::system_clock::time_point now,
                                           std::chrono::seconds allowed_skew) {
  std::string request_time;
  if (parsed.presigned) {
    request_time = parsed.amz_date;
  } else {
    const Header* date_header = find_header(request.headers, "X-Amz-Date");
    if (date_header == nullptr) {
      if (is_s3(parsed)) {
        return make_error("AccessDenied",
                          "AWS authentication requires a valid Date or "
                          "x-amz-date header");
      }
      return malformed(parsed,
                       "Authorization header requires existence of either a "
                       "'X-Amz-Date' or a 'Date' header.");
    }
    request_time = date_header->value;
  }
  const auto signed_at = parse_amz_date(request_time);
  if (!signed_at) {
    if (is_s3(parsed)) {
      return make_error("AccessDenied",
                        "AWS authentication requires a valid Date or "
                        "x-amz-date header");
    }
    return malformed(parsed, "X-Amz-Date must be in the form YYYYMMDD'T'HHMMSS'Z'");
  }
  if (request_time.compare(0, 8, parsed.date) != 0) {
    if (is_s3(parsed)) {
      return malformed(parsed, "Invalid credential date. Date is not the same as X-Amz-Date.");
    }
    return make_error("InvalidSignatureException",
                      "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of "
                      "date from HTTP: '" +
                          parsed.date + "' != '" + request_time.substr(0, 8) + "', from '" +
                          request_time + "'.");
  }
  bool host_signed = false;
  for (const std::string& name : parsed.signed_headers) {
    host_signed = host_signed || header_name_equals(name, "host");
  }
  if (!host_signed) {
    return malformed(parsed, "'Host' must be a 'SignedHeader' in the AWS Authorization.");
  }
  if (Status time_ok = check_time(parsed, request_time, *signed_at, now, allowed_skew); !time_ok) {
    return time_ok.take_error();
  }
  Result<std::string> payload_hash = signed_payload_hash(request, parsed);
  if (!payload_hash) return payload_hash.take_error();
  return UnsignedParts{std::move(request_time), std::move(*payload_hash)};
}

}  // namespace

Status verify_without_secret(const SignableRequest& request, const ParsedAuthorization& parsed,
                             std::chrono::system_clock::time_point now,
                             std::chrono::seconds allowed_skew) {
  auto parts = check_unsigned_parts(request, parsed, now, allowed_skew);
  if (!parts) return parts.take_error();
  return {};
}

Status verify(const SignableRequest& request, const ParsedAuthorization& parsed,
              const SecretLookup& secret_lookup, std::chrono::system_clock::time_point now,
              std::chrono::seconds allowed_skew) {
  const std::optional<std::string> secret =
      secret_lookup ? secret_lookup(parsed.access_key_id) : std::nullopt;
  if (!secret) return unknown_key(parsed);
  auto parts = check_unsigned_parts(request, parsed, now, allowed_skew);
  if (!parts) return parts.take_error();

  const bool s3 = is_s3(parsed);
  const std::string canonical = canonical_request(
      request.method, canonical_uri(request.path, /*double_uri_encode=*/!s3, /*normalize=*/!s3),
      canonical_query_for(request, parsed),
      canonical_headers(request.headers, parsed.signed_headers), parts->payload_hash);
  const std::string scope = credential_scope(parsed.date, parsed.region, parsed.service);
  const SigningKey key =
      SigningKeyCache::process_wide().get(*secret, parsed.date, parsed.region, parsed.service);
  const std::string expected =
      signature(key, string_to_sign(parts->request_time, scope, canonical));
  if (!constant_time_equals(expected, parsed.signature)) return signature_mismatch(parsed);
  return {};
}

}  // namespace csv2ddb::aws
