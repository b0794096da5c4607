// gzip decompression stage: zlib inflate, one member after another until the input ends.
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "csv/decompressing_sources.hpp"

namespace csv2ddb::csv::detail {
namespace {

class GzipSource final : public ByteSource {
 public:
  explicit GzipSource(std::unique_ptr<ByteSource> inner)
      : inner_(std::move(inner)), input_(kCompressedChunkBytes) {
    // 16 + MAX_WBITS: gzip wrapper only. The magic bytes were already checked, and every later
    // member must be gzip too; anything else after a member is reported as corruption.
    init_status_ = inflateInit2(&stream_, 16 + MAX_WBITS);
  }
  ~GzipSource() override {
    if (init_status_ == Z_OK) inflateEnd(&stream_);
  }
  GzipSource(const GzipSource&) = delete;
  GzipSource& operator=(const GzipSource&) = delete;

  Result<std::size_t> read(char* buffer, std::size_t capacity) override {
    if (init_status_ != Z_OK) return corrupt("cannot initialise zlib");
    if (capacity == 0) return std::size_t{0};
    for (;;) {
      if (stream_.avail_in == 0 && !inner_eof_) {
        auto filled = inner_->read(input_.data(), input_.size());
        if (!filled) return filled.take_error();
        if (*filled == 0) {
          inner_eof_ = true;
        } else {
          stream_.next_in = reinterpret_cast<Bytef*>(input_.data());
          stream_.avail_in = static_cast<uInt>(*filled);
        }
      }
      if (member_done_) {
        // Between members: end of input is a clean end, more bytes start the next member.
        if (stream_.avail_in == 0) {
          if (inner_eof_) return std::size_t{0};
          continue;
        }
        if (inflateReset(&stream_) != Z_OK) return corrupt("cannot reset zlib");
        member_done_ = false;
      }
      stream_.next_out = reinterpret_cast<Bytef*>(buffer);
      stream_.avail_out = static_cast<uInt>(std::min<std::size_t>(capacity, UINT32_MAX));
      const std::size_t offered = stream_.avail_out;
      const int status = inflate(&stream_, Z_NO_FLUSH);
      const std::size_t produced = offered - stream_.avail_out;
      switch (status) {
        case Z_STREAM_END:
          member_done_ = true;
          break;
        case Z_OK:
        case Z_BUF_ERROR:  // no progress possible without more input
          if (produced == 0 && stream_.avail_in == 0 && inner_eof_) {
            return make_error("TruncatedInput", inner_->name() + ": gzip stream is truncated");
          }
          break;
        default:
          return corrupt(stream_.msg != nullptr ? stream_.msg : "inflate failed");
      }
      if (produced > 0) return produced;
    }
  }

  std::string name() const override { return inner_->name(); }

 private:
  Error corrupt(const std::string& detail) const {
    return make_error("CorruptInput", inner_->name() + ": gzip stream is corrupt: " + detail);
  }

  std::unique_ptr<ByteSource> inner_;
  std::vector<char> input_;
  z_stream stream_{};
  int init_status_ = Z_OK;
  bool inner_eof_ = false;
  bool member_done_ = false;
};

}  // namespace

std::unique_ptr<ByteSource> make_gzip_source(std::unique_ptr<ByteSource> inner) {
  return std::make_unique<GzipSource>(std::move(inner));
}

}  // namespace csv2ddb::csv::detail
