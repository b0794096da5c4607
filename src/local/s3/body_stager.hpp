// Takes an upload's body (in memory or in the server's spool file), removes any aws-chunked
// framing, checks every integrity claim the client made (Content-MD5, x-amz-content-sha256,
// x-amz-checksum-crc32 as header or trailer, x-amz-decoded-content-length, the chunk
// signatures of a signed streaming body) and leaves the
// bytes in a durable (fsynced) temporary file in the store's staging folder, ready to be
// renamed into place. Nothing reaches the store unless every check passed.
#pragma once

#include <cstdint>
#include <string>

#include "aws/sigv4_verify.hpp"  // SecretLookup
#include "common/result.hpp"
#include "local/http/http_message.hpp"

namespace csv2ddb::local::s3 {

struct StagedBody {
  std::string path;  // a file in the staging folder; the caller renames or deletes it
  std::uint64_t size = 0;
  std::string md5_hex;
  std::string md5_raw;  // 16 bytes, for multipart ETags
};

struct StageOptions {
  std::string staging_dir;
  std::uint64_t max_object_bytes = 0;  // EntityTooLarge above this
  // The secrets of the keys we know: a signed streaming body's chunk signatures are checked
  // for those (chunk_signatures.hpp).
  aws::SecretLookup secrets;
  bool trace = false;  // one line on stderr per body staged (S3Options::trace_uploads)
};

// True when the request's body is aws-chunked (by Content-Encoding or x-amz-content-sha256).
bool is_aws_chunked(const HttpRequest& request);

// Errors: EntityTooLarge, BadDigest, InvalidDigest, XAmzContentSHA256Mismatch, IncompleteBody,
// InvalidRequest, SignatureDoesNotMatch (a signed chunk), InternalError (disk).
Result<StagedBody> stage_body(HttpRequest& request, const StageOptions& options);

// Removes a staged file that will not be used.
void discard_staged(const StagedBody& staged);

}  // namespace csv2ddb::local::s3
