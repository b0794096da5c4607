// The two timestamp formats AWS puts on the wire outside SigV4: the HTTP Date header
// (RFC 7231 IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT"), which tells a client the server's
// clock, and ISO 8601 UTC ("2024-05-01T12:00:00Z"), which credential endpoints use for
// Expiration.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace csv2ddb::aws {

using SystemTime = std::chrono::system_clock::time_point;

// IMF-fixdate. Also accepts the obsolete RFC 850 ("Sunday, 06-Nov-94 08:49:37 GMT") and asctime
// ("Sun Nov  6 08:49:37 1994") forms, as RFC 7231 asks recipients to. Errors: "InvalidDate".
Result<SystemTime> parse_http_date(std::string_view text);
// IMF-fixdate, seconds precision.
std::string format_http_date(SystemTime time);

// "YYYY-MM-DDTHH:MM:SSZ", with optional fractional seconds and a "+00:00"-style offset instead
// of 'Z'. Errors: "InvalidDate".
Result<SystemTime> parse_iso8601(std::string_view text);
std::string format_iso8601(SystemTime time);

}  // namespace csv2ddb::aws
