#include "local/s3/digests.hpp"

#include <zlib.h>

#include <algorithm>

#include "aws/crypto.hpp"
#include "model/dynamodb_json.hpp"  // base64_encode

namespace csv2ddb::local::s3 {
void Crc32::update(std::string_view data) {
  // zlib takes a uInt length: feed large pieces in slices.
  constexpr std::size_t kSlice = 1U << 30;
  while (!data.empty()) {
    const std::size_t n = std::min(data.size(), kSlice);
    state_ = static_cast<std::uint32_t>(
        ::crc32(state_, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(n)));
    data.remove_prefix(n);
  }
}

std::string Crc32::base64() const {
  const std::uint32_t v = value();
  const char bytes[4] = {static_cast<char>(v >> 24), static_cast<char>((v >> 16) & 0xFFU),
                         static_cast<char>((v >> 8) & 0xFFU), static_cast<char>(v & 0xFFU)};
  return model::base64_encode(std::string_view(bytes, 4));
}

}  // namespace csv2ddb::local::s3
