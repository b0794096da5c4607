// The errors the local S3's operations return, with S3's own messages. Every operation returns
// Error{code, message}, and exactly one place (S3Service::error_response) turns it into S3's XML
// error body, with the status from the table the client shares (aws/error_codes.hpp).
#pragma once

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace csv2ddb::local::s3 {

inline Error no_such_bucket(std::string_view bucket) {
  return make_error("NoSuchBucket", "The specified bucket does not exist: " + std::string(bucket));
}
inline Error no_such_key() {
  return make_error("NoSuchKey", "The specified key does not exist.");
}
inline Error no_such_upload() {
  return make_error("NoSuchUpload",
                    "The specified upload does not exist. The upload ID may be invalid, or the "
                    "upload may have been aborted or completed.");
}
inline Error malformed_xml() {
  return make_error("MalformedXML",
                    "The XML you provided was not well-formed or did not validate against our "
                    "published schema");
}
inline Error invalid_argument(std::string message) {
  return make_error("InvalidArgument", std::move(message));
}
inline Error internal_error(std::string message) {
  return make_error("InternalError", std::move(message));
}

}  // namespace csv2ddb::local::s3
