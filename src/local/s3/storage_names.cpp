#include "local/s3/storage_names.hpp"

#include <cstdio>

#include "aws/crypto.hpp"

namespace csv2ddb::local::s3 {
namespace {

bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool looks_like_ipv4(std::string_view name) {
  int dots = 0;
  for (char c : name) {
    if (c == '.') {
      ++dots;
    } else if (c < '0' || c > '9') {
      return false;
    }
  }
  return dots == 3;
}

Error invalid_bucket_name(std::string_view name) {
  return make_error("InvalidBucketName", "The specified bucket is not valid: " + std::string(name));
}

}  // namespace

Status validate_bucket_name(std::string_view name) {
  if (name.size() < 3 || name.size() > 63) return invalid_bucket_name(name);
  for (char c : name) {
    if (!is_lower_alnum(c) && c != '.' && c != '-') return invalid_bucket_name(name);
  }
  if (!is_lower_alnum(name.front()) || !is_lower_alnum(name.back())) {
    return invalid_bucket_name(name);
  }
  if (name.find("..") != std::string_view::npos || name.find(".-") != std::string_view::npos ||
      name.find("-.") != std::string_view::npos || looks_like_ipv4(name) ||
      name.starts_with("xn--") || name.ends_with("-s3alias") || name.ends_with("--ol-s3")) {
    return invalid_bucket_name(name);
  }
  return {};
}

bool is_valid_utf8(std::string_view bytes) {
  std::size_t i = 0;
  while (i < bytes.size()) {
    const auto lead = static_cast<unsigned char>(bytes[i]);
    std::size_t extra = 0;
    std::uint32_t cp = 0;
    if (lead < 0x80) {
      ++i;
      continue;
    } else if ((lead & 0xE0) == 0xC0) {
      extra = 1;
      cp = lead & 0x1FU;
    } else if ((lead & 0xF0) == 0xE0) {
      extra = 2;
      cp = lead & 0x0FU;
    } else if ((lead & 0xF8) == 0xF0) {
      extra = 3;
      cp = lead & 0x07U;
    } else {
      return false;
    }
    if (i + extra >= bytes.size()) return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto next = static_cast<unsigned char>(bytes[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (next & 0x3FU);
    }
    // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8.
    if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

Status validate_object_key(std::string_view key) {
  if (key.empty()) return make_error("InvalidArgument", "An object key must not be empty.");
  if (key.size() > kMaxKeyBytes) {
    return make_error("KeyTooLongError", "Your key is too long");
  }
  if (!is_valid_utf8(key)) {
    return make_error("InvalidArgument", "Object keys must be valid UTF-8.");
  }
  return {};
}

std::string object_file_name(std::string_view key, std::uint64_t version) {
  const std::string hash = aws::sha256_hex(key);
  char suffix[24];
  std::snprintf(suffix, sizeof suffix, ".%016llx", static_cast<unsigned long long>(version));
  std::string out = hash.substr(0, 2);
  out += '/';
  out += hash;
  out += suffix;
  return out;
}

}  // namespace csv2ddb::local::s3
