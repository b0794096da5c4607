// Reads an S3 object as a csv::ByteSource in bounded memory.
//
// Design: one HeadObject for the size and ETag, then sequential ranged GETs of `chunk_size`
// bytes, each with If-Match on that ETag. Chosen over one long streaming GET feeding a bounded
// buffer because:
//  - memory is bounded by one chunk with no background thread and no flow control: the CSV
//    reader pulls, and a GET is issued only when the previous chunk is consumed;
//  - a dropped connection or a 5xx costs one chunk, retried by AwsCaller with backoff, instead
//    of restarting (or hand-resuming) a multi-gigabyte stream;
//  - If-Match on every range makes "the object was replaced mid-read" a precise, immediate
//    error instead of silently mixing two versions.
// The cost, one extra request per chunk (8 MiB by default), is negligible next to the transfer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "aws/s3_client.hpp"
#include "csv/byte_source.hpp"

namespace csv2ddb::adapters {

inline constexpr std::size_t kDefaultS3ReadChunk = 8 * 1024 * 1024;

class S3ObjectSource final : public csv::ByteSource {
 public:
  // Issues the HeadObject. Errors: named after the object; S3's own code and message
  // (NoSuchKey, AccessDenied, SignatureDoesNotMatch...), which a HEAD answer has no body to
  // carry, come from a one-byte GET sent after a failed HEAD. The bytes read start at
  // `start_offset` (a continuation of a plain object picks up where the previous invocation
  // stopped); past the end, there is nothing to read.
  static Result<std::unique_ptr<S3ObjectSource>> open(std::shared_ptr<aws::S3Client> client,
                                                      std::string bucket, std::string key,
                                                      std::size_t chunk_size = kDefaultS3ReadChunk,
                                                      std::uint64_t start_offset = 0);

  Result<std::size_t> read(char* buffer, std::size_t capacity) override;
  std::string name() const override { return "s3://" + bucket_ + "/" + key_; }

  std::uint64_t size() const { return size_; }
  const std::string& etag() const { return etag_; }

 private:
  S3ObjectSource(std::shared_ptr<aws::S3Client> client, std::string bucket, std::string key,
                 std::size_t chunk_size, std::uint64_t size, std::string etag);
  Status fetch_next_chunk();

  std::shared_ptr<aws::S3Client> client_;
  std::string bucket_;
  std::string key_;
  std::size_t chunk_size_;
  std::uint64_t size_;
  std::string etag_;
  std::uint64_t next_offset_ = 0;  // first byte of the object not yet fetched
  std::string chunk_;
  std::size_t chunk_pos_ = 0;
};

// Convenience: s3://bucket/key → an S3ObjectSource.
Result<std::unique_ptr<csv::ByteSource>> open_s3_source(std::shared_ptr<aws::S3Client> client,
                                                        std::string_view s3_url);

}  // namespace csv2ddb::adapters
