#include "local/s3/object_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>

#include "local/s3/s3_errors.hpp"
#include "local/s3/storage_names.hpp"

namespace csv2ddb::local::s3 {
namespace {

namespace fs = std::filesystem;
using dynamodb::SqliteStatement;

// How long a replaced version's file outlives its replacement (see the header).
constexpr auto kRetiredFileGrace = std::chrono::seconds(10);

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS buckets (
  name TEXT PRIMARY KEY, created_ms INTEGER NOT NULL, notification BLOB NOT NULL DEFAULT x'');
CREATE TABLE IF NOT EXISTS objects (
  bucket TEXT NOT NULL, key BLOB NOT NULL, file TEXT NOT NULL, size INTEGER NOT NULL,
  etag TEXT NOT NULL, modified_ms INTEGER NOT NULL, headers BLOB NOT NULL,
  PRIMARY KEY (bucket, key)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS uploads (
  upload_id TEXT PRIMARY KEY, bucket TEXT NOT NULL, key BLOB NOT NULL, headers BLOB NOT NULL,
  initiated_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS parts (
  upload_id TEXT NOT NULL, number INTEGER NOT NULL, file TEXT NOT NULL, size INTEGER NOT NULL,
  md5 BLOB NOT NULL, modified_ms INTEGER NOT NULL, PRIMARY KEY (upload_id, number)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS completed_uploads (
  upload_id TEXT PRIMARY KEY, bucket TEXT NOT NULL, key BLOB NOT NULL, parts BLOB NOT NULL,
  etag TEXT NOT NULL, completed_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS completed_uploads_by_time ON completed_uploads (completed_ms);
)sql";

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Error disk_error(std::string_view what, const std::error_code& ec) {
  return internal_error("We encountered an internal error (" + std::string(what) +
                        "): " + ec.message());
}

ObjectInfo object_from_row(const SqliteStatement& row, const std::string& root,
                           const std::string& bucket) {
  ObjectInfo info;
  info.key = std::string(row.column_blob(0));
  info.file = root + "/buckets/" + bucket + "/" + std::string(row.column_blob(1));
  info.size = static_cast<std::uint64_t>(row.column_int(2));
  info.etag = std::string(row.column_blob(3));
  info.last_modified_ms = row.column_int(4);
  info.headers = decode_headers(row.column_blob(5));
  return info;
}

constexpr const char* kObjectColumns = "key, file, size, etag, modified_ms, headers";

}  // namespace

std::string encode_headers(const aws::HeaderList& headers) {
  std::string out;
  for (const aws::Header& header : headers) {
    out.append(header.name).append(":").append(header.value).append("\n");
  }
  return out;
}

aws::HeaderList decode_headers(std::string_view encoded) {
  aws::HeaderList out;
  while (!encoded.empty()) {
    const auto newline = encoded.find('\n');
    const std::string_view line = encoded.substr(0, newline);
    const auto colon = line.find(':');
    if (colon != std::string_view::npos) {
      out.push_back({std::string(line.substr(0, colon)), std::string(line.substr(colon + 1))});
    }
    if (newline == std::string_view::npos) break;
    encoded.remove_prefix(newline + 1);
  }
  return out;
}

ObjectStore::ObjectStore(std::string root, std::unique_ptr<dynamodb::SqliteConnection> db)
    : root_(std::move(root)), staging_dir_(root_ + "/staging"), db_(std::move(db)) {
  // Versions only need to be unique per key; the clock gives a start that later runs exceed.
  version_counter_ =
      static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count());
}

Result<std::unique_ptr<ObjectStore>> ObjectStore::open(const std::string& data_dir) {
  const std::string root = data_dir + "/s3";
  std::error_code ec;
  for (const char* sub : {"/buckets", "/uploads", "/staging"}) {
    fs::create_directories(root + sub, ec);
    if (ec) return disk_error("create " + root + sub, ec);
  }
  // Leftovers of uploads interrupted by a crash or a kill.
  for (const auto& entry : fs::directory_iterator(root + "/staging", ec)) {
    fs::remove(entry.path(), ec);
  }
  auto db = dynamodb::SqliteConnection::open(root + "/meta.sqlite3");
  if (!db) return db.take_error();
  if (Status s = (*db)->exec(kSchema); !s) return s.take_error();
  return std::unique_ptr<ObjectStore>(new ObjectStore(root, std::move(*db)));
}

std::uint64_t ObjectStore::next_version() {
  return ++version_counter_;  // callers hold mutex_
}

void ObjectStore::retire_file(std::string path) {
  retired_.emplace_back(std::chrono::steady_clock::now(), std::move(path));
}

void ObjectStore::sweep_retired(bool everything) {
  const auto now = std::chrono::steady_clock::now();
  std::size_t kept = 0;
  for (auto& [when, path] : retired_) {
    if (everything || now - when > kRetiredFileGrace) {
      ::unlink(path.c_str());
    } else {
      retired_[kept++] = {when, std::move(path)};
    }
  }
  retired_.resize(kept);
}

Result<bool> ObjectStore::bucket_exists_locked(const std::string& name) {
  auto stmt = db_->prepare("SELECT 1 FROM buckets WHERE name = ?1");
  if (!stmt) return stmt.take_error();
  stmt->bind_text(1, name);
  return stmt->step();
}

Status ObjectStore::require_bucket(const std::string& name) {
  std::lock_guard lock(mutex_);
  auto exists = bucket_exists_locked(name);
  if (!exists) return exists.take_error();
  if (!*exists) return no_such_bucket(name);
  return {};
}

Status ObjectStore::create_bucket(const std::string& name) {
  std::lock_guard lock(mutex_);
  auto exists = bucket_exists_locked(name);
  if (!exists) return exists.take_error();
  if (*exists) {
    return make_error("BucketAlreadyOwnedByYou",
                      "Your previous request to create the named bucket succeeded and you "
                      "already own it.");
  }
  std::error_code ec;
  fs::create_directories(root_ + "/buckets/" + name, ec);
  if (ec) return disk_error("create bucket folder", ec);
  auto stmt = db_->prepare("INSERT INTO buckets (name, created_ms) VALUES (?1, ?2)");
  if (!stmt) return stmt.take_error();
  stmt->bind_text(1, name).bind(2, now_ms());
  return stmt->run();
}

Status ObjectStore::delete_bucket(const std::string& name) {
  std::lock_guard lock(mutex_);
  auto exists = bucket_exists_locked(name);
  if (!exists) return exists.take_error();
  if (!*exists) return no_such_bucket(name);
  auto any = db_->prepare("SELECT 1 FROM objects WHERE bucket = ?1 LIMIT 1");
  if (!any) return any.take_error();
  any->bind_text(1, name);
  auto has_objects = any->step();
  if (!has_objects) return has_objects.take_error();
  if (*has_objects) {
    return make_error("BucketNotEmpty", "The bucket you tried to delete is not empty");
  }
  auto stmt = db_->prepare("DELETE FROM buckets WHERE name = ?1");
  if (!stmt) return stmt.take_error();
  stmt->bind_text(1, name);
  if (Status s = stmt->run(); !s) return s;
  std::error_code ec;
  fs::remove_all(root_ + "/buckets/" + name, ec);
  return {};
}

Result<std::vector<BucketInfo>> ObjectStore::list_buckets() {
  std::lock_guard lock(mutex_);
  auto stmt = db_->prepare("SELECT name, created_ms FROM buckets ORDER BY name");
  if (!stmt) return stmt.take_error();
  std::vector<BucketInfo> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return row.take_error();
    if (!*row) break;
    out.push_back({std::string(stmt->column_blob(0)), stmt->column_int(1)});
  }
  return out;
}

Result<std::string> ObjectStore::notification_xml(const std::string& bucket) {
  std::lock_guard lock(mutex_);
  auto stmt = db_->prepare("SELECT notification FROM buckets WHERE name = ?1");
  if (!stmt) return stmt.take_error();
  stmt->bind_text(1, bucket);
  auto row = stmt->step();
  if (!row) return row.take_error();
  if (!*row) return no_such_bucket(bucket);
  return std::string(stmt->column_blob(0));
}

Status ObjectStore::set_notification_xml(const std::string& bucket, const std::string& xml) {
  std::lock_guard lock(mutex_);
  auto exists = bucket_exists_locked(bucket);
  if (!exists) return exists.take_error();
  if (!*exists) return no_such_bucket(bucket);
  auto stmt = db_->prepare("UPDATE buckets SET notification = ?2 WHERE name = ?1");
  if (!stmt) return stmt.take_error();
  stmt->bind_text(1, bucket).bind_blob(2, xml);
  return stmt->run();
}

Result<ObjectInfo> ObjectStore::head(const std::string& bucket, const std::string& key) {
  std::lock_guard lock(mutex_);
  auto stmt = db_->prepare(std::string("SELECT ") + kObjectColumns +
                           " FROM objects WHERE bucket = ?1 AND key = ?2");
  if (!stmt) return stmt.take_error();
  stmt->bind_text(1, bucket).bind_blob(2, key);
  auto row = stmt->step();
  if (!row) return row.take_error();
  if (*row) return object_from_row(*stmt, root_, bucket);
  auto exists = bucket_exists_locked(bucket);
  if (!exists) return exists.take_error();
  if (!*exists) return no_such_bucket(bucket);
  return no_such_key();
}

Result<ObjectInfo> ObjectStore::put(const std::string& bucket, const std::string& key,
                                    StagedBody staged, std::string etag, aws::HeaderList headers) {
  auto info =
      commit_object(bucket, key, staged.path, staged.size, std::move(etag), std::move(headers), "");
  if (!info) discard_staged(staged);
  return info;
}

Result<ObjectInfo> ObjectStore::commit_object(const std::string& bucket, const std::string& key,
                                              const std::string& staged_path, std::uint64_t size,
                                              std::string etag, aws::HeaderList headers,
                                              const std::string& finished_upload_id,
                                              const std::string& finished_parts) {
  std::lock_guard lock(mutex_);
  sweep_retired(false);
  auto exists = bucket_exists_locked(bucket);
  if (!exists) return exists.take_error();
  if (!*exists) return no_such_bucket(bucket);
  const std::string name = object_file_name(key, next_version());
  const std::string bucket_dir = root_ + "/buckets/" + bucket + "/";
  std::error_code ec;
  fs::create_directories(bucket_dir + name.substr(0, 2), ec);
  if (ec) return disk_error("create object folder", ec);
  ObjectInfo info;
  info.key = key;
  info.file = bucket_dir + name;
  info.size = size;
  info.etag = std::move(etag);
  info.last_modified_ms = now_ms();
  info.headers = std::move(headers);
  fs::rename(staged_path, info.file, ec);
  if (ec) return disk_error("rename into place", ec);
  // The version this one replaces, whose file is retired once the row points elsewhere.
  std::string replaced;
  if (auto old = db_->prepare("SELECT file FROM objects WHERE bucket = ?1 AND key = ?2"); old) {
    old->bind_text(1, bucket).bind_blob(2, key);
    if (auto row = old->step(); row && *row)
      replaced = bucket_dir + std::string(old->column_blob(0));
  }
  if (Status s = db_->exec("BEGIN IMMEDIATE"); !s) return s.take_error();
  auto stmt = db_->prepare(
      "INSERT OR REPLACE INTO objects (bucket, key, file, size, etag, modified_ms, headers) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!stmt) {
    (void)db_->exec("ROLLBACK");
    return stmt.take_error();
  }
  const std::string encoded = encode_headers(info.headers);
  stmt->bind_text(1, bucket)
      .bind_blob(2, key)
      .bind_text(3, name)
      .bind(4, static_cast<std::int64_t>(size))
      .bind_text(5, info.etag)
      .bind(6, info.last_modified_ms)
      .bind_blob(7, encoded);
  Status status = stmt->run();
  if (status && !finished_upload_id.empty()) {
    for (const char* sql :
         {"DELETE FROM parts WHERE upload_id = ?1", "DELETE FROM uploads WHERE upload_id = ?1"}) {
      auto del = db_->prepare(sql);
      if (!del) {
        status = del.take_error();
        break;
      }
      del->bind_text(1, finished_upload_id);
      if (status = del->run(); !status) break;
    }
    // No upload row left: a concurrent Complete of the same upload committed first, and
    // this one must not replace its object (or send a second event).
    if (status && db_->changes() == 0) status = no_such_upload();
    if (status) {
      status =
          remember_completed_locked(finished_upload_id, bucket, key, finished_parts, info.etag);
    }
  }
  if (status) status = db_->exec("COMMIT");
  if (!status) {
    (void)db_->exec("ROLLBACK");
    ::unlink(info.file.c_str());
    return status.take_error();
  }
  if (!replaced.empty()) retire_file(std::move(replaced));
  return info;
}

Result<bool> ObjectStore::remove(const std::string& bucket, const std::string& key) {
  std::lock_guard lock(mutex_);
  sweep_retired(false);
  auto exists = bucket_exists_locked(bucket);
  if (!exists) return exists.take_error();
  if (!*exists) return no_such_bucket(bucket);
  auto old = db_->prepare("SELECT file FROM objects WHERE bucket = ?1 AND key = ?2");
  if (!old) return old.take_error();
  old->bind_text(1, bucket).bind_blob(2, key);
  auto row = old->step();
  if (!row) return row.take_error();
  if (!*row) return false;
  std::string file = root_ + "/buckets/" + bucket + "/" + std::string(old->column_blob(0));
  auto stmt = db_->prepare("DELETE FROM objects WHERE bucket = ?1 AND key = ?2");
  if (!stmt) return stmt.take_error();
  stmt->bind_text(1, bucket).bind_blob(2, key);
  if (Status s = stmt->run(); !s) return s.take_error();
  retire_file(std::move(file));
  return true;
}

Result<std::vector<ObjectInfo>> ObjectStore::scan(const std::string& bucket,
                                                  const std::string& after,
                                                  const std::string& prefix, std::size_t limit) {
  std::lock_guard lock(mutex_);
  auto stmt = db_->prepare(std::string("SELECT ") + kObjectColumns +
                           " FROM objects WHERE bucket = ?1 AND key > ?2 AND key >= ?3"
                           " ORDER BY key LIMIT ?4");
  if (!stmt) return stmt.take_error();
  stmt->bind_text(1, bucket).bind_blob(2, after).bind_blob(3, prefix).bind(
      4, static_cast<std::int64_t>(limit));
  std::vector<ObjectInfo> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return row.take_error();
    if (!*row) break;
    ObjectInfo info = object_from_row(*stmt, root_, bucket);
    if (!info.key.starts_with(prefix)) break;
    out.push_back(std::move(info));
  }
  return out;
}

}  // namespace csv2ddb::local::s3
