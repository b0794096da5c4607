#include "local/deploy/function_package.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <fstream>

namespace csv2ddb::local::deploy {
namespace {

namespace fs = std::filesystem;

std::string host_architecture() {
#if defined(__aarch64__)
  return "arm64";
#else
  return "x86_64";
#endif
}

// Runs a command to its end; true on exit status 0.
bool run(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  const int failed = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (failed != 0) return false;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// qemu-user for a foreign architecture, from Debian's qemu-user-static.
std::string qemu_for(const std::string& architecture) {
  return architecture == "arm64" ? "qemu-aarch64-static" : "qemu-x86_64-static";
}

Result<FunctionPackage> from_zip(const std::string& zip, const std::string& data_dir,
                                 const std::string& function_name,
                                 const std::string& architecture) {
  std::error_code ec;
  if (!fs::is_regular_file(zip, ec)) {
    return make_error("InvalidCode", "the function package " + zip + " does not exist");
  }
  const fs::path root = fs::absolute(fs::path(data_dir) / "lambda" / "code" / function_name);
  fs::remove_all(root, ec);
  fs::create_directories(root, ec);
  if (!run({"unzip", "-q", "-o", zip, "-d", root.string()})) {
    return make_error("InvalidCode", "cannot unzip " + zip + " (is unzip installed?)");
  }
  const fs::path bootstrap = root / "bootstrap";
  if (!fs::is_regular_file(bootstrap, ec) || access(bootstrap.c_str(), X_OK) != 0) {
    return make_error("InvalidCode", zip +
                                         " has no executable bootstrap at its root, which "
                                         "provided.al2023 runs");
  }
  FunctionPackage package;
  package.task_root = root.string();
  package.code_size = fs::file_size(zip, ec);
  const std::string bundled_arch = elf_architecture((root / "bin" / "bootstrap").string());
  const std::string direct_arch = elf_architecture(bootstrap.string());
  const std::string binary_arch = !direct_arch.empty() ? direct_arch : bundled_arch;
  if (!binary_arch.empty() && binary_arch != architecture) {
    return make_error("InvalidCode", zip + " holds a " + binary_arch +
                                         " bootstrap but the function's architecture is " +
                                         architecture);
  }
  if (binary_arch.empty() || binary_arch == host_architecture()) {
    package.command = {bootstrap.string()};
    return package;
  }
  const std::string emulator = "/usr/bin/" + qemu_for(binary_arch);
  if (access(emulator.c_str(), X_OK) != 0) {
    return make_error("InvalidCode", zip + " is built for " + binary_arch +
                                         "; running it here needs " + emulator +
                                         " (Debian's qemu-user-static)");
  }
  if (direct_arch.empty()) {
    // The package's script: it runs its own loader through the emulator.
    package.command = {bootstrap.string()};
    package.environment = {{"CSV2DDB_EMULATOR", emulator}};
  } else {
    package.command = {emulator, bootstrap.string()};
  }
  return package;
}

}  // namespace

std::string elf_architecture(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::array<unsigned char, 20> header{};
  if (!in.read(reinterpret_cast<char*>(header.data()), header.size())) return "";
  if (header[0] != 0x7f || header[1] != 'E' || header[2] != 'L' || header[3] != 'F') return "";
  const unsigned machine = header[18] | (header[19] << 8);  // e_machine, little-endian
  if (machine == 62) return "x86_64";                       // EM_X86_64
  if (machine == 183) return "arm64";                       // EM_AARCH64
  return "";
}

Result<FunctionPackage> prepare_function_code(const FunctionCode& code, const std::string& data_dir,
                                              const std::string& function_name,
                                              const std::string& architecture) {
  if (!code.zip.empty()) return from_zip(code.zip, data_dir, function_name, architecture);
  std::error_code ec;
  if (code.bootstrap.empty() || !fs::is_regular_file(code.bootstrap, ec) ||
      access(code.bootstrap.c_str(), X_OK) != 0) {
    return make_error("InvalidCode", "no bootstrap executable at '" + code.bootstrap +
                                         "' (build the bootstrap target, or pass --bootstrap)");
  }
  // The native build serves whatever the template declares (arm64 on AWS): the code is the
  // same, compiled for this machine.
  FunctionPackage package;
  package.command = {fs::absolute(code.bootstrap).string()};
  package.task_root = fs::absolute(code.bootstrap).parent_path().string();
  package.code_size = fs::file_size(code.bootstrap, ec);
  return package;
}

}  // namespace csv2ddb::local::deploy
