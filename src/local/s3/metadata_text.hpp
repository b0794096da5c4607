// User metadata values (x-amz-meta-*) with text beyond US-ASCII, as Amazon S3 treats them
// (the user guide, "Working with object metadata"): "the provided unicode string is examined
// for non-US-ASCII characters. Values of such headers are character decoded as per RFC 2047
// before storing and encoded as per RFC 2047 to make them mail-safe before returning."
// HTTP headers carry no charset, so a client that wants "héllo" stored sends
// "=?UTF-8?B?aMOpbGxv?=" (or Q-encoded); raw UTF-8 bytes are taken as they are.
#pragma once

#include <string>
#include <string_view>

namespace csv2ddb::local::s3 {

// The value to store: each RFC 2047 encoded-word in UTF-8 (or US-ASCII), B or Q, decoded;
// anything else (other charsets, malformed words) kept as sent.
std::string stored_metadata_value(std::string_view sent);

// The value to return: as stored when it is US-ASCII, else "=?UTF-8?B?<base64>?=".
std::string returned_metadata_value(std::string_view stored);

}  // namespace csv2ddb::local::s3
