// libFuzzer target for the local AWS's HTTP request parser. The input is split at a point the
// first byte chooses, and fed in two pieces and then byte by byte: both runs must agree on the
// outcome, the head and the body (a parser that depends on how bytes arrive is a bug).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "local/http/http_request_parser.hpp"

using csv2ddb::local::HttpRequestParser;

namespace {

struct Outcome {
  HttpRequestParser::State state;
  std::string method, target, body;
  std::size_t headers = 0;
  std::size_t consumed = 0;
  int status = 0;
};

Outcome run(std::string_view input, std::size_t piece_size) {
  HttpRequestParser parser;
  Outcome out;
  std::size_t offset = 0;
  std::string pending;
  while (true) {
    if (pending.empty()) {
      if (offset >= input.size()) break;
      pending = std::string(input.substr(offset, piece_size));
      offset += pending.size();
    }
    std::string_view piece;
    const std::size_t used = parser.consume(pending, piece);
    if (used > pending.size()) std::abort();
    out.body.append(piece);
    out.consumed += used;
    pending.erase(0, used);
    if (parser.state() == HttpRequestParser::State::kHeadComplete) parser.begin_body();
    if (parser.state() == HttpRequestParser::State::kComplete ||
        parser.state() == HttpRequestParser::State::kError) {
      break;
    }
    if (used == 0 && !pending.empty()) std::abort();  // no progress: would spin the server
  }
  out.state = parser.state();
  out.method = parser.request().method;
  out.target = parser.request().target;
  out.headers = parser.request().headers.size();
  out.status = parser.error_status();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::size_t split = 1 + data[0] % 64;
  const Outcome whole = run(input, split);
  const Outcome bytes = run(input, 1);
  if (whole.state != bytes.state || whole.body != bytes.body || whole.method != bytes.method ||
      whole.target != bytes.target || whole.status != bytes.status ||
      (whole.state == HttpRequestParser::State::kComplete &&
       (whole.consumed != bytes.consumed || whole.headers != bytes.headers))) {
    std::fprintf(stderr, "parse depends on how the bytes arrive\n");
    std::abort();
  }
  return 0;
}
