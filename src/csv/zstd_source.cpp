// zstd decompression stage: ZSTD_decompressStream, which runs frame after frame by itself.
#include <zstd.h>

#include <vector>

#include "csv/decompressing_sources.hpp"

namespace csv2ddb::csv::detail {
namespace {

class ZstdSource final : public ByteSource {
 public:
  explicit ZstdSource(std::unique_ptr<ByteSource> inner)
      : inner_(std::move(inner)), input_(kCompressedChunkBytes), context_(ZSTD_createDCtx()) {}
  ~ZstdSource() override { ZSTD_freeDCtx(context_); }
  ZstdSource(const ZstdSource&) = delete;
  ZstdSource& operator=(const ZstdSource&) = delete;

  Result<std::size_t> read(char* buffer, std::size_t capacity) override {
    if (context_ == nullptr) return corrupt("cannot create a zstd context");
    if (capacity == 0) return std::size_t{0};
    for (;;) {
      if (in_.pos == in_.size && !inner_eof_) {
        auto filled = inner_->read(input_.data(), input_.size());
        if (!filled) return filled.take_error();
        if (*filled == 0) {
          inner_eof_ = true;
        } else {
          in_ = ZSTD_inBuffer{input_.data(), *filled, 0};
        }
      }
      if (in_.pos == in_.size && inner_eof_ && frame_complete_) return std::size_t{0};
      ZSTD_outBuffer out{buffer, capacity, 0};
      const std::size_t hint = ZSTD_decompressStream(context_, &out, &in_);
      if (ZSTD_isError(hint)) return corrupt(ZSTD_getErrorName(hint));
      // 0 means a frame just ended and everything it held was flushed.
      frame_complete_ = hint == 0;
      if (out.pos > 0) return out.pos;
      if (in_.pos == in_.size && inner_eof_ && !frame_complete_) {
        return make_error("TruncatedInput", inner_->name() + ": zstd stream is truncated");
      }
    }
  }

  std::string name() const override { return inner_->name(); }

 private:
  Error corrupt(const std::string& detail) const {
    return make_error("CorruptInput", inner_->name() + ": zstd stream is corrupt: " + detail);
  }

  std::unique_ptr<ByteSource> inner_;
  std::vector<char> input_;
  ZSTD_DCtx* context_;
  ZSTD_inBuffer in_{nullptr, 0, 0};
  bool inner_eof_ = false;
  bool frame_complete_ = false;
};

}  // namespace

std::unique_ptr<ByteSource> make_zstd_source(std::unique_ptr<ByteSource> inner) {
  return std::make_unique<ZstdSource>(std::move(inner));
}

}  // namespace csv2ddb::csv::detail
