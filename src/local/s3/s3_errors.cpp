#include "local/s3/s3_errors.hpp"

#include <array>
#include <utility>

namespace csv2ddb::local::s3 {
namespace {

struct CodeStatus {
  std::string_view code;
  int status;
};

// From S3's error-code reference.
constexpr std::array kStatuses{
    CodeStatus{"AccessDenied", 403},
    CodeStatus{"BadDigest", 400},
    CodeStatus{"BucketAlreadyExists", 409},
    CodeStatus{"BucketAlreadyOwnedByYou", 409},
    CodeStatus{"BucketNotEmpty", 409},
    CodeStatus{"EntityTooLarge", 400},
    CodeStatus{"EntityTooSmall", 400},
    CodeStatus{"IncompleteBody", 400},
    CodeStatus{"InternalError", 500},
    CodeStatus{"InvalidAccessKeyId", 403},
    CodeStatus{"InvalidArgument", 400},
    CodeStatus{"InvalidBucketName", 400},
    CodeStatus{"InvalidDigest", 400},
    CodeStatus{"InvalidPart", 400},
    CodeStatus{"InvalidPartOrder", 400},
    CodeStatus{"InvalidRange", 416},
    CodeStatus{"InvalidRequest", 400},
    CodeStatus{"InvalidURI", 400},
    CodeStatus{"KeyTooLongError", 400},
    CodeStatus{"MalformedXML", 400},
    CodeStatus{"MethodNotAllowed", 405},
    CodeStatus{"MissingContentLength", 411},
    CodeStatus{"NoSuchBucket", 404},
    CodeStatus{"NoSuchKey", 404},
    CodeStatus{"NoSuchUpload", 404},
    CodeStatus{"NotImplemented", 501},
    CodeStatus{"PreconditionFailed", 412},
    CodeStatus{"RequestEntityTooLarge", 413},
    CodeStatus{"RequestTimeTooSkewed", 403},
    CodeStatus{"SignatureDoesNotMatch", 403},
    CodeStatus{"XAmzContentSHA256Mismatch", 400},
    CodeStatus{"InvalidSignatureException", 403},
    CodeStatus{"AuthorizationHeaderMalformed", 400},
    CodeStatus{"AuthorizationQueryParametersError", 400},
    CodeStatus{"SlowDown", 503},
};

}  // namespace

int s3_error_status(std::string_view code) {
  for (const CodeStatus& entry : kStatuses) {
    if (entry.code == code) return entry.status;
  }
  return 400;
}

}  // namespace csv2ddb::local::s3
