// libFuzzer target for the AWS config and credentials file reader (aws/ini_file.cpp): files a
// user or a tool wrote. No crash; an error names a line that exists; a parsed file answers
// lookups for any name.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "aws/ini_file.hpp"

using namespace csv2ddb;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (auto kind : {aws::AwsFileKind::kConfig, aws::AwsFileKind::kCredentials}) {
    auto file = aws::AwsProfileFile::parse(text, kind, "fuzz");
    if (!file.ok()) {
      if (file.error().message.rfind("fuzz line ", 0) != 0) std::abort();
      continue;
    }
    (void)file->get("default", "region");
    (void)file->section("services", "x");
    (void)file->profile(std::string(text.substr(0, 16)));
  }
  return 0;
}
