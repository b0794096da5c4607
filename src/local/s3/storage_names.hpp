// Names on disk never come from a client's bytes: a bucket name is used as a folder only after
// it passed S3's bucket-name rules (lower-case letters, digits, '.', '-'; no "." or ".."), and
// an object key is never used as a path at all: each stored file is named by the SHA-256 of
// its key plus a unique version counter. So no key, however crafted ("../", "/etc/passwd",
// NUL bytes, backslashes, 1024 bytes of dots), can name a path outside the data folder.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace csv2ddb::local::s3 {

inline constexpr std::size_t kMaxKeyBytes = 1024;

// S3's rules for new buckets (general purpose buckets): 3 to 63 characters of a-z 0-9 . -,
// beginning and ending with a letter or digit, no "..", not an IP address, not "xn--"-prefixed
// or "-s3alias"-suffixed. Error: InvalidBucketName.
Status validate_bucket_name(std::string_view name);
// A key is 1 to 1024 bytes of UTF-8. Errors: KeyTooLongError, InvalidArgument.
Status validate_object_key(std::string_view key);

// "ab/ab12...ef.000000000000002a": a two-level fan-out folder and the file name of one stored
// version of a key. Only hex digits, '/' and '.' ever appear.
std::string object_file_name(std::string_view key, std::uint64_t version);

}  // namespace csv2ddb::local::s3
