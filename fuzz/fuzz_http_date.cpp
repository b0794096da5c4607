// libFuzzer target for the date parsers (aws/http_date.cpp): HTTP dates from servers' Date and
// Last-Modified headers, ISO 8601 from credential expirations and SSO caches. A date that
// parses formats back to a date that parses to the same second.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "aws/http_date.hpp"

using namespace csv2ddb;

namespace {

void same_second(aws::SystemTime a, aws::SystemTime b) {
  if (std::chrono::floor<std::chrono::seconds>(a) != std::chrono::floor<std::chrono::seconds>(b)) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto when = aws::parse_http_date(text); when.ok()) {
    auto again = aws::parse_http_date(aws::format_http_date(*when));
    if (!again.ok()) std::abort();
    same_second(*again, *when);
  }
  if (auto when = aws::parse_iso8601(text); when.ok()) {
    auto again = aws::parse_iso8601(aws::format_iso8601(*when));
    if (!again.ok()) std::abort();
    same_second(*again, *when);
  }
  return 0;
}
