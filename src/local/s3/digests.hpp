// The digests S3 computes over object bytes as they stream: MD5 (the ETag and Content-MD5),
// SHA-256 (x-amz-content-sha256, from aws/crypto.hpp) and CRC32 (x-amz-checksum-crc32, which
// boto3 1.36+ sends in aws-chunked trailers by default).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "aws/crypto.hpp"

namespace csv2ddb::local::s3 {

// MD5 is aws/crypto's (an export's checksum is checked with it too).
using aws::md5;
using aws::md5_hex;
using aws::Md5Digest;
using aws::Md5Hasher;

// CRC-32 (IEEE 802.3), updated piece by piece: zlib's, which the build links for gzip.
class Crc32 {
 public:
  void update(std::string_view data);
  std::uint32_t value() const { return state_; }
  // Big-endian bytes, base64: the form of x-amz-checksum-crc32.
  std::string base64() const;

 private:
  std::uint32_t state_ = 0;  // zlib's crc32 of nothing
};

}  // namespace csv2ddb::local::s3
