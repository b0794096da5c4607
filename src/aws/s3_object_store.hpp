// The ingest engine's ObjectStore over S3, for outputs under "s3://bucket/prefix".
//
// Writers hold at most one part in memory: an output smaller than the part size goes up as a
// single PutObject on commit; a larger one becomes a multipart upload whose parts are sent as
// they fill (the parts are in memory anyway, so each is hashed and fully signed). Nothing is
// visible until commit() completes the upload; any failure, abort() or a writer destroyed
// uncommitted aborts the upload, so no half-written object and no orphaned parts remain.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "aws/s3_client.hpp"
#include "ingest/object_store.hpp"

namespace csv2ddb::aws {

inline constexpr std::size_t kDefaultS3PartSize = 8 * 1024 * 1024;
// S3 refuses parts below 5 MiB, the last one excepted.
inline constexpr std::size_t kMinS3PartSize = 5 * 1024 * 1024;

class S3ObjectStore final : public ingest::ObjectStore {
 public:
  // `prefix` is prepended to every key ("out/" or "" for the bucket root; a missing trailing
  // '/' is added). `part_size` is clamped to at least kMinS3PartSize.
  S3ObjectStore(std::shared_ptr<S3Client> client, std::string bucket, std::string prefix,
                std::size_t part_size = kDefaultS3PartSize);

  Result<std::unique_ptr<ingest::ObjectWriter>> create(const std::string& key,
                                                       std::string_view content_type) override;
  Status remove(const std::string& key) override;
  std::string locate(const std::string& key) const override;

 private:
  std::string object_key(const std::string& key) const { return prefix_ + key; }

  std::shared_ptr<S3Client> client_;
  std::string bucket_;
  std::string prefix_;
  std::size_t part_size_;
};

// "s3://bucket/prefix" → a store rooted there.
Result<std::unique_ptr<S3ObjectStore>> make_s3_object_store(std::shared_ptr<S3Client> client,
                                                            std::string_view s3_url);

}  // namespace csv2ddb::aws
