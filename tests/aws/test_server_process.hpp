// Starts one of the Python test servers in tests/aws/servers as a child process, waits for its
// "PORT <n>" line, and stops it (closes its stdin, then SIGKILL if needed) when destroyed.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

namespace csv2ddb::aws::testing {

class TestServerProcess {
 public:
  TestServerProcess(const std::string& script, const std::vector<std::string>& args = {}) {
    int to_child[2], from_child[2];
    if (pipe(to_child) != 0 || pipe(from_child) != 0) return;
    std::string path = std::string(CSV2DDB_SOURCE_DIR) + "/tests/aws/servers/" + script;
    // Debian's interpreter directly when present: a version manager's shim costs a second.
    std::string python = access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
    std::vector<std::string> argv_text = {python, path};
    argv_text.insert(argv_text.end(), args.begin(), args.end());
    pid_ = fork();
    if (pid_ == 0) {
      dup2(to_child[0], 0);
      dup2(from_child[1], 1);
      close(to_child[1]);
      close(from_child[0]);
      std::vector<char*> argv;
      for (auto& a : argv_text) argv.push_back(a.data());
      argv.push_back(nullptr);
      execvp(argv[0], argv.data());
      _exit(127);
    }
    close(to_child[0]);
    close(from_child[1]);
    stdin_fd_ = to_child[1];
    FILE* out = fdopen(from_child[0], "r");
    char line[64] = {0};
    if (out != nullptr && std::fgets(line, sizeof line, out) != nullptr) {
      std::sscanf(line, "PORT %d", &port_);
    }
    if (out != nullptr) std::fclose(out);
  }
  ~TestServerProcess() {
    if (stdin_fd_ >= 0) close(stdin_fd_);
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
  }
  TestServerProcess(const TestServerProcess&) = delete;
  TestServerProcess& operator=(const TestServerProcess&) = delete;

  int port() const { return port_; }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

 private:
  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  int port_ = 0;
};

}  // namespace csv2ddb::aws::testing
