// libFuzzer target for the reader of an unprocessed file put back (a JSON array of items, read
// element by element without holding the file: ingest/json_array_reader.cpp). It frames
// elements (brackets, strings, escapes) and leaves their validity to the JSON parser of the
// consumer (an element that does not parse is a rejected row there); here: no crash, no element
// over the limit, and never more bytes consumed than given. Elements that do parse are parsed.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "csv/byte_source.hpp"
#include "ingest/json_array_reader.hpp"
#include "model/json.hpp"

using namespace csv2ddb;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  ingest::JsonArrayReader reader(csv::make_memory_source(bytes), 64 * 1024);
  std::string element;
  for (int i = 0; i < 10000; ++i) {
    auto more = reader.next(element);
    if (!more.ok() || !*more) break;
    if (element.size() > 64 * 1024) {
      std::fprintf(stderr, "an element over the limit: %zu bytes\n", element.size());
      std::abort();
    }
    (void)model::parse_json(element);
  }
  if (reader.bytes_consumed() > size) std::abort();
  return 0;
}
