// Where a request goes: the bucket and key from the Host header (virtual-hosted style,
// "bucket.localhost:4566") or the path (path style), then the first route in an ordered,
// declarative table whose method, shape and required query parameter or header match, most
// specific first (as minio routes).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "local/s3/s3_request.hpp"

namespace csv2ddb::local::s3 {

enum class Shape : std::uint8_t { kService, kBucket, kObject };

struct Route {
  std::string_view method;
  Shape shape;
  std::string_view query_param;  // must be present ("" = none required)
  std::string_view header;       // must be present ("" = none required)
  std::string_view name;         // the S3 operation, for errors and logs
  Operation operation;
};

struct Address {
  std::string bucket;
  std::string key;
};

// Errors: InvalidURI (bad percent-encoding in the key is kept, so only a bucket with '/'...).
Result<Address> parse_address(const HttpRequest& request);

// The matching route, or nullptr. Errors for sub-resources we do not serve (NotImplemented).
Result<const Route*> find_route(const HttpRequest& request, const S3Request& s3);

}  // namespace csv2ddb::local::s3
