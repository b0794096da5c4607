// Hashing primitives SigV4 needs: SHA-256, HMAC-SHA256, lower-case hex, and a constant-time
// comparison for signatures. Backed by OpenSSL 3's EVP digests: SHA-256 is fetched once per
// process and one-shot hashes reuse a context per thread, so a hash costs no provider lookup
// and no allocation; HMAC is built on that SHA-256 directly.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX, kept out of this header

namespace csv2ddb::aws {

using Sha256Digest = std::array<std::uint8_t, 32>;

// Hex of the SHA-256 of the empty string: the payload hash of a request without a body.
inline constexpr std::string_view kEmptySha256Hex =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

Sha256Digest sha256(std::string_view data);
std::string sha256_hex(std::string_view data);

// MD5: not for security, only integrity checks S3 and DynamoDB define with it (ETags, where
// the multipart ETag is the MD5 of the parts' binary MD5s; Content-MD5; an export's
// md5Checksum).
using Md5Digest = std::array<std::uint8_t, 16>;
Md5Digest md5(std::string_view data);
std::string md5_hex(std::string_view data);

// SHA-1 hex: only to name files the way the AWS CLI names them (the SSO token cache).
std::string sha1_hex(std::string_view data);

// MD5 over data that arrives in pieces.
class Md5Hasher {
 public:
  Md5Hasher();
  ~Md5Hasher();
  Md5Hasher(const Md5Hasher&) = delete;
  Md5Hasher& operator=(const Md5Hasher&) = delete;
  void update(std::string_view data);
  // The digest of everything given so far; the hasher starts over.
  Md5Digest finish();

 private:
  evp_md_ctx_st* ctx_ = nullptr;
};

Sha256Digest hmac_sha256(std::span<const std::uint8_t> key, std::string_view data);
inline Sha256Digest hmac_sha256(std::string_view key, std::string_view data) {
  return hmac_sha256(
      std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(key.data()), key.size()),
      data);
}

// Lower-case hex, two characters per byte, appended to `out`.
void append_hex(std::span<const std::uint8_t> bytes, std::string& out);
std::string hex_encode(std::span<const std::uint8_t> bytes);

// True when a and b hold the same bytes. Takes the same time for every pair of equal-length
// inputs, so a signature check does not leak how many leading characters matched.
bool constant_time_equals(std::string_view a, std::string_view b);

// SHA-256 over data that arrives in pieces (a streamed request body).
class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(Sha256Hasher&& other) noexcept;
  Sha256Hasher& operator=(Sha256Hasher&& other) noexcept;
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;

  void update(std::string_view data);
  void update(std::span<const std::uint8_t> data);
  // Returns the digest of everything given so far and starts over, ready for a new input.
  Sha256Digest finish();
  std::string finish_hex();

 private:
  evp_md_ctx_st* ctx_ = nullptr;
};

}  // namespace csv2ddb::aws
