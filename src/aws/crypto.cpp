#include "aws/crypto.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

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

EVP_MAC* hmac_mac() {
  static EVP_MAC* mac = [] {
    EVP_MAC* fetched = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (fetched == nullptr) openssl_failure("EVP_MAC_fetch(HMAC)");
    return fetched;
  }();
  return mac;
}

constexpr char kHexDigits[] = "0123456789abcdef";

}  // namespace

Sha256Digest sha256(std::string_view data) {
  Sha256Digest digest{};
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &length, sha256_md(), nullptr) != 1 ||
      length != digest.size()) {
    openssl_failure("EVP_Digest");
  }
  return digest;
}

std::string sha256_hex(std::string_view data) {
  return hex_encode(sha256(data));
}

std::string md5_hex(std::string_view data) {
  std::array<std::uint8_t, 16> digest{};
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_md5(), nullptr) != 1 ||
      length != digest.size()) {
    openssl_failure("EVP_Digest(MD5)");
  }
  return hex_encode(digest);
}

Sha256Digest hmac_sha256(std::span<const std::uint8_t> key, std::string_view data) {
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(hmac_mac());
  if (ctx == nullptr) openssl_failure("EVP_MAC_CTX_new");
  char digest_name[] = "SHA256";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
      OSSL_PARAM_construct_end(),
  };
  Sha256Digest out{};
  std::size_t length = 0;
  // A zero-length key is valid HMAC; OpenSSL wants a non-null pointer for it.
  static const std::uint8_t kNoKey = 0;
  const std::uint8_t* key_data = key.empty() ? &kNoKey : key.data();
  const bool ok =
      EVP_MAC_init(ctx, key_data, key.size(), params) == 1 &&
      EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1 &&
      EVP_MAC_final(ctx, out.data(), &length, out.size()) == 1 && length == out.size();
  EVP_MAC_CTX_free(ctx);
  if (!ok) openssl_failure("HMAC-SHA256");
  return out;
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
