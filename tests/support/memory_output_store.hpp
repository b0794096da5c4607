// An OutputStore in memory, for tests of anything that writes outcome files: objects appear only
// on commit, exactly like the real stores. Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "ingest/output_store.hpp"

namespace csv2ddb::ingest {

class MemoryOutputStore final : public OutputStore {
 public:
  Result<std::unique_ptr<OutputWriter>> create(const std::string& key,
                                               std::string_view content_type) override;
  Status remove(const std::string& key) override;
  std::string locate(const std::string& key) const override { return "memory://" + key; }

  std::optional<std::string> get(const std::string& key) const;
  std::optional<std::string> content_type(const std::string& key) const;
  std::vector<std::string> keys() const;  // sorted
  // Puts an object directly (e.g. a stale output a run must replace or remove).
  void put(const std::string& key, std::string bytes);

 private:
  friend class MemoryObjectWriter;
  struct Object {
    std::string bytes;
    std::string content_type;
  };
  void commit(const std::string& key, Object object);

  mutable std::mutex mutex_;
  std::map<std::string, Object> objects_;
};

}  // namespace csv2ddb::ingest
