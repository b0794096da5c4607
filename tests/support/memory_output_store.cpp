#include "support/memory_output_store.hpp"

namespace csv2ddb::ingest {

class MemoryObjectWriter final : public OutputWriter {
 public:
  MemoryObjectWriter(MemoryOutputStore& store, std::string key, std::string content_type)
      : store_(store), key_(std::move(key)), content_type_(std::move(content_type)) {}

  Status write(std::string_view bytes) override {
    if (done_) return make_error("ObjectStoreError", "write after commit or abort");
    bytes_.append(bytes);
    return {};
  }
  Status commit() override {
    if (done_) return make_error("ObjectStoreError", "commit after commit or abort");
    done_ = true;
    store_.commit(key_, {std::move(bytes_), std::move(content_type_)});
    return {};
  }
  void abort() override { done_ = true; }
  // Nothing is ever sent before commit, so everything is the tail.
  Result<SuspendedObject> suspend() override {
    if (done_) return make_error("ObjectStoreError", "suspend after commit or abort");
    done_ = true;
    return SuspendedObject{"", std::move(bytes_)};
  }

 private:
  MemoryOutputStore& store_;
  std::string key_;
  std::string content_type_;
  std::string bytes_;
  bool done_ = false;
};

Result<std::unique_ptr<OutputWriter>> MemoryOutputStore::create(const std::string& key,
                                                                std::string_view content_type) {
  if (key.empty()) return make_error("InvalidKey", "object key is empty");
  return std::unique_ptr<OutputWriter>(
      new MemoryObjectWriter(*this, key, std::string(content_type)));
}

Status MemoryOutputStore::remove(const std::string& key) {
  std::lock_guard lock(mutex_);
  objects_.erase(key);
  return {};
}

void MemoryOutputStore::commit(const std::string& key, Object object) {
  std::lock_guard lock(mutex_);
  objects_[key] = std::move(object);
}

void MemoryOutputStore::put(const std::string& key, std::string bytes) {
  commit(key, {std::move(bytes), "application/octet-stream"});
}

std::optional<std::string> MemoryOutputStore::get(const std::string& key) const {
  std::lock_guard lock(mutex_);
  if (auto found = objects_.find(key); found != objects_.end()) return found->second.bytes;
  return std::nullopt;
}

std::optional<std::string> MemoryOutputStore::content_type(const std::string& key) const {
  std::lock_guard lock(mutex_);
  if (auto found = objects_.find(key); found != objects_.end()) return found->second.content_type;
  return std::nullopt;
}

std::vector<std::string> MemoryOutputStore::keys() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> keys;
  for (const auto& [key, object] : objects_) keys.push_back(key);
  return keys;
}

}  // namespace csv2ddb::ingest
