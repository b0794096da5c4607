#include "local/s3/body_stager.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>

#include "aws/crypto.hpp"
#include "local/s3/aws_chunked_decoder.hpp"
#include "local/s3/digests.hpp"
#include "model/dynamodb_json.hpp"  // base64_decode

namespace csv2ddb::local::s3 {
namespace {

constexpr std::size_t kReadBlock = 256 * 1024;

// The bytes of the payload as they arrive: hashed, counted and written to the staging file.
class PayloadSink {
 public:
  PayloadSink(int fd, std::uint64_t max_bytes, bool want_sha256, bool want_crc32)
      : fd_(fd), max_bytes_(max_bytes), want_sha256_(want_sha256), want_crc32_(want_crc32) {}

  Status take(std::string_view bytes, bool write_out) {
    size_ += bytes.size();
    if (size_ > max_bytes_) {
      return make_error("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size");
    }
    md5_.update(bytes);
    if (want_sha256_) sha256_.update(bytes);
    if (want_crc32_) crc32_.update(bytes);
    if (!write_out) return {};
    while (!bytes.empty()) {
      const ssize_t wrote = ::write(fd_, bytes.data(), bytes.size());
      if (wrote < 0) {
        if (errno == EINTR) continue;
        return internal_disk_error("write");
      }
      bytes.remove_prefix(static_cast<std::size_t>(wrote));
    }
    return {};
  }

  static Error internal_disk_error(std::string_view what) {
    return make_error("InternalError", "We encountered an internal error (" + std::string(what) +
                                           "): " + std::strerror(errno));
  }

  std::uint64_t size() const { return size_; }
  Md5Hasher& md5() { return md5_; }
  aws::Sha256Hasher& sha256() { return sha256_; }
  Crc32& crc32() { return crc32_; }

 private:
  int fd_;
  std::uint64_t max_bytes_;
  bool want_sha256_, want_crc32_;
  std::uint64_t size_ = 0;
  Md5Hasher md5_;
  aws::Sha256Hasher sha256_;
  Crc32 crc32_;
};

// Reads the raw body (memory or spool file) and hands it on in blocks.
template <typename Fn>
Status for_each_block(const RequestBody& body, Fn&& fn) {
  if (!body.in_file()) return fn(std::string_view(body.memory));
  const int fd = ::open(body.file_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return PayloadSink::internal_disk_error("open body");
  std::string buffer(kReadBlock, '\0');
  Status result;
  for (;;) {
    const ssize_t got = ::read(fd, buffer.data(), buffer.size());
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      result = PayloadSink::internal_disk_error("read body");
      break;
    }
    if (got == 0) break;
    if (Status s = fn(std::string_view(buffer.data(), static_cast<std::size_t>(got))); !s) {
      result = std::move(s);
      break;
    }
  }
  ::close(fd);
  return result;
}

bool is_hex_sha256(std::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::optional<std::string> crc32_claim(const HttpRequest& request,
                                       const aws::HeaderList& trailers) {
  if (const aws::Header* trailer = aws::find_header(trailers, "x-amz-checksum-crc32")) {
    return trailer->value;
  }
  const std::string_view header = request.header("x-amz-checksum-crc32");
  if (!header.empty()) return std::string(header);
  return std::nullopt;
}

Status check_claims(const HttpRequest& request, PayloadSink& sink, const aws::HeaderList& trailers,
                    StagedBody& staged) {
  const Md5Digest digest = sink.md5().finish();
  staged.md5_raw.assign(reinterpret_cast<const char*>(digest.data()), digest.size());
  staged.md5_hex = aws::hex_encode(digest);
  staged.size = sink.size();
  const std::string_view content_md5 = request.header("content-md5");
  if (!content_md5.empty()) {
    auto claimed = model::base64_decode(content_md5);
    if (!claimed || claimed->size() != 16) {
      return make_error("InvalidDigest", "The Content-MD5 you specified was invalid.");
    }
    if (*claimed != staged.md5_raw) {
      return make_error("BadDigest",
                        "The Content-MD5 you specified did not match what we received.");
    }
  }
  const std::string_view content_sha256 = request.header("x-amz-content-sha256");
  if (is_hex_sha256(content_sha256) && sink.sha256().finish_hex() != content_sha256) {
    return make_error("XAmzContentSHA256Mismatch",
                      "The provided 'x-amz-content-sha256' header does not match what was "
                      "computed.");
  }
  if (auto crc = crc32_claim(request, trailers); crc && *crc != sink.crc32().base64()) {
    return make_error("BadDigest",
                      "The CRC32 you specified did not match the calculated checksum.");
  }
  const std::string_view decoded_length = request.header("x-amz-decoded-content-length");
  if (!decoded_length.empty() && decoded_length != std::to_string(staged.size)) {
    return make_error("IncompleteBody",
                      "You did not provide the number of bytes specified by the "
                      "x-amz-decoded-content-length HTTP header");
  }
  return {};
}

int open_staging_file(const std::string& dir, std::string& path) {
  path = dir + "/put-XXXXXX";
  return ::mkostemp(path.data(), O_CLOEXEC);
}

}  // namespace

bool is_aws_chunked(const HttpRequest& request) {
  return request.header("content-encoding").find("aws-chunked") != std::string_view::npos ||
         request.header("x-amz-content-sha256").starts_with("STREAMING-");
}

void discard_staged(const StagedBody& staged) {
  if (!staged.path.empty()) ::unlink(staged.path.c_str());
}

Result<StagedBody> stage_body(HttpRequest& request, const StageOptions& options) {
  const bool chunked = is_aws_chunked(request);
  const bool want_sha256 = is_hex_sha256(request.header("x-amz-content-sha256"));
  const bool want_crc32 = !request.header("x-amz-checksum-crc32").empty() ||
                          request.header("x-amz-trailer").find("crc32") != std::string_view::npos;
  StagedBody staged;
  // A plain body the server already spooled is hashed in place and then becomes the staged
  // file itself: no second copy of a large upload.
  const bool reuse_spool = request.body.in_file() && !chunked;
  int fd = -1;
  if (reuse_spool) {
    staged.path = request.body.file_path;
    request.body.file_path.clear();  // ours now: the server must not delete it
  } else {
    fd = open_staging_file(options.staging_dir, staged.path);
    if (fd < 0) return PayloadSink::internal_disk_error("create staging file");
  }
  PayloadSink sink(fd, options.max_object_bytes, want_sha256, want_crc32);
  std::optional<ChunkSignatureChain> signatures = chunk_signature_chain(request, options.secrets);
  AwsChunkedDecoder decoder([&](std::string_view payload) { return sink.take(payload, fd >= 0); },
                            signatures ? &*signatures : nullptr);
  Status status;
  if (reuse_spool) {
    RequestBody spooled;
    spooled.file_path = staged.path;
    status =
        for_each_block(spooled, [&](std::string_view block) { return sink.take(block, false); });
  } else if (chunked) {
    status =
        for_each_block(request.body, [&](std::string_view block) { return decoder.feed(block); });
    if (status) status = decoder.finish();
  } else {
    status = for_each_block(request.body,
                            [&](std::string_view block) { return sink.take(block, true); });
  }
  if (status) status = check_claims(request, sink, decoder.trailers(), staged);
  if (status) {
    if (fd < 0) fd = ::open(staged.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::fsync(fd) != 0) status = PayloadSink::internal_disk_error("fsync");
  }
  if (fd >= 0) ::close(fd);
  if (options.trace) {
    std::string line = "csv2ddb local s3: body " + request.path +
                       " framing=" + (chunked ? "aws-chunked" : "plain") +
                       " content-sha256=" + std::string(request.header("x-amz-content-sha256")) +
                       " trailer=" + std::string(request.header("x-amz-trailer")) +
                       " crc32-header=" + std::string(request.header("x-amz-checksum-crc32")) +
                       " chunk-signatures=" + (signatures ? "checked" : "none") +
                       " bytes=" + std::to_string(sink.size()) +
                       " result=" + (status ? "ok" : status.error().code) + "\n";
    std::fputs(line.c_str(), stderr);
  }
  if (!status) {
    discard_staged(staged);
    return status.take_error();
  }
  return staged;
}

}  // namespace csv2ddb::local::s3
