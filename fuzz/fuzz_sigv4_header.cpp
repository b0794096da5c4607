// Fuzzes the SigV4 parsers the local AWS runs on every request: the Authorization header and
// presigned query parameters, in both dialects, then verification of whatever parsed. Checks
// that a successful parse upholds what verify() relies on.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "aws/sigv4.hpp"
#include "aws/sigv4_verify.hpp"

namespace {

using csv2ddb::aws::AuthDialect;
using csv2ddb::aws::ParsedAuthorization;

void check_invariants(const ParsedAuthorization& parsed) {
  if (parsed.signature.size() != 64 || parsed.signed_headers.empty() ||
      parsed.access_key_id.empty() || parsed.date.size() != 8 || parsed.region.empty() ||
      parsed.service.empty()) {
    std::abort();
  }
  for (const std::string& name : parsed.signed_headers) {
    if (name.empty()) std::abort();
  }
}

void exercise_verify(const csv2ddb::aws::SignableRequest& request,
                     const ParsedAuthorization& parsed) {
  const auto secret_lookup = [](std::string_view) -> std::optional<std::string> {
    return std::string("fuzz-secret");
  };
  const auto now = std::chrono::system_clock::time_point{} + std::chrono::hours(24 * 365 * 50);
  (void)csv2ddb::aws::verify(request, parsed, secret_lookup, now, std::chrono::minutes(5));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  for (AuthDialect dialect : {AuthDialect::kDynamoDb, AuthDialect::kS3}) {
    csv2ddb::aws::SignableRequest request{
        "GET",
        "/",
        "",
        {{"Host", "h"}, {"X-Amz-Date", "20240102T030405Z"}, {"Authorization", input}},
        ""};
    if (auto parsed = csv2ddb::aws::parse_authorization_header(input, dialect); parsed.ok()) {
      check_invariants(*parsed);
      exercise_verify(request, *parsed);
    }
    request.headers.pop_back();
    request.query = input;
    request.path = input;
    if (auto parsed = csv2ddb::aws::parse_presigned_query(input, dialect); parsed.ok()) {
      check_invariants(*parsed);
      exercise_verify(request, *parsed);
    }
  }
  (void)csv2ddb::aws::canonical_query_string(input);
  (void)csv2ddb::aws::canonical_uri(input, true, true);
  (void)csv2ddb::aws::canonical_headers({{input, input}, {"Host", input}});
  return 0;
}
