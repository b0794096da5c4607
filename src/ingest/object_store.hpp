// Where the outcome files go: a folder on disk (LocalObjectStore) or an S3 bucket (src/aws).
// Writers stream: an output is never held whole in memory, and it becomes visible only when
// committed, so a failed run never leaves a half-written object behind.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace csv2ddb::ingest {

class ObjectWriter {
 public:
  virtual ~ObjectWriter() = default;
  virtual Status write(std::string_view bytes) = 0;
  // Makes the object visible under its key (rename for files; complete for S3 multipart).
  virtual Status commit() = 0;
  // Drops what was written (also what the destructor does when commit() was never called).
  virtual void abort() = 0;
};

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;
  // `key` is relative ("json-copy/data/offers.json"). Content type is for S3.
  virtual Result<std::unique_ptr<ObjectWriter>> create(const std::string& key,
                                                       std::string_view content_type) = 0;
  virtual Status remove(const std::string& key) = 0;
  // Where a key ends up, for messages and results ("out/json-copy/a.json",
  // "s3://b/json-copy/a.json").
  virtual std::string locate(const std::string& key) const = 0;
};

// Files under a root folder; keys may contain '/', which become sub-folders. Keys that would
// leave the root ("..", absolute) are refused.
std::unique_ptr<ObjectStore> make_local_object_store(std::string root);

}  // namespace csv2ddb::ingest
