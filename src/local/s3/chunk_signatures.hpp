// Signed aws-chunked bodies (x-amz-content-sha256: STREAMING-AWS4-HMAC-SHA256-PAYLOAD and
// ...-PAYLOAD-TRAILER, AWS's "sigv4-streaming"): every chunk carries a signature chained to the
// one before it, starting from the request's own (the seed signature), so a body altered on
// the way fails even though the request head was signed before the body was known:
//
//   chunk:   HMAC(signing key, "AWS4-HMAC-SHA256-PAYLOAD\n" date "\n" scope "\n" previous "\n"
//                  SHA256("") "\n" SHA256(chunk bytes))
//   trailer: HMAC(signing key, "AWS4-HMAC-SHA256-TRAILER\n" date "\n" scope "\n" previous "\n"
//                  SHA256("name:value\n" for each trailer field but the signature))
//
// The chain is checked for keys whose secret we know; --auth open takes unknown keys on trust
// (there is no secret to check with), as for the request's own signature.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "aws/sigv4.hpp"
#include "aws/sigv4_verify.hpp"
#include "common/result.hpp"
#include "local/http/http_message.hpp"

namespace csv2ddb::local::s3 {

inline constexpr std::string_view kSignedStreaming = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
inline constexpr std::string_view kSignedStreamingTrailer =
    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
inline constexpr std::string_view kTrailerSignatureName = "x-amz-trailer-signature";

class ChunkSignatureChain {
 public:
  ChunkSignatureChain(aws::SigningKey key, std::string amz_date, std::string scope,
                      std::string seed_signature, bool has_trailer)
      : key_(key),
        amz_date_(std::move(amz_date)),
        scope_(std::move(scope)),
        previous_(std::move(seed_signature)),
        has_trailer_(has_trailer) {}

  // The next chunk (the final empty one included): its claimed signature against the SHA-256
  // (hex) of its bytes. SignatureDoesNotMatch when they differ or the signature is missing.
  Status verify_chunk(std::string_view claimed, std::string_view payload_sha256_hex);
  // After the last chunk: the trailer section's x-amz-trailer-signature against its other
  // fields, when the body has a trailer (the -TRAILER form).
  Status verify_trailer(const aws::HeaderList& trailers);
  bool has_trailer() const { return has_trailer_; }

 private:
  aws::SigningKey key_;
  std::string amz_date_;
  std::string scope_;
  std::string previous_;
  bool has_trailer_;
};

// The chain for a request whose body is signed per chunk and whose key is known; nothing for
// any other body (unsigned payloads, unsigned streaming, or a key taken on trust).
std::optional<ChunkSignatureChain> chunk_signature_chain(const HttpRequest& request,
                                                         const aws::SecretLookup& secrets);

}  // namespace csv2ddb::local::s3
