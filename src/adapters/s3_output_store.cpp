#include "adapters/s3_output_store.hpp"

#include <algorithm>
#include <cstdlib>
#include <vector>

#include "model/json.hpp"

namespace csv2ddb::adapters {
namespace {

// A suspended writer's state: {"upload_id":"...","parts":[[1,"\"etag\""],...]}, or "" when
// no upload was started (everything is in the tail).
struct UploadState {
  std::string upload_id;
  std::vector<aws::CompletedPart> parts;
};

std::string upload_state_json(const UploadState& state) {
  if (state.upload_id.empty()) return {};
  std::string out;
  model::JsonWriter json(out);
  json.raw("{\"upload_id\":");
  json.string(state.upload_id);
  json.raw(",\"parts\":[");
  for (std::size_t i = 0; i < state.parts.size(); ++i) {
    if (i > 0) json.ch(',');
    json.ch('[');
    json.raw(std::to_string(state.parts[i].part_number));
    json.ch(',');
    json.string(state.parts[i].etag);
    json.ch(']');
  }
  json.raw("]}");
  return out;
}

Result<UploadState> parse_upload_state(const std::string& key, std::string_view text) {
  UploadState state;
  if (text.empty()) return state;
  auto invalid = [&key] {
    return make_error("InvalidUploadState",
                      key + ": the suspended upload's state is not what this store wrote");
  };
  Result<model::JsonValue> parsed = model::parse_json(text);
  if (!parsed) return invalid();
  const model::JsonValue* upload_id = parsed->find("upload_id");
  const model::JsonValue* parts = parsed->find("parts");
  if (upload_id == nullptr || !upload_id->is_string() || upload_id->as_string().empty() ||
      parts == nullptr || !parts->is_array()) {
    return invalid();
  }
  state.upload_id = upload_id->as_string();
  for (const model::JsonValue& part : parts->as_array()) {
    if (!part.is_array() || part.as_array().size() != 2 || !part.as_array()[0].is_number() ||
        !part.as_array()[1].is_string()) {
      return invalid();
    }
    const int number = std::atoi(part.as_array()[0].as_string().c_str());
    // The writer numbers its parts 1, 2, 3...: anything else was not written by it.
    if (number != static_cast<int>(state.parts.size()) + 1) return invalid();
    state.parts.push_back({number, part.as_array()[1].as_string()});
  }
  return state;
}

class S3OutputWriter final : public ingest::OutputWriter {
 public:
  S3OutputWriter(std::shared_ptr<aws::S3Client> client, std::string bucket, std::string key,
                 std::string content_type, std::size_t part_size)
      : client_(std::move(client)),
        bucket_(std::move(bucket)),
        key_(std::move(key)),
        content_type_(std::move(content_type)),
        part_size_(part_size) {
    buffer_.reserve(std::min<std::size_t>(part_size_, 64 * 1024));
  }
  // Goes on with a suspended upload: its parts stay, and the tail starts the next part. The
  // upload is not this writer's own, so abort() leaves it for another attempt.
  S3OutputWriter(std::shared_ptr<aws::S3Client> client, std::string bucket, std::string key,
                 std::string content_type, std::size_t part_size, UploadState state,
                 std::string tail)
      : S3OutputWriter(std::move(client), std::move(bucket), std::move(key),
                       std::move(content_type), part_size) {
    upload_id_ = std::move(state.upload_id);
    parts_ = std::move(state.parts);
    owns_upload_ = upload_id_.empty();
    buffer_ = std::move(tail);
  }
  ~S3OutputWriter() override {
    if (!finished_) abort();
  }
  S3OutputWriter(const S3OutputWriter&) = delete;
  S3OutputWriter& operator=(const S3OutputWriter&) = delete;

  Status write(std::string_view bytes) override {
    if (finished_) return make_error("WriterClosed", "s3://" + bucket_ + "/" + key_ + " is closed");
    // A resumed tail may already hold a part's worth.
    while (buffer_.size() >= part_size_) {
      if (Status sent = send_part(); !sent) return fail(sent.take_error());
    }
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
    while (!buffer_.empty()) {
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
    if (!upload_id_.empty() && owns_upload_) {
      (void)client_->abort_multipart_upload(bucket_, key_, upload_id_);
    }
  }

  Result<ingest::SuspendedObject> suspend() override {
    if (finished_) return make_error("WriterClosed", "s3://" + bucket_ + "/" + key_ + " is closed");
    // Whole parts go now, so the tail stays below one part.
    while (buffer_.size() >= part_size_) {
      if (Status sent = send_part(); !sent) return fail(sent.take_error());
    }
    finished_ = true;
    ingest::SuspendedObject out;
    out.state = upload_state_json({upload_id_, parts_});
    out.tail = std::move(buffer_);
    buffer_.clear();
    return out;
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
    if (buffer_.size() > part_size_) {  // a resumed tail larger than this writer's part size
      part = buffer_.substr(0, part_size_);
      buffer_.erase(0, part_size_);
    } else {
      part.swap(buffer_);
      buffer_.reserve(part_size_);
    }
    auto etag = client_->upload_part(bucket_, key_, upload_id_, part_number, std::move(part));
    if (!etag) return etag.take_error();
    parts_.push_back({part_number, std::move(etag).value()});
    return {};
  }

  Error fail(Error error) {
    abort();
    return error;
  }

  std::shared_ptr<aws::S3Client> client_;
  std::string bucket_;
  std::string key_;
  std::string content_type_;
  std::size_t part_size_;
  std::string buffer_;
  std::string upload_id_;
  std::vector<aws::CompletedPart> parts_;
  bool owns_upload_ = true;  // created here, so abort() may abort it
  bool finished_ = false;
};

}  // namespace

S3OutputStore::S3OutputStore(std::shared_ptr<aws::S3Client> client, std::string bucket,
                             std::string prefix, std::size_t part_size, std::size_t min_part_size)
    : client_(std::move(client)),
      bucket_(std::move(bucket)),
      prefix_(std::move(prefix)),
      part_size_(std::max<std::size_t>({part_size, min_part_size, 1})) {
  if (!prefix_.empty() && prefix_.back() != '/') prefix_.push_back('/');
}

Result<std::unique_ptr<ingest::OutputWriter>> S3OutputStore::create(const std::string& key,
                                                                    std::string_view content_type) {
  return std::unique_ptr<ingest::OutputWriter>(std::make_unique<S3OutputWriter>(
      client_, bucket_, object_key(key), std::string(content_type), part_size_));
}

Result<std::unique_ptr<ingest::OutputWriter>> S3OutputStore::resume(
    const std::string& key, std::string_view content_type, ingest::SuspendedObject suspended) {
  Result<UploadState> state = parse_upload_state(locate(key), suspended.state);
  if (!state) return state.take_error();
  return std::unique_ptr<ingest::OutputWriter>(
      std::make_unique<S3OutputWriter>(client_, bucket_, object_key(key), std::string(content_type),
                                       part_size_, std::move(*state), std::move(suspended.tail)));
}

Status S3OutputStore::discard(const std::string& key, const ingest::SuspendedObject& suspended) {
  Result<UploadState> state = parse_upload_state(locate(key), suspended.state);
  if (!state) return state.take_error();
  if (state->upload_id.empty()) return {};
  return client_->abort_multipart_upload(bucket_, object_key(key), state->upload_id);
}

Status S3OutputStore::remove(const std::string& key) {
  return client_->delete_object(bucket_, object_key(key));
}

std::string S3OutputStore::locate(const std::string& key) const {
  return "s3://" + bucket_ + "/" + object_key(key);
}

Result<std::unique_ptr<S3OutputStore>> make_s3_output_store(std::shared_ptr<aws::S3Client> client,
                                                            std::string_view s3_url) {
  auto location = aws::parse_s3_url(s3_url);
  if (!location) return location.take_error();
  return std::make_unique<S3OutputStore>(std::move(client), std::move(location->bucket),
                                         std::move(location->key));
}

}  // namespace csv2ddb::adapters
