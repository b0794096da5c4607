#include "aws/s3_object_store.hpp"

#include <algorithm>
#include <vector>

namespace csv2ddb::aws {
namespace {

class S3ObjectWriter final : public ingest::ObjectWriter {
 public:
  S3ObjectWriter(std::shared_ptr<S3Client> client, std::string bucket, std::string key,
                 std::string content_type, std::size_t part_size)
      : client_(std::move(client)),
        bucket_(std::move(bucket)),
        key_(std::move(key)),
        content_type_(std::move(content_type)),
        part_size_(part_size) {
    buffer_.reserve(std::min<std::size_t>(part_size_, 64 * 1024));
  }
  ~S3ObjectWriter() override {
    if (!finished_) abort();
  }
  S3ObjectWriter(const S3ObjectWriter&) = delete;
  S3ObjectWriter& operator=(const S3ObjectWriter&) = delete;

  Status write(std::string_view bytes) override {
    if (finished_) return make_error("WriterClosed", "s3://" + bucket_ + "/" + key_ + " is closed");
    while (!bytes.empty()) {
      const std::size_t take = std::min(bytes.size(), part_size_ - buffer_.size());
      buffer_.append(bytes.substr(0, take));
      bytes.remove_prefix(take);
      if (buffer_.size() == part_size_) {
        if (Status sent = send_part(); !sent) return fail(sent.take_error());
      }
    }
    return {};
  }

  Status commit() override {
    if (finished_) return make_error("WriterClosed", "s3://" + bucket_ + "/" + key_ + " is closed");
    if (upload_id_.empty()) {
      auto etag = client_->put_object(bucket_, key_, std::move(buffer_), content_type_);
      finished_ = true;
      if (!etag) return etag.take_error();
      return {};
    }
    if (!buffer_.empty()) {
      if (Status sent = send_part(); !sent) return fail(sent.take_error());
    }
    auto completed = client_->complete_multipart_upload(bucket_, key_, upload_id_, parts_);
    if (!completed) return fail(completed.take_error());
    finished_ = true;
    return {};
  }

  void abort() override {
    if (finished_) return;
    finished_ = true;
    buffer_.clear();
    buffer_.shrink_to_fit();
    // Best effort: an abort that fails leaves parts that the bucket's lifecycle rule removes.
    if (!upload_id_.empty()) (void)client_->abort_multipart_upload(bucket_, key_, upload_id_);
  }

 private:
  Status send_part() {
    if (upload_id_.empty()) {
      auto upload_id = client_->create_multipart_upload(bucket_, key_, content_type_);
      if (!upload_id) return upload_id.take_error();
      upload_id_ = std::move(upload_id).value();
    }
    const int part_number = static_cast<int>(parts_.size()) + 1;
    std::string part;
    part.swap(buffer_);
    buffer_.reserve(part_size_);
    auto etag = client_->upload_part(bucket_, key_, upload_id_, part_number, std::move(part));
    if (!etag) return etag.take_error();
    parts_.push_back({part_number, std::move(etag).value()});
    return {};
  }

  Error fail(Error error) {
    abort();
    return error;
  }

  std::shared_ptr<S3Client> client_;
  std::string bucket_;
  std::string key_;
  std::string content_type_;
  std::size_t part_size_;
  std::string buffer_;
  std::string upload_id_;
  std::vector<CompletedPart> parts_;
  bool finished_ = false;
};

}  // namespace

S3ObjectStore::S3ObjectStore(std::shared_ptr<S3Client> client, std::string bucket,
                             std::string prefix, std::size_t part_size)
    : client_(std::move(client)),
      bucket_(std::move(bucket)),
      prefix_(std::move(prefix)),
      part_size_(std::max(part_size, kMinS3PartSize)) {
  if (!prefix_.empty() && prefix_.back() != '/') prefix_.push_back('/');
}

Result<std::unique_ptr<ingest::ObjectWriter>> S3ObjectStore::create(const std::string& key,
                                                                    std::string_view content_type) {
  return std::unique_ptr<ingest::ObjectWriter>(std::make_unique<S3ObjectWriter>(
      client_, bucket_, object_key(key), std::string(content_type), part_size_));
}

Status S3ObjectStore::remove(const std::string& key) {
  return client_->delete_object(bucket_, object_key(key));
}

std::string S3ObjectStore::locate(const std::string& key) const {
  return "s3://" + bucket_ + "/" + object_key(key);
}

Result<std::unique_ptr<S3ObjectStore>> make_s3_object_store(std::shared_ptr<S3Client> client,
                                                            std::string_view s3_url) {
  auto location = parse_s3_url(s3_url);
  if (!location) return location.take_error();
  return std::make_unique<S3ObjectStore>(std::move(client), std::move(location->bucket),
                                         std::move(location->key));
}

}  // namespace csv2ddb::aws
