// The ingest engine's OutputStore over S3, for outputs under "s3://bucket/prefix".
//
// Writers hold at most one part in memory: an output smaller than the part size goes up as a
// single PutObject on commit; a larger one becomes a multipart upload whose parts are sent as
// they fill (the parts are in memory anyway, so each is hashed and fully signed). Nothing is
// visible until commit() completes the upload; any failure, abort() or a writer destroyed
// uncommitted aborts the upload, so no half-written object and no orphaned parts remain.
//
// A writer can also be suspended and resumed in another process (a Lambda invocation handing a
// large file over to the next one): the state is the upload id and its parts' ETags, the tail
// is what was written since the last part (below the part size, so not yet sendable). A resumed
// writer never aborts the upload it inherited: the same state may be resumed again by a retry.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "aws/s3_client.hpp"
#include "ingest/output_store.hpp"

namespace csv2ddb::adapters {

inline constexpr std::size_t kDefaultS3PartSize = 8 * 1024 * 1024;
// S3 refuses parts below 5 MiB, the last one excepted.
inline constexpr std::size_t kMinS3PartSize = 5 * 1024 * 1024;

class S3OutputStore final : public ingest::OutputStore {
 public:
  // `prefix` is prepended to every key ("out/" or "" for the bucket root; a missing trailing
  // '/' is added). `part_size` is clamped to at least `min_part_size`: S3's own minimum, lower
  // only against servers that accept smaller parts (tests that need many parts from little).
  S3OutputStore(std::shared_ptr<aws::S3Client> client, std::string bucket, std::string prefix,
                std::size_t part_size = kDefaultS3PartSize,
                std::size_t min_part_size = kMinS3PartSize);

  Result<std::unique_ptr<ingest::OutputWriter>> create(const std::string& key,
                                                       std::string_view content_type) override;
  Status remove(const std::string& key) override;
  Result<std::unique_ptr<ingest::OutputWriter>> resume(const std::string& key,
                                                       std::string_view content_type,
                                                       ingest::SuspendedObject suspended) override;
  // Aborts the suspended multipart upload, if one was started.
  Status discard(const std::string& key, const ingest::SuspendedObject& suspended) override;
  std::size_t part_size() const { return part_size_; }
  std::string locate(const std::string& key) const override;

 private:
  std::string object_key(const std::string& key) const { return prefix_ + key; }

  std::shared_ptr<aws::S3Client> client_;
  std::string bucket_;
  std::string prefix_;
  std::size_t part_size_;
};

// "s3://bucket/prefix" → a store rooted there.
Result<std::unique_ptr<S3OutputStore>> make_s3_output_store(std::shared_ptr<aws::S3Client> client,
                                                            std::string_view s3_url);

}  // namespace csv2ddb::adapters
