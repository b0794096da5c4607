#include "local/s3/digests.hpp"

#include "aws/crypto.hpp"
#include "model/dynamodb_json.hpp"  // base64_encode

namespace csv2ddb::local::s3 {
namespace {

std::array<std::uint32_t, 256> make_crc_table() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t n = 0; n < 256; ++n) {
    std::uint32_t c = n;
    for (int k = 0; k < 8; ++k) c = (c & 1U) ? 0xEDB88320U ^ (c >> 1) : c >> 1;
    table[n] = c;
  }
  return table;
}

const std::array<std::uint32_t, 256> kCrcTable = make_crc_table();

}  // namespace

void Crc32::update(std::string_view data) {
  std::uint32_t c = state_;
  for (char byte : data) {
    c = kCrcTable[(c ^ static_cast<std::uint8_t>(byte)) & 0xFFU] ^ (c >> 8);
  }
  state_ = c;
}

std::string Crc32::base64() const {
  const std::uint32_t v = value();
  const char bytes[4] = {static_cast<char>(v >> 24), static_cast<char>((v >> 16) & 0xFFU),
                         static_cast<char>((v >> 8) & 0xFFU), static_cast<char>(v & 0xFFU)};
  return model::base64_encode(std::string_view(bytes, 4));
}

}  // namespace csv2ddb::local::s3
