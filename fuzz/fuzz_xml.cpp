// libFuzzer target for the XML reader every S3 answer and the local S3's request bodies go
// through (aws/xml.cpp), on its own rather than only behind the S3 service. Invariants: no
// crash, bounded depth, and text escaped then unescaped comes back unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "aws/xml.hpp"
#include "model/json.hpp"  // is_valid_utf8

using namespace csv2ddb;

namespace {

std::size_t depth(const aws::XmlElement& element) {
  std::size_t deepest = 0;
  for (const auto& child : element.children) deepest = std::max(deepest, depth(child));
  return deepest + 1;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto doc = aws::parse_xml(text); doc.ok()) {
    if (depth(*doc) > aws::XmlParseOptions{}.max_depth) std::abort();
    (void)doc->child_text("Key");
  }
  if (auto unescaped = aws::xml_unescape(text); unescaped.ok()) {
    auto again = aws::xml_unescape(aws::xml_escape(*unescaped));
    if (!again.ok() || *again != *unescaped) std::abort();
  }
  return 0;
}
