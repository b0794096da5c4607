#include "cli/output_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace csv2ddb::cli {
namespace {
constexpr std::size_t kBufferBytes = 1 << 20;

Error io_error(const std::string& path, const char* what) {
  return make_error("OutputError", path + ": " + what + ": " + std::strerror(errno));
}
}  // namespace

OutputFile::OutputFile(int fd, std::string path, std::string temp_path)
    : fd_(fd), path_(std::move(path)), temp_path_(std::move(temp_path)) {
  buffer_.reserve(kBufferBytes);
}

Result<std::unique_ptr<OutputFile>> OutputFile::open(const std::string& path) {
  if (path.empty() || path == "-") {
    return std::unique_ptr<OutputFile>(new OutputFile(STDOUT_FILENO, "<stdout>", ""));
  }
  // Devices and pipes (/dev/null, /dev/stdout, a FIFO) are written in place: renaming a temporary
  // file onto them would replace the device with a regular file.
  struct stat existing {};
  if (::stat(path.c_str(), &existing) == 0 && !S_ISREG(existing.st_mode)) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return io_error(path, "cannot open");
    return std::unique_ptr<OutputFile>(new OutputFile(fd, path, ""));
  }
  std::string temp = path + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return io_error(path, "cannot create");
  return std::unique_ptr<OutputFile>(new OutputFile(fd, path, std::move(temp)));
}

OutputFile::~OutputFile() {
  if (fd_ < 0) return;
  if (temp_path_.empty()) {
    (void)flush();  // written in place: deliver what we have
    if (fd_ != STDOUT_FILENO) ::close(fd_);
    return;
  }
  ::close(fd_);
  std::remove(temp_path_.c_str());  // never closed successfully: leave nothing behind
}

Status OutputFile::write(std::string_view bytes) {
  buffer_.append(bytes);
  if (buffer_.size() >= kBufferBytes) return flush();
  return {};
}

Status OutputFile::flush() {
  std::size_t done = 0;
  while (done < buffer_.size()) {
    const ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error(path_, "write failed");
    }
    done += static_cast<std::size_t>(n);
  }
  buffer_.clear();
  return {};
}

Status OutputFile::close() {
  Status flushed = flush();
  const int fd = fd_;
  fd_ = -1;
  if (temp_path_.empty()) {
    if (fd != STDOUT_FILENO) ::close(fd);
    return flushed;
  }
  const bool closed = ::close(fd) == 0;
  if (!flushed || !closed) {
    std::remove(temp_path_.c_str());
    return flushed ? Status(io_error(path_, "write failed")) : flushed;
  }
  if (std::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    std::remove(temp_path_.c_str());
    return io_error(path_, "cannot rename into place");
  }
  return {};
}

}  // namespace csv2ddb::cli
