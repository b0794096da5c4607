// AWS Signature Version 4, as a pipeline of pure steps whose intermediates are public so each
// can be checked against the AWS test suite (shared/testdata/sigv4) and against botocore:
//
//   canonical_uri ─┐
//   canonical_query_string ─┼─► canonical_request ─► string_to_sign ─► signature
//   canonical_headers ─┘                            signing_key ─────┘
//
// sign_with_headers() and presign_with_query() run the pipeline for a client; sigv4_verify.hpp
// runs the same steps on the server side (the local AWS) to check a request.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "aws/crypto.hpp"
#include "aws/http_types.hpp"
#include "common/result.hpp"

namespace csv2ddb::aws {

inline constexpr std::string_view kSigV4Algorithm = "AWS4-HMAC-SHA256";
// Values S3 accepts in x-amz-content-sha256 instead of the body's hash.
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
inline constexpr std::string_view kStreamingUnsignedPayloadTrailer =
    "STREAMING-UNSIGNED-PAYLOAD-TRAILER";

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty for long-term keys
};

// One query parameter, percent-decoded.
struct QueryParam {
  std::string key;
  std::string value;
};

// What differs between services and signing styles.
struct SigningConfig {
  std::string region;
  std::string service;
  std::chrono::system_clock::time_point time;
  Credentials credentials;
  // Encode the (already encoded) wire path once more. True for every service but S3.
  bool double_uri_encode = true;
  // Remove '.' and '..' segments and empty segments from the path. False for S3.
  bool normalize_path = true;
  // Replaces the request's payload hash in the canonical request when not empty: e.g.
  // kUnsignedPayload or kStreamingUnsignedPayloadTrailer.
  std::string signed_body_value;
  // Add x-amz-content-sha256 (the payload hash) as a signed header, as S3 requires.
  bool add_content_sha256_header = false;
  // When false the session token is added after signing, unsigned (some services want that).
  bool sign_session_token = true;
  // Presigned URLs only: how long the URL stays valid.
  std::chrono::seconds expires{3600};

  // S3: single-encoded, unnormalized path; x-amz-content-sha256 signed.
  static SigningConfig s3(std::string region, Credentials credentials,
                          std::chrono::system_clock::time_point time);
  // Every other service (DynamoDB, Lambda): double-encoded, normalized path.
  static SigningConfig standard(std::string service, std::string region, Credentials credentials,
                                std::chrono::system_clock::time_point time);
};

// The parts of an HTTP request that are signed.
struct SignableRequest {
  std::string method;        // "GET", "POST", ...
  std::string path;          // as on the wire (percent-encoded), without the query; "" means "/"
  std::string query;         // as on the wire, without the '?'
  HeaderList headers;        // must include Host
  std::string payload_hash;  // lower-case hex SHA-256 of the body; "" means an empty body
};

// ---- Step 1: the canonical URI ----

// Percent-encodes every byte except A-Z a-z 0-9 - _ . ~ (and '/' when keep_slash), upper-case.
std::string uri_encode(std::string_view text, bool keep_slash);
void append_uri_encoded(std::string_view text, bool keep_slash, std::string& out);
// Decodes %XX sequences; a '%' not followed by two hex digits is kept as is. '+' stays '+'.
std::string percent_decode(std::string_view text);
// RFC 3986 dot-segment removal plus collapsing of empty segments ("//"), keeping a leading and
// (unless the result is the root) a trailing '/'.
std::string normalize_path(std::string_view path);
std::string canonical_uri(std::string_view wire_path, const SigningConfig& config);
std::string canonical_uri(std::string_view wire_path, bool double_uri_encode, bool normalize_path);

// ---- Step 2: the canonical query string ----

// Splits a wire query on '&' into decoded key/value pairs; "a" gives key "a" with value "".
std::vector<QueryParam> parse_query(std::string_view wire_query);
// Encodes each key and value, sorts by key then value, joins with '&'.
std::string canonical_query_string(const std::vector<QueryParam>& params);
std::string canonical_query_string(std::string_view wire_query);

// ---- Step 3: the canonical headers ----

struct CanonicalHeaders {
  std::string canonical;       // "name:value\n" per signed header, sorted by name
  std::string signed_headers;  // "name1;name2;..."
};
// Lower-cases names, trims values and collapses inner whitespace runs to one space, joins the
// values of a repeated header with ',' in wire order, sorts by name. Headers that proxies and
// SDKs rewrite (authorization, user-agent, expect, x-amzn-trace-id) are never signed.
CanonicalHeaders canonical_headers(const HeaderList& headers);
// Exactly the headers named in `signed_names` (lower-case, in the given order), as a verifier
// must rebuild them; a named header absent from the request yields "name:".
CanonicalHeaders canonical_headers(const HeaderList& headers,
                                   const std::vector<std::string>& signed_names);
// The canonical form of one header value (trim + collapse whitespace runs).
std::string canonical_header_value(std::string_view value);

// ---- Steps 4 to 7 ----

std::string canonical_request(std::string_view method, std::string_view canonical_uri,
                              std::string_view canonical_query,
                              const CanonicalHeaders& canonical_headers,
                              std::string_view payload_hash);

// "20150830T123600Z" and "20150830".
std::string amz_date(std::chrono::system_clock::time_point time);
std::string amz_date_only(std::chrono::system_clock::time_point time);
// Parses "YYYYMMDDTHHMMSSZ"; an error with code "InvalidDate" otherwise.
Result<std::chrono::system_clock::time_point> parse_amz_date(std::string_view text);

// "20150830/us-east-1/service/aws4_request".
std::string credential_scope(std::string_view date, std::string_view region,
                             std::string_view service);
std::string string_to_sign(std::string_view amz_date, std::string_view scope,
                           std::string_view canonical_request);

using SigningKey = Sha256Digest;
SigningKey derive_signing_key(std::string_view secret_access_key, std::string_view date,
                              std::string_view region, std::string_view service);
// Lower-case hex HMAC of the string to sign.
std::string signature(const SigningKey& key, std::string_view string_to_sign);

// The signing key changes once a day per region and service, so signers and verifiers keep the
// last few. Entries are keyed by the SHA-256 of the secret: the cache holds no copy of it.
class SigningKeyCache {
 public:
  explicit SigningKeyCache(std::size_t capacity = 16) : capacity_(capacity) {}
  SigningKey get(std::string_view secret_access_key, std::string_view date, std::string_view region,
                 std::string_view service);
  std::size_t derivations() const;  // how many keys were derived (cache misses)

  static SigningKeyCache& process_wide();

 private:
  struct Entry {
    Sha256Digest secret_hash;
    std::string date, region, service;
    SigningKey key;
  };
  mutable std::mutex mutex_;
  std::vector<Entry> entries_;
  std::size_t capacity_;
  std::size_t next_victim_ = 0;
  std::size_t derivations_ = 0;
};

// ---- The whole pipeline ----

struct SignedRequest {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;
  // Header form: the Authorization value, and every header to add to the request (X-Amz-Date,
  // X-Amz-Security-Token, x-amz-content-sha256, Authorization).
  std::string authorization;
  HeaderList headers_to_add;
  // Query form: the request's query followed by the X-Amz-* parameters and X-Amz-Signature,
  // ready to go on the wire after '?'.
  std::string presigned_query;
};

// Signs with an Authorization header. Errors ("InvalidSigningConfig") for missing region,
// service or credentials.
Result<SignedRequest> sign_with_headers(const SignableRequest& request,
                                        const SigningConfig& config);
// Signs with query parameters (a presigned URL). The payload hash is config.signed_body_value
// when set (S3 uses UNSIGNED-PAYLOAD), else the request's.
Result<SignedRequest> presign_with_query(const SignableRequest& request,
                                         const SigningConfig& config);

}  // namespace csv2ddb::aws
