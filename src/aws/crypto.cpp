#include "aws/crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <utility>

namespace csv2ddb::aws {
namespace {

// OpenSSL fails here only when the library is broken or memory is exhausted; there is no
// sensible way for a signer to go on, so we stop loudly rather than sign with garbage.
[[noreturn]] void openssl_failure(const char* what) {
  std::fprintf(stderr, "csv2ddb: OpenSSL failure in %s\n", what);
  std::abort();
}

// Fetched once: an explicit fetch avoids a provider lookup on every hash.
const EVP_MD* sha256_md() {
  static EVP_MD* md = [] {
    EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (fetched == nullptr) openssl_failure("EVP_MD_fetch(SHA256)");
    return fetched;
  }();
  return md;
}

// One digest context per thread, reused by every one-shot hash: EVP_Digest allocates and frees
// a context per call, and a request's signature takes seven hashes (five of them HMACs).
EVP_MD_CTX* thread_digest_context() {
  struct Owned {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~Owned() { EVP_MD_CTX_free(ctx); }
  };
  thread_local Owned owned;
  if (owned.ctx == nullptr) openssl_failure("EVP_MD_CTX_new");
  return owned.ctx;
}

std::span<const std::uint8_t> bytes_of(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

// SHA-256 of first followed by second, on the thread's context.
Sha256Digest sha256_of(std::span<const std::uint8_t> first, std::span<const std::uint8_t> second) {
  EVP_MD_CTX* ctx = thread_digest_context();
  Sha256Digest digest{};
  unsigned int length = 0;
  if (EVP_DigestInit_ex2(ctx, sha256_md(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx, first.data(), first.size()) != 1 ||
      EVP_DigestUpdate(ctx, second.data(), second.size()) != 1 ||
      EVP_DigestFinal_ex(ctx, digest.data(), &length) != 1 || length != digest.size()) {
    openssl_failure("SHA-256");
  }
  return digest;
}

constexpr std::size_t kSha256BlockSize = 64;

constexpr char kHexDigits[] = "0123456789abcdef";

}  // namespace

Sha256Digest sha256(std::string_view data) {
  return sha256_of(bytes_of(data), {});
}

std::string sha256_hex(std::string_view data) {
  return hex_encode(sha256(data));
}

Md5Digest md5(std::string_view data) {
  Md5Digest digest{};
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_md5(), nullptr) != 1 ||
      length != digest.size()) {
    openssl_failure("EVP_Digest(MD5)");
  }
  return digest;
}

std::string md5_hex(std::string_view data) {
  return hex_encode(md5(data));
}

std::string sha1_hex(std::string_view data) {
  std::array<std::uint8_t, 20> digest{};
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha1(), nullptr) != 1 ||
      length != digest.size()) {
    openssl_failure("EVP_Digest(SHA-1)");
  }
  return hex_encode(digest);
}

Md5Hasher::Md5Hasher() : ctx_(EVP_MD_CTX_new()) {
  if (ctx_ == nullptr || EVP_DigestInit_ex(ctx_, EVP_md5(), nullptr) != 1) {
    openssl_failure("EVP_DigestInit_ex(MD5)");
  }
}

Md5Hasher::~Md5Hasher() {
  EVP_MD_CTX_free(ctx_);
}

void Md5Hasher::update(std::string_view data) {
  EVP_DigestUpdate(ctx_, data.data(), data.size());
}

Md5Digest Md5Hasher::finish() {
  Md5Digest out{};
  unsigned int length = 0;
  EVP_DigestFinal_ex(ctx_, out.data(), &length);
  EVP_DigestInit_ex(ctx_, EVP_md5(), nullptr);
  return out;
}

// HMAC as RFC 2104 spells it, H((K ^ opad) || H((K ^ ipad) || data)), on the thread's SHA-256
// context. OpenSSL's EVP_MAC looks its digest up by name at every init, which cost more than the
// hashing for the short strings SigV4 signs.
Sha256Digest hmac_sha256(std::span<const std::uint8_t> key, std::string_view data) {
  std::array<std::uint8_t, kSha256BlockSize> block_key{};
  if (key.size() > kSha256BlockSize) {
    const Sha256Digest hashed_key = sha256_of(key, {});
    std::copy(hashed_key.begin(), hashed_key.end(), block_key.begin());
  } else {
    std::copy(key.begin(), key.end(), block_key.begin());
  }
  std::array<std::uint8_t, kSha256BlockSize> inner_pad{};
  std::array<std::uint8_t, kSha256BlockSize> outer_pad{};
  for (std::size_t i = 0; i < kSha256BlockSize; ++i) {
    inner_pad[i] = static_cast<std::uint8_t>(block_key[i] ^ 0x36);
    outer_pad[i] = static_cast<std::uint8_t>(block_key[i] ^ 0x5c);
  }
  const Sha256Digest inner = sha256_of(inner_pad, bytes_of(data));
  const Sha256Digest mac = sha256_of(outer_pad, inner);
  // The pads are the key in disguise: do not leave them on the stack.
  OPENSSL_cleanse(block_key.data(), block_key.size());
  OPENSSL_cleanse(inner_pad.data(), inner_pad.size());
  OPENSSL_cleanse(outer_pad.data(), outer_pad.size());
  return mac;
}

void append_hex(std::span<const std::uint8_t> bytes, std::string& out) {
  out.reserve(out.size() + bytes.size() * 2);
  for (std::uint8_t byte : bytes) {
    out.push_back(kHexDigits[byte >> 4]);
    out.push_back(kHexDigits[byte & 0x0f]);
  }
}

std::string hex_encode(std::span<const std::uint8_t> bytes) {
  std::string out;
  append_hex(bytes, out);
  return out;
}

bool constant_time_equals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;  // lengths are public (a signature is always 64)
  unsigned char difference = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    difference = static_cast<unsigned char>(
        difference | (static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(b[i])));
  }
  // Read through a volatile so the compiler cannot turn the loop into an early exit.
  volatile unsigned char result = difference;
  return result == 0;
}

Sha256Hasher::Sha256Hasher() : ctx_(EVP_MD_CTX_new()) {
  if (ctx_ == nullptr || EVP_DigestInit_ex2(ctx_, sha256_md(), nullptr) != 1) {
    openssl_failure("EVP_DigestInit_ex2");
  }
}

Sha256Hasher::~Sha256Hasher() {
  EVP_MD_CTX_free(ctx_);
}

Sha256Hasher::Sha256Hasher(Sha256Hasher&& other) noexcept
    : ctx_(std::exchange(other.ctx_, nullptr)) {}

Sha256Hasher& Sha256Hasher::operator=(Sha256Hasher&& other) noexcept {
  if (this != &other) {
    EVP_MD_CTX_free(ctx_);
    ctx_ = std::exchange(other.ctx_, nullptr);
  }
  return *this;
}

void Sha256Hasher::update(std::string_view data) {
  if (EVP_DigestUpdate(ctx_, data.data(), data.size()) != 1) openssl_failure("EVP_DigestUpdate");
}

void Sha256Hasher::update(std::span<const std::uint8_t> data) {
  if (EVP_DigestUpdate(ctx_, data.data(), data.size()) != 1) openssl_failure("EVP_DigestUpdate");
}

Sha256Digest Sha256Hasher::finish() {
  Sha256Digest digest{};
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(ctx_, digest.data(), &length) != 1 || length != digest.size() ||
      EVP_DigestInit_ex2(ctx_, sha256_md(), nullptr) != 1) {
    openssl_failure("EVP_DigestFinal_ex");
  }
  return digest;
}

std::string Sha256Hasher::finish_hex() {
  return hex_encode(finish());
}

}  // namespace csv2ddb::aws
