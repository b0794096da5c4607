// The aws-chunked content encoding, in which SDKs send S3 uploads whose checksum they compute
// while sending (boto3 1.36+ by default: STREAMING-UNSIGNED-PAYLOAD-TRAILER with an
// x-amz-checksum-crc32 trailer) or whose chunks they sign (STREAMING-AWS4-HMAC-SHA256-PAYLOAD):
//
//   <hex size>[;chunk-signature=<64 hex>]\r\n<bytes>\r\n ... 0[;chunk-signature=...]\r\n
//   [<trailer name>:<value>\r\n]*\r\n
//
// This decoder is fed the body in pieces of any size and hands the payload bytes to a sink, so
// a 5 GB upload never sits in memory. It is independent of the HTTP layer's own chunked
// transfer coding, which the server has already removed. Given a ChunkSignatureChain (signed
// streaming with a known key), it checks every chunk-signature and the trailer signature; the
// bytes of a chunk reach the sink before its signature is checked (the stager then discards
// the whole body), so nothing is buffered.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "aws/crypto.hpp"
#include "aws/http_types.hpp"
#include "common/result.hpp"
#include "local/s3/chunk_signatures.hpp"

namespace csv2ddb::local::s3 {

class AwsChunkedDecoder {
 public:
  using Sink = std::function<Status(std::string_view payload)>;

  // `signatures`, when given, must outlive the decoder.
  explicit AwsChunkedDecoder(Sink sink, ChunkSignatureChain* signatures = nullptr)
      : sink_(std::move(sink)), signatures_(signatures) {}

  // Errors: IncompleteBody / InvalidRequest for broken framing, SignatureDoesNotMatch for a
  // chunk whose signature is wrong or missing, or the sink's error.
  Status feed(std::string_view piece);
  // The body has ended: it must have ended exactly after the trailer section (whose signature
  // is checked here, for a signed body with a trailer).
  Status finish();

  const aws::HeaderList& trailers() const { return trailers_; }
  std::uint64_t payload_bytes() const { return payload_bytes_; }

 private:
  enum class State : std::uint8_t { kSizeLine, kData, kDataEnd, kTrailer, kDone };
  Status end_of_line(std::string_view line);

  Sink sink_;
  ChunkSignatureChain* signatures_;
  std::string chunk_signature_;  // the claimed signature of the chunk being read
  aws::Sha256Hasher chunk_hash_;
  State state_ = State::kSizeLine;
  std::string line_;
  std::uint64_t remaining_ = 0;
  std::uint64_t payload_bytes_ = 0;
  aws::HeaderList trailers_;
};

}  // namespace csv2ddb::local::s3
