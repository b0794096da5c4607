// The Range header of GetObject: one range of bytes ("bytes=a-b", "bytes=a-", "bytes=-n").
// As S3 does, a header it cannot parse (or a multi-range one) is ignored and the whole object
// is sent; a well-formed range that starts past the end is 416 InvalidRange.
#pragma once

#include <cstdint>
#include <string_view>

namespace csv2ddb::local::s3 {

enum class RangeKind : std::uint8_t { kIgnored, kSatisfiable, kUnsatisfiable };

struct RangeResult {
  RangeKind kind = RangeKind::kIgnored;
  std::uint64_t first = 0;
  std::uint64_t last = 0;  // inclusive
};

RangeResult resolve_range(std::string_view header, std::uint64_t size);

}  // namespace csv2ddb::local::s3
