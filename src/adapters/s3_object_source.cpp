#include "adapters/s3_object_source.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

namespace csv2ddb::adapters {

S3ObjectSource::S3ObjectSource(std::shared_ptr<aws::S3Client> client, std::string bucket,
                               std::string key, std::size_t chunk_size, std::uint64_t size,
                               std::string etag)
    : client_(std::move(client)),
      bucket_(std::move(bucket)),
      key_(std::move(key)),
      chunk_size_(std::max<std::size_t>(chunk_size, 1)),
      size_(size),
      etag_(std::move(etag)) {}

Result<std::unique_ptr<S3ObjectSource>> S3ObjectSource::open(std::shared_ptr<aws::S3Client> client,
                                                             std::string bucket, std::string key,
                                                             std::size_t chunk_size,
                                                             std::uint64_t start_offset) {
  auto info = client->head_object(bucket, key);
  if (!info) {
    Error error = info.take_error();
    // A HEAD answer has no body, so S3's reason (SignatureDoesNotMatch, AccessDenied,
    // NoSuchBucket, NoSuchKey...) is missing; a one-byte GET of the same object, sent only on
    // this failure, carries it.
    if (aws::is_refused_by_status(error)) {
      aws::GetObjectOptions first_byte;
      first_byte.range = std::make_pair(std::uint64_t{0}, std::uint64_t{0});
      auto probe =
          client->get_object(bucket, key, first_byte, [](std::string_view) { return Status{}; });
      if (!probe && !aws::is_refused_by_status(probe.error())) error = probe.take_error();
    }
    error.message = "cannot read s3://" + bucket + "/" + key + ": " + error.message;
    return error;
  }
  std::unique_ptr<S3ObjectSource> source(new S3ObjectSource(
      std::move(client), std::move(bucket), std::move(key), chunk_size, info->size, info->etag));
  source->next_offset_ = start_offset;
  return source;
}

Status S3ObjectSource::fetch_next_chunk() {
  const std::uint64_t last = std::min<std::uint64_t>(next_offset_ + chunk_size_, size_) - 1;
  const std::size_t expected = static_cast<std::size_t>(last - next_offset_ + 1);
  chunk_.clear();
  chunk_.reserve(expected);
  chunk_pos_ = 0;

  aws::GetObjectOptions options;
  options.range = std::make_pair(next_offset_, last);
  options.if_match = etag_;
  options.reset_sink = [this] {
    chunk_.clear();
    return true;
  };
  auto sink = [this, expected](std::string_view piece) -> Status {
    if (chunk_.size() + piece.size() > expected) {
      return make_error("InvalidResponse", name() + ": the server sent more than the range asked");
    }
    chunk_.append(piece);
    return {};
  };
  auto info = client_->get_object(bucket_, key_, options, sink);
  if (!info) {
    Error error = info.take_error();
    if (aws::is_precondition_failed(error)) {
      error.message = name() + " changed while it was being read (ETag " + etag_ +
                      " no longer matches): " + error.message;
    } else {
      error.message = "reading " + name() + ": " + error.message;
    }
    return error;
  }
  if (chunk_.size() != expected) {
    return make_error("TruncatedObject", name() + ": expected " + std::to_string(expected) +
                                             " bytes at offset " + std::to_string(next_offset_) +
                                             ", got " + std::to_string(chunk_.size()));
  }
  next_offset_ = last + 1;
  return {};
}

Result<std::size_t> S3ObjectSource::read(char* buffer, std::size_t capacity) {
  if (chunk_pos_ == chunk_.size()) {
    if (next_offset_ >= size_) return std::size_t{0};
    if (Status fetched = fetch_next_chunk(); !fetched) return fetched.take_error();
  }
  const std::size_t n = std::min(capacity, chunk_.size() - chunk_pos_);
  std::memcpy(buffer, chunk_.data() + chunk_pos_, n);
  chunk_pos_ += n;
  return n;
}

Result<std::unique_ptr<csv::ByteSource>> open_s3_source(std::shared_ptr<aws::S3Client> client,
                                                        std::string_view s3_url) {
  auto location = aws::parse_s3_url(s3_url);
  if (!location) return location.take_error();
  auto source = S3ObjectSource::open(std::move(client), std::move(location->bucket),
                                     std::move(location->key));
  if (!source) return source.take_error();
  return std::unique_ptr<csv::ByteSource>(std::move(source).value());
}

}  // namespace csv2ddb::adapters
