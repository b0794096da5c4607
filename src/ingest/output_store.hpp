// Where the outcome files go: a folder on disk (cli/folder_output_store.hpp) or an S3 bucket
// (adapters/s3_output_store.hpp).
// Writers stream: an output is never held whole in memory, and it becomes visible only when
// committed, so a failed run never leaves a half-written object behind.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace csv2ddb::ingest {

// A writer stopped part-way so that a later process can go on with the same object (a Lambda
// invocation handing a large file over to the next one): `state` is what the store needs to
// reopen it, in the store's own words (for S3 the multipart upload and its parts); empty when
// nothing was sent yet. `tail` holds the bytes written but not sent (below S3's minimum part).
struct SuspendedObject {
  std::string state;
  std::string tail;
};

class OutputWriter {
 public:
  virtual ~OutputWriter() = default;
  virtual Status write(std::string_view bytes) = 0;
  // Makes the object visible under its key (rename for files; complete for S3 multipart).
  virtual Status commit() = 0;
  // Drops what was written (also what the destructor does when commit() was never called).
  virtual void abort() = 0;
  // Stops without committing or dropping: the object stays invisible, and what was sent stays
  // where OutputStore::resume finds it. Stores that cannot do this refuse (the default).
  virtual Result<SuspendedObject> suspend();
};

class OutputStore {
 public:
  virtual ~OutputStore() = default;
  // `key` is relative ("json-copy/data/offers.json"). Content type is for S3.
  virtual Result<std::unique_ptr<OutputWriter>> create(const std::string& key,
                                                       std::string_view content_type) = 0;
  virtual Status remove(const std::string& key) = 0;
  // A writer that goes on where `suspended` stopped: what it is given follows the tail. A
  // resumed writer's abort() leaves what was sent before the suspension in place, since another
  // attempt of the same process may resume it again; discard() drops it for good.
  virtual Result<std::unique_ptr<OutputWriter>> resume(const std::string& key,
                                                       std::string_view content_type,
                                                       SuspendedObject suspended);
  virtual Status discard(const std::string& key, const SuspendedObject& suspended);
  // Where a key ends up, for messages and results ("out/json-copy/a.json",
  // "s3://b/json-copy/a.json").
  virtual std::string locate(const std::string& key) const = 0;
};

}  // namespace csv2ddb::ingest
