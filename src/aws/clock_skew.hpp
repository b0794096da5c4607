// A process-wide correction for a wrong local clock. When AWS refuses a request as too old or
// too new (RequestTimeTooSkewed, RequestExpired, InvalidSignatureException "Signature
// expired"), the response's Date header tells the server's time; the caller records the offset
// here and signs the retry (and every later request) with now() instead of the raw clock, as
// the AWS SDKs do.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "aws/http_date.hpp"

namespace csv2ddb::aws {

// A request refused as 401 or 403 whose Date header is further than this from the time we
// signed with is taken for a clock problem even without a skew error code, as the AWS SDKs do:
// S3 answers HEAD (no body, so no code) with a bare 403 when our clock is off.
inline constexpr std::chrono::minutes kSuspiciousSkew{4};

// True when `status` is 401 or 403 and `date_header` (nullptr: none) is a valid HTTP date more
// than kSuspiciousSkew away from `signed_at`.
bool suggests_clock_skew(int status, const std::string* date_header, SystemTime signed_at);

class ClockSkew {
 public:
  // The local clock plus the recorded offset.
  SystemTime now() const;
  std::chrono::milliseconds offset() const {
    return std::chrono::milliseconds(offset_ms_.load(std::memory_order_relaxed));
  }
  void set_offset(std::chrono::milliseconds offset) {
    offset_ms_.store(offset.count(), std::memory_order_relaxed);
  }
  // Records server_time - local_time as the offset.
  void update(SystemTime server_time, SystemTime local_time);
  // Parses a Date header value and records the offset against the local clock. False (and
  // nothing changes) when the value is not a valid HTTP date.
  bool update_from_date_header(std::string_view date_header_value);

  // The one every signing caller shares.
  static ClockSkew& process_wide();

 private:
  std::atomic<std::int64_t> offset_ms_{0};
};

}  // namespace csv2ddb::aws
