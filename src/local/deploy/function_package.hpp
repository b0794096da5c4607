// How a function's code runs on this machine: the native `bootstrap` built beside csv2ddb,
// or a packaged zip (deploy/package.sh) unpacked into the data folder and started by its own
// `bootstrap` entry point, as Lambda starts it. A zip built for another architecture (the
// arm64 package on an x86_64 machine) runs under qemu-user: the package's script execs its
// bundled loader through CSV2DDB_EMULATOR (deploy/README.md); a static bootstrap runs under
// qemu directly.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/result.hpp"
#include "local/deploy/resource_handlers.hpp"

namespace csv2ddb::local::deploy {

struct FunctionPackage {
  std::vector<std::string> command;
  // Variables the machine needs to run it (CSV2DDB_EMULATOR), not the function's own.
  std::vector<std::pair<std::string, std::string>> environment;
  std::string task_root;
  std::uint64_t code_size = 0;
};

// Errors: "InvalidCode" naming the zip or bootstrap and what is wrong with it.
Result<FunctionPackage> prepare_function_code(const FunctionCode& code, const std::string& data_dir,
                                              const std::string& function_name,
                                              const std::string& architecture);

// The ELF machine of a file: "x86_64", "arm64", "" when it is not an ELF file we know.
std::string elf_architecture(const std::string& path);

}  // namespace csv2ddb::local::deploy
