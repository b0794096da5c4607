#include "cli/destination_store.hpp"

#include <filesystem>

#include "adapters/s3_output_store.hpp"
#include "cli/folder_output_store.hpp"

namespace csv2ddb::cli {

Status DestinationStore::add(const std::string& name, const std::string& destination) {
  Route route;
  if (destination.rfind("s3://", 0) == 0) {
    auto location = aws::parse_s3_url(destination);
    if (!location) return location.take_error();
    if (location->key.empty() || location->key.back() == '/') {
      return make_error("UsageError", destination + ": name the object, not a folder");
    }
    auto store = adapters::make_s3_output_store(s3_, "s3://" + location->bucket);
    if (!store) return store.take_error();
    route = {std::shared_ptr<ingest::OutputStore>(std::move(*store)), location->key};
  } else {
    const std::filesystem::path path(destination);
    if (!path.has_filename()) {
      return make_error("UsageError", destination + ": name the file, not a folder");
    }
    const auto folder = path.has_parent_path() ? path.parent_path().string() : std::string(".");
    route = {std::shared_ptr<ingest::OutputStore>(make_folder_output_store(folder)),
             path.filename().string()};
  }
  routes_[name] = std::move(route);
  return {};
}

Result<const DestinationStore::Route*> DestinationStore::route(const std::string& key) const {
  auto it = routes_.find(key);
  if (it == routes_.end()) return make_error("InternalError", "no destination for " + key);
  return &it->second;
}

Result<std::unique_ptr<ingest::OutputWriter>> DestinationStore::create(
    const std::string& key, std::string_view content_type) {
  auto found = route(key);
  if (!found) return found.take_error();
  return (*found)->store->create((*found)->key, content_type);
}

Status DestinationStore::remove(const std::string& key) {
  auto found = route(key);
  if (!found) return found.take_error();
  return (*found)->store->remove((*found)->key);
}

std::string DestinationStore::locate(const std::string& key) const {
  auto found = route(key);
  return found ? (*found)->store->locate((*found)->key) : key;
}

}  // namespace csv2ddb::cli
