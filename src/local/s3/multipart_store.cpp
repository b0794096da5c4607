// ObjectStore's multipart uploads: parts wait as files under uploads/<upload id>/ until the
// upload is completed (concatenated into one object file) or aborted.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>

#include "aws/crypto.hpp"
#include "local/request_id.hpp"
#include "local/s3/digests.hpp"
#include "local/s3/object_store.hpp"
#include "local/s3/s3_errors.hpp"

namespace csv2ddb::local::s3 {
namespace {

namespace fs = std::filesystem;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Upload ids are 32 random hex digits; ids from clients are only ever looked up, never used
// as paths unless found.
std::string new_upload_id() {
  return random_token(32, "0123456789abcdef");
}

Error errno_error(std::string_view what) {
  return internal_error("We encountered an internal error (" + std::string(what) +
                        "): " + std::strerror(errno));
}

// Appends the whole of `source` to `out_fd` in the kernel where it can.
Status append_file(int out_fd, const std::string& source) {
  const int in_fd = ::open(source.c_str(), O_RDONLY | O_CLOEXEC);
  if (in_fd < 0) return errno_error("open part");
  Status result;
  for (;;) {
    const ssize_t copied = ::copy_file_range(in_fd, nullptr, out_fd, nullptr, 1 << 30, 0);
    if (copied > 0) continue;
    if (copied == 0) break;
    if (errno == EINTR) continue;
    // Fall back to read/write (file systems without copy_file_range).
    char buffer[1 << 16];
    for (;;) {
      const ssize_t got = ::read(in_fd, buffer, sizeof buffer);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        if (got < 0) result = errno_error("read part");
        break;
      }
      if (::write(out_fd, buffer, static_cast<std::size_t>(got)) != got) {
        result = errno_error("write object");
        break;
      }
    }
    break;
  }
  ::close(in_fd);
  return result;
}

// Copies a file's bytes while hashing them: the ETag of a copy of a multipart object.
Status append_file_hashing(int out_fd, const std::string& source, Md5Hasher& md5) {
  const int in_fd = ::open(source.c_str(), O_RDONLY | O_CLOEXEC);
  if (in_fd < 0) return errno_error("open source");
  Status result;
  std::string buffer(1 << 18, '\0');
  for (;;) {
    const ssize_t got = ::read(in_fd, buffer.data(), buffer.size());
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      if (got < 0) result = errno_error("read source");
      break;
    }
    const std::string_view bytes(buffer.data(), static_cast<std::size_t>(got));
    md5.update(bytes);
    if (::write(out_fd, bytes.data(), bytes.size()) != got) {
      result = errno_error("write object");
      break;
    }
  }
  ::close(in_fd);
  return result;
}

bool is_plain_md5_etag(std::string_view etag) {
  return etag.size() == 34 && etag.front() == '"' && etag.back() == '"' &&
         etag.find('-') == std::string_view::npos;
}

}  // namespace

Result<std::string> ObjectStore::create_upload(const std::string& bucket, const std::string& key,
                                               aws::HeaderList headers) {
  std::lock_guard lock(mutex_);
  auto exists = bucket_exists_locked(bucket);
  if (!exists) return exists.take_error();
  if (!*exists) return no_such_bucket(bucket);
  std::string id = new_upload_id();
  std::error_code ec;
  fs::create_directories(root_ + "/uploads/" + id, ec);
  if (ec) return internal_error("cannot create upload folder: " + ec.message());
  auto stmt = db_->prepare(
      "INSERT INTO uploads (upload_id, bucket, key, headers, initiated_ms) "
      "VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!stmt) return stmt.take_error();
  const std::string encoded = encode_headers(headers);
  stmt->bind_text(1, id)
      .bind_text(2, bucket)
      .bind_blob(3, key)
      .bind_blob(4, encoded)
      .bind(5, now_ms());
  if (Status s = stmt->run(); !s) return s.take_error();
  return id;
}

Result<UploadInfo> ObjectStore::upload(const std::string& bucket, const std::string& key,
                                       const std::string& upload_id) {
  std::lock_guard lock(mutex_);
  auto stmt = db_->prepare(
      "SELECT headers, initiated_ms FROM uploads WHERE upload_id = ?1 AND bucket = ?2 AND key = "
      "?3");
  if (!stmt) return stmt.take_error();
  stmt->bind_text(1, upload_id).bind_text(2, bucket).bind_blob(3, key);
  auto row = stmt->step();
  if (!row) return row.take_error();
  if (!*row) {
    auto exists = bucket_exists_locked(bucket);
    if (exists && !*exists) return no_such_bucket(bucket);
    return no_such_upload();
  }
  UploadInfo info;
  info.upload_id = upload_id;
  info.bucket = bucket;
  info.key = key;
  info.headers = decode_headers(stmt->column_blob(0));
  info.initiated_ms = stmt->column_int(1);
  return info;
}

Result<PartInfo> ObjectStore::put_part(const UploadInfo& upload, int number, StagedBody staged) {
  std::lock_guard lock(mutex_);
  sweep_retired(false);
  PartInfo part;
  part.number = number;
  part.size = staged.size;
  part.md5_raw = staged.md5_raw;
  part.etag = "\"" + staged.md5_hex + "\"";
  part.last_modified_ms = now_ms();
  // A part uploaded again replaces the earlier one; each gets its own file name so a
  // concurrent Complete never sees a half-replaced part.
  part.file = root_ + "/uploads/" + upload.upload_id + "/" + std::to_string(number) + "." +
              std::to_string(next_version());
  auto still_there = db_->prepare("SELECT 1 FROM uploads WHERE upload_id = ?1");
  if (!still_there) return still_there.take_error();
  still_there->bind_text(1, upload.upload_id);
  if (auto row = still_there->step(); !row || !*row) {
    discard_staged(staged);
    return no_such_upload();
  }
  std::error_code ec;
  fs::rename(staged.path, part.file, ec);
  if (ec) {
    discard_staged(staged);
    return internal_error("cannot store part: " + ec.message());
  }
  std::string replaced;
  if (auto old = db_->prepare("SELECT file FROM parts WHERE upload_id = ?1 AND number = ?2"); old) {
    old->bind_text(1, upload.upload_id).bind(2, number);
    if (auto row = old->step(); row && *row) replaced = std::string(old->column_blob(0));
  }
  auto stmt = db_->prepare(
      "INSERT OR REPLACE INTO parts (upload_id, number, file, size, md5, modified_ms) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!stmt) return stmt.take_error();
  stmt->bind_text(1, upload.upload_id)
      .bind(2, number)
      .bind_text(3, part.file)
      .bind(4, static_cast<std::int64_t>(part.size))
      .bind_blob(5, part.md5_raw)
      .bind(6, part.last_modified_ms);
  if (Status s = stmt->run(); !s) {
    ::unlink(part.file.c_str());
    return s.take_error();
  }
  if (!replaced.empty()) retire_file(std::move(replaced));
  return part;
}

Result<std::vector<PartInfo>> ObjectStore::parts(const std::string& upload_id) {
  std::lock_guard lock(mutex_);
  auto stmt = db_->prepare(
      "SELECT number, file, size, md5, modified_ms FROM parts WHERE upload_id = ?1 ORDER BY "
      "number");
  if (!stmt) return stmt.take_error();
  stmt->bind_text(1, upload_id);
  std::vector<PartInfo> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return row.take_error();
    if (!*row) break;
    PartInfo part;
    part.number = static_cast<int>(stmt->column_int(0));
    part.file = std::string(stmt->column_blob(1));
    part.size = static_cast<std::uint64_t>(stmt->column_int(2));
    part.md5_raw = std::string(stmt->column_blob(3));
    part.etag =
        "\"" +
        aws::hex_encode(std::span<const std::uint8_t>(
            reinterpret_cast<const std::uint8_t*>(part.md5_raw.data()), part.md5_raw.size())) +
        "\"";
    part.last_modified_ms = stmt->column_int(4);
    out.push_back(std::move(part));
  }
  return out;
}

Result<ObjectInfo> ObjectStore::complete_upload(const UploadInfo& upload,
                                                const std::vector<PartInfo>& chosen,
                                                std::string etag) {
  std::string staged = staging_dir_ + "/complete-XXXXXX";
  const int fd = ::mkostemp(staged.data(), O_CLOEXEC);
  if (fd < 0) return errno_error("create staging file");
  std::uint64_t size = 0;
  Status status;
  for (const PartInfo& part : chosen) {
    if (status = append_file(fd, part.file); !status) break;
    size += part.size;
  }
  if (status && ::fsync(fd) != 0) status = errno_error("fsync");
  ::close(fd);
  if (!status) {
    ::unlink(staged.c_str());
    return status.take_error();
  }
  std::string part_list;
  for (const PartInfo& part : chosen) {
    part_list += completed_part_line(part.number, std::string_view(part.etag).substr(1, 32));
  }
  auto info = commit_object(upload.bucket, upload.key, staged, size, std::move(etag),
                            upload.headers, upload.upload_id, part_list);
  if (!info) {
    ::unlink(staged.c_str());
    return info;
  }
  std::error_code ec;
  fs::remove_all(root_ + "/uploads/" + upload.upload_id, ec);
  return info;
}

std::string completed_part_line(int number, std::string_view unquoted_etag) {
  std::string line = std::to_string(number);
  line += ':';
  line += unquoted_etag;
  line += '\n';
  return line;
}

// Called inside commit_object's transaction, so the object and its completion record are
// committed together; the bound is kept there too (one indexed range delete per Complete).
Status ObjectStore::remember_completed_locked(const std::string& upload_id,
                                              const std::string& bucket, const std::string& key,
                                              const std::string& parts, const std::string& etag) {
  const std::int64_t now = now_ms();
  auto insert = db_->prepare(
      "INSERT OR REPLACE INTO completed_uploads (upload_id, bucket, key, parts, etag, "
      "completed_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!insert) return insert.take_error();
  insert->bind_text(1, upload_id)
      .bind_text(2, bucket)
      .bind_blob(3, key)
      .bind_blob(4, parts)
      .bind_text(5, etag)
      .bind(6, now);
  if (Status s = insert->run(); !s) return s;
  const std::int64_t max_age_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(kCompletedUploadsMaxAge).count();
  auto too_old = db_->prepare(
      "DELETE FROM completed_uploads WHERE completed_ms < ?1 OR upload_id IN (SELECT upload_id "
      "FROM completed_uploads ORDER BY completed_ms DESC LIMIT -1 OFFSET ?2)");
  if (!too_old) return too_old.take_error();
  too_old->bind(1, now - max_age_ms).bind(2, kCompletedUploadsKept);
  return too_old->run();
}

Result<std::optional<CompletedUpload>> ObjectStore::completed_upload(const std::string& bucket,
                                                                     const std::string& key,
                                                                     const std::string& upload_id) {
  std::lock_guard lock(mutex_);
  auto stmt = db_->prepare(
      "SELECT parts, etag FROM completed_uploads WHERE upload_id = ?1 AND bucket = ?2 AND "
      "key = ?3");
  if (!stmt) return stmt.take_error();
  stmt->bind_text(1, upload_id).bind_text(2, bucket).bind_blob(3, key);
  auto row = stmt->step();
  if (!row) return row.take_error();
  if (!*row) return std::optional<CompletedUpload>();
  CompletedUpload out;
  out.bucket = bucket;
  out.key = key;
  out.parts = std::string(stmt->column_blob(0));
  out.etag = std::string(stmt->column_blob(1));
  return std::optional<CompletedUpload>(std::move(out));
}

Result<StagedBody> ObjectStore::stage_copy(const ObjectInfo& source) {
  StagedBody staged;
  staged.path = staging_dir_ + "/copy-XXXXXX";
  const int fd = ::mkostemp(staged.path.data(), O_CLOEXEC);
  if (fd < 0) return errno_error("create staging file");
  // A copy is a new single-part object: its ETag is the MD5 of its bytes. For a single-part
  // source that is the source's ETag already; a multipart source ("...-N") is hashed.
  Status status;
  if (is_plain_md5_etag(source.etag)) {
    status = append_file(fd, source.file);
    staged.md5_hex = source.etag.substr(1, 32);
  } else {
    Md5Hasher md5;
    status = append_file_hashing(fd, source.file, md5);
    if (status) {
      const Md5Digest digest = md5.finish();
      staged.md5_raw.assign(reinterpret_cast<const char*>(digest.data()), digest.size());
      staged.md5_hex = aws::hex_encode(digest);
    }
  }
  if (status && ::fsync(fd) != 0) status = errno_error("fsync");
  ::close(fd);
  if (!status) {
    ::unlink(staged.path.c_str());
    return status.take_error();
  }
  staged.size = source.size;
  return staged;
}

Status ObjectStore::abort_upload(const UploadInfo& upload) {
  {
    std::lock_guard lock(mutex_);
    for (const char* sql :
         {"DELETE FROM parts WHERE upload_id = ?1", "DELETE FROM uploads WHERE upload_id = ?1"}) {
      auto del = db_->prepare(sql);
      if (!del) return del.take_error();
      del->bind_text(1, upload.upload_id);
      if (Status s = del->run(); !s) return s;
    }
  }
  std::error_code ec;
  fs::remove_all(root_ + "/uploads/" + upload.upload_id, ec);
  return {};
}

}  // namespace csv2ddb::local::s3
