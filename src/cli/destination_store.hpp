// Routes each outcome of an ingest run (json copy, unprocessed, rejected, report) to its own
// destination, a local path or an s3:// URL, behind the single OutputStore the engine writes to.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "aws/s3_client.hpp"
#include "ingest/output_store.hpp"

namespace csv2ddb::cli {

class DestinationStore final : public ingest::OutputStore {
 public:
  explicit DestinationStore(std::shared_ptr<aws::S3Client> s3) : s3_(std::move(s3)) {}

  // Makes `name` (the key the engine will ask for) write to `destination`: a file path (its
  // folder must exist) or s3://bucket/key. Errors name the destination.
  Status add(const std::string& name, const std::string& destination);

  Result<std::unique_ptr<ingest::OutputWriter>> create(const std::string& key,
                                                       std::string_view content_type) override;
  Status remove(const std::string& key) override;
  std::string locate(const std::string& key) const override;

 private:
  struct Route {
    std::shared_ptr<ingest::OutputStore> store;
    std::string key;  // the key inside `store`
  };
  Result<const Route*> route(const std::string& key) const;

  std::shared_ptr<aws::S3Client> s3_;
  std::map<std::string, Route> routes_;
};

}  // namespace csv2ddb::cli
