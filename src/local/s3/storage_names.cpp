#include "local/s3/storage_names.hpp"

#include <cstdio>

#include "aws/crypto.hpp"
#include "model/json.hpp"

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

Status validate_object_key(std::string_view key) {
  if (key.empty()) return make_error("InvalidArgument", "An object key must not be empty.");
  if (key.size() > kMaxKeyBytes) {
    return make_error("KeyTooLongError", "Your key is too long");
  }
  if (!model::is_valid_utf8(key)) {  // one validator for the whole code base
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
