// S3's storage in the data folder: <data-dir>/s3/
//   meta.sqlite3            buckets, object metadata, multipart uploads and parts, and the
//                           recently completed uploads (a repeated Complete is answered again)
//   buckets/<bucket>/ab/<sha256(key)>.<version>   object bytes, one file per stored version
//   uploads/<upload id>/<part number>             multipart parts until completed or aborted
//   staging/                bodies being received (same file system, so rename is atomic)
//
// Why SQLite for metadata rather than sidecar files: listing must be in key order with
// prefix, delimiter and pagination, which a sorted index answers in O(page) while sidecars
// need a directory walk and a sort per request; and a row update is atomic, so metadata and
// the data file it names always agree. Why files for the bytes: GetObject streams them with
// no copy, and a 5 GB object never passes through SQLite.
//
// Durability: a new version is written to staging, fsynced, renamed into place, then its row
// is committed (WAL); only then is the answer sent. The file a replaced version used is
// deleted a few seconds later, so a GetObject already answered with it can still open it.
// A crash between rename and commit leaves an unreferenced file, never a wrong object.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aws/http_types.hpp"
#include "common/result.hpp"
#include "local/dynamodb/sqlite_db.hpp"
#include "local/s3/body_stager.hpp"

namespace csv2ddb::local::s3 {

struct ObjectInfo {
  std::string key;
  std::uint64_t size = 0;
  std::string etag;  // quoted, as S3 sends it: "\"9b2cf535f27731c974343645a3985328\""
  std::int64_t last_modified_ms = 0;
  aws::HeaderList headers;  // Content-Type, Content-Encoding, ..., x-amz-meta-*
  std::string file;         // absolute path of the bytes
};

struct BucketInfo {
  std::string name;
  std::int64_t created_ms = 0;
};

struct PartInfo {
  int number = 0;
  std::uint64_t size = 0;
  std::string etag;  // quoted
  std::string md5_raw;
  std::int64_t last_modified_ms = 0;
  std::string file;
};

struct UploadInfo {
  std::string upload_id;
  std::string bucket;
  std::string key;
  aws::HeaderList headers;
  std::int64_t initiated_ms = 0;
};

// A multipart upload that was completed, remembered (the last kCompletedUploadsKept, none
// older than kCompletedUploadsMaxAge) so a CompleteMultipartUpload repeated by a client
// that lost the first answer gets that answer again, as Amazon S3 gives it.
struct CompletedUpload {
  std::string bucket;
  std::string key;
  std::string parts;  // the part list it was completed with, completed_part_line() per part
  std::string etag;   // quoted
};
inline constexpr std::int64_t kCompletedUploadsKept = 10000;
inline constexpr std::chrono::hours kCompletedUploadsMaxAge{24};

// One line of CompletedUpload::parts: "<number>:<etag without quotes>\n".
std::string completed_part_line(int number, std::string_view unquoted_etag);

class ObjectStore {
 public:
  // Opens (creating) <data_dir>/s3.
  static Result<std::unique_ptr<ObjectStore>> open(const std::string& data_dir);

  const std::string& staging_dir() const { return staging_dir_; }

  // Buckets. Errors: BucketAlreadyOwnedByYou, NoSuchBucket, BucketNotEmpty.
  Status create_bucket(const std::string& name);
  Status delete_bucket(const std::string& name);
  Status require_bucket(const std::string& name);
  Result<std::vector<BucketInfo>> list_buckets();
  Result<std::string> notification_xml(const std::string& bucket);
  Status set_notification_xml(const std::string& bucket, const std::string& xml);

  // Objects. Errors: NoSuchBucket, NoSuchKey.
  Result<ObjectInfo> head(const std::string& bucket, const std::string& key);
  // Moves a staged body into place as the key's current version.
  Result<ObjectInfo> put(const std::string& bucket, const std::string& key, StagedBody staged,
                         std::string etag, aws::HeaderList headers);
  // A durable copy of a stored object's bytes in the staging folder (CopyObject).
  Result<StagedBody> stage_copy(const ObjectInfo& source);
  // True when there was an object to delete.
  Result<bool> remove(const std::string& bucket, const std::string& key);
  // Up to `limit` objects with keys > after and starting with prefix, in key (byte) order.
  Result<std::vector<ObjectInfo>> scan(const std::string& bucket, const std::string& after,
                                       const std::string& prefix, std::size_t limit);

  // Multipart uploads. Errors: NoSuchUpload.
  Result<std::string> create_upload(const std::string& bucket, const std::string& key,
                                    aws::HeaderList headers);
  Result<UploadInfo> upload(const std::string& bucket, const std::string& key,
                            const std::string& upload_id);
  Result<PartInfo> put_part(const UploadInfo& upload, int number, StagedBody staged);
  Result<std::vector<PartInfo>> parts(const std::string& upload_id);
  // Concatenates the chosen parts (already validated by the caller) into the object, and
  // remembers the completion. NoSuchUpload when a concurrent Complete of it finished first.
  Result<ObjectInfo> complete_upload(const UploadInfo& upload, const std::vector<PartInfo>& chosen,
                                     std::string etag);
  // The remembered completion of upload_id in bucket/key, if any.
  Result<std::optional<CompletedUpload>> completed_upload(const std::string& bucket,
                                                          const std::string& key,
                                                          const std::string& upload_id);
  Status abort_upload(const UploadInfo& upload);

 private:
  ObjectStore(std::string root, std::unique_ptr<dynamodb::SqliteConnection> db);
  Result<ObjectInfo> commit_object(const std::string& bucket, const std::string& key,
                                   const std::string& staged_path, std::uint64_t size,
                                   std::string etag, aws::HeaderList headers,
                                   const std::string& finished_upload_id = {},
                                   const std::string& finished_parts = {});
  Status remember_completed_locked(const std::string& upload_id, const std::string& bucket,
                                   const std::string& key, const std::string& parts,
                                   const std::string& etag);
  Result<bool> bucket_exists_locked(const std::string& name);
  void retire_file(std::string path);
  void sweep_retired(bool everything);
  std::uint64_t next_version();

  std::string root_;
  std::string staging_dir_;
  std::mutex mutex_;  // guards db_ and retired_
  std::unique_ptr<dynamodb::SqliteConnection> db_;
  std::vector<std::pair<std::chrono::steady_clock::time_point, std::string>> retired_;
  std::uint64_t version_counter_ = 0;
};

// The wire form of stored headers and back (one "name:value" per line; header values cannot
// hold a newline).
std::string encode_headers(const aws::HeaderList& headers);
aws::HeaderList decode_headers(std::string_view encoded);

}  // namespace csv2ddb::local::s3
