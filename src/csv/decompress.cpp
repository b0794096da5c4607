// open_decompressed: sniff the magic bytes and put the matching decompression stage in front.
#include <algorithm>
#include <array>
#include <cstring>

#include "csv/byte_source.hpp"
#include "csv/decompressing_sources.hpp"

namespace csv2ddb::csv {
namespace {

constexpr std::array<unsigned char, 2> kGzipMagic{0x1f, 0x8b};
constexpr std::array<unsigned char, 4> kZstdMagic{0x28, 0xb5, 0x2f, 0xfd};

// Gives back the bytes read while sniffing, then the rest of the inner source.
class ReplaySource final : public ByteSource {
 public:
  ReplaySource(std::string prefix, std::unique_ptr<ByteSource> inner)
      : prefix_(std::move(prefix)), inner_(std::move(inner)) {}

  Result<std::size_t> read(char* buffer, std::size_t capacity) override {
    if (position_ < prefix_.size()) {
      const std::size_t n = std::min(capacity, prefix_.size() - position_);
      std::memcpy(buffer, prefix_.data() + position_, n);
      position_ += n;
      return n;
    }
    return inner_->read(buffer, capacity);
  }
  std::string name() const override { return inner_->name(); }

 private:
  std::string prefix_;
  std::size_t position_ = 0;
  std::unique_ptr<ByteSource> inner_;
};

template <std::size_t N>
bool starts_with(const std::string& bytes, const std::array<unsigned char, N>& magic) {
  if (bytes.size() < N) return false;
  return std::memcmp(bytes.data(), magic.data(), N) == 0;
}

Compression sniff(const std::string& head) {
  if (starts_with(head, kGzipMagic)) return Compression::kGzip;
  if (starts_with(head, kZstdMagic)) return Compression::kZstd;
  return Compression::kNone;
}

}  // namespace

Result<std::unique_ptr<ByteSource>> open_decompressed(std::unique_ptr<ByteSource> inner,
                                                      Compression* found) {
  // Sources may hand out one byte at a time, so keep reading until the longest magic is in.
  std::string head(kZstdMagic.size(), '\0');
  std::size_t have = 0;
  while (have < head.size()) {
    auto n = inner->read(head.data() + have, head.size() - have);
    if (!n) return n.take_error();
    if (*n == 0) break;
    have += *n;
  }
  head.resize(have);
  const Compression compression = sniff(head);
  if (found != nullptr) *found = compression;
  auto replay = std::make_unique<ReplaySource>(std::move(head), std::move(inner));
  switch (compression) {
    case Compression::kGzip:
      return detail::make_gzip_source(std::move(replay));
    case Compression::kZstd:
      return detail::make_zstd_source(std::move(replay));
    case Compression::kNone:
      break;
  }
  return std::unique_ptr<ByteSource>(std::move(replay));
}

}  // namespace csv2ddb::csv
