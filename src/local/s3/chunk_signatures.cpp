#include "local/s3/chunk_signatures.hpp"

#include <algorithm>
#include <vector>

#include "aws/crypto.hpp"

namespace csv2ddb::local::s3 {
namespace {

constexpr std::string_view kChunkAlgorithm = "AWS4-HMAC-SHA256-PAYLOAD";
constexpr std::string_view kTrailerAlgorithm = "AWS4-HMAC-SHA256-TRAILER";

Error mismatch() {
  return make_error("SignatureDoesNotMatch",
                    "The request signature we calculated does not match the signature you "
                    "provided. Check your key and signing method.");
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

}  // namespace

Status ChunkSignatureChain::verify_chunk(std::string_view claimed,
                                         std::string_view payload_sha256_hex) {
  std::string to_sign(kChunkAlgorithm);
  to_sign.append("\n").append(amz_date_).append("\n").append(scope_).append("\n");
  to_sign.append(previous_).append("\n").append(aws::kEmptySha256Hex).append("\n");
  to_sign.append(payload_sha256_hex);
  std::string expected = aws::signature(key_, to_sign);
  if (claimed.empty() || !aws::constant_time_equals(expected, claimed)) return mismatch();
  previous_ = std::move(expected);
  return {};
}

Status ChunkSignatureChain::verify_trailer(const aws::HeaderList& trailers) {
  std::string claimed;
  std::vector<std::pair<std::string, std::string>> fields;
  for (const aws::Header& field : trailers) {
    std::string name = lower(field.name);
    if (name == kTrailerSignatureName) {
      claimed = field.value;
    } else {
      fields.emplace_back(std::move(name), field.value);
    }
  }
  std::sort(fields.begin(), fields.end());
  std::string canonical;
  for (const auto& [name, value] : fields) canonical.append(name).append(":").append(value) += '\n';
  std::string to_sign(kTrailerAlgorithm);
  to_sign.append("\n").append(amz_date_).append("\n").append(scope_).append("\n");
  to_sign.append(previous_).append("\n").append(aws::sha256_hex(canonical));
  const std::string expected = aws::signature(key_, to_sign);
  if (claimed.empty() || !aws::constant_time_equals(expected, claimed)) return mismatch();
  return {};
}

std::optional<ChunkSignatureChain> chunk_signature_chain(const HttpRequest& request,
                                                         const aws::SecretLookup& secrets) {
  const std::string_view content_sha256 = request.header("x-amz-content-sha256");
  if (content_sha256 != kSignedStreaming && content_sha256 != kSignedStreamingTrailer) {
    return std::nullopt;
  }
  if (!secrets) return std::nullopt;
  aws::SignableRequest signable;
  signable.method = request.method;
  signable.path = request.path;
  signable.query = request.query;
  signable.headers = request.headers;
  // The router verified this authorization already; here it only names the key and scope.
  auto parsed = aws::parse_request_authorization(signable, aws::AuthDialect::kS3);
  if (!parsed || parsed->presigned) return std::nullopt;
  const std::optional<std::string> secret = secrets(parsed->access_key_id);
  if (!secret) return std::nullopt;
  const aws::SigningKey key = aws::SigningKeyCache::process_wide().get(
      *secret, parsed->date, parsed->region, parsed->service);
  return ChunkSignatureChain(key, std::string(request.header("x-amz-date")),
                             aws::credential_scope(parsed->date, parsed->region, parsed->service),
                             parsed->signature, content_sha256 == kSignedStreamingTrailer);
}

}  // namespace csv2ddb::local::s3
