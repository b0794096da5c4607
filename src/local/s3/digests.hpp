// The digests S3 computes over object bytes as they stream: MD5 (the ETag and Content-MD5),
// SHA-256 (x-amz-content-sha256, from aws/crypto.hpp) and CRC32 (x-amz-checksum-crc32, which
// boto3 1.36+ sends in aws-chunked trailers by default).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

struct evp_md_ctx_st;

namespace csv2ddb::local::s3 {

using Md5Digest = std::array<std::uint8_t, 16>;

class Md5Hasher {
 public:
  Md5Hasher();
  ~Md5Hasher();
  Md5Hasher(const Md5Hasher&) = delete;
  Md5Hasher& operator=(const Md5Hasher&) = delete;
  void update(std::string_view data);
  Md5Digest finish();

 private:
  evp_md_ctx_st* ctx_ = nullptr;
};

Md5Digest md5(std::string_view data);
std::string md5_hex(std::string_view data);

// CRC-32 (IEEE 802.3, the one zlib computes), updated piece by piece.
class Crc32 {
 public:
  void update(std::string_view data);
  std::uint32_t value() const { return ~state_; }
  // Big-endian bytes, base64: the form of x-amz-checksum-crc32.
  std::string base64() const;

 private:
  std::uint32_t state_ = 0xFFFFFFFFU;
};

}  // namespace csv2ddb::local::s3
