// libFuzzer target for the template loader of `csv2ddb local --template` (YAML or JSON, with
// CloudFormation's short-form tags): a template is a file a user hands over, so no input may
// crash or hang the loader.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "local/deploy/template_document.hpp"

using namespace csv2ddb;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)local::deploy::parse_template(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
