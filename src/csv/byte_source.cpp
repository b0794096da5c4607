// Plain byte sources: files, standard input and memory, plus open_input.
#include "csv/byte_source.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace csv2ddb::csv {
namespace {

std::string errno_text(int error_number) {
  return std::strerror(error_number);
}

// Reads straight into the caller's buffer: the reader's buffer is the only one, so memory
// stays bounded by the reader's options.
class FileSource final : public ByteSource {
 public:
  FileSource(int fd, std::string name, bool owns_fd)
      : fd_(fd), name_(std::move(name)), owns_fd_(owns_fd) {}
  ~FileSource() override {
    if (owns_fd_) ::close(fd_);
  }
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;

  Result<std::size_t> read(char* buffer, std::size_t capacity) override {
    for (;;) {
      const ssize_t n = ::read(fd_, buffer, capacity);
      if (n >= 0) return static_cast<std::size_t>(n);
      if (errno == EINTR) continue;
      return make_error("IoError", name_ + ": read failed: " + errno_text(errno));
    }
  }
  std::string name() const override { return name_; }

 private:
  int fd_;
  std::string name_;
  bool owns_fd_;
};

class MemorySource final : public ByteSource {
 public:
  MemorySource(std::string bytes, std::string name, std::size_t chunk)
      : bytes_(std::move(bytes)), name_(std::move(name)), chunk_(std::max<std::size_t>(chunk, 1)) {}

  Result<std::size_t> read(char* buffer, std::size_t capacity) override {
    const std::size_t n = std::min({capacity, chunk_, bytes_.size() - position_});
    std::memcpy(buffer, bytes_.data() + position_, n);
    position_ += n;
    return n;
  }
  std::string name() const override { return name_; }

 private:
  std::string bytes_;
  std::string name_;
  std::size_t chunk_;
  std::size_t position_ = 0;
};

}  // namespace

Result<std::unique_ptr<ByteSource>> open_file_source(const std::string& path) {
  if (path == "-") {
    return std::unique_ptr<ByteSource>(std::make_unique<FileSource>(STDIN_FILENO, "-", false));
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int error_number = errno;
    return make_error(error_number == ENOENT ? "FileNotFound" : "IoError",
                      path + ": cannot open: " + errno_text(error_number));
  }
  return std::unique_ptr<ByteSource>(std::make_unique<FileSource>(fd, path, true));
}

std::unique_ptr<ByteSource> make_memory_source(std::string bytes, std::string name,
                                               std::size_t chunk) {
  return std::make_unique<MemorySource>(std::move(bytes), std::move(name), chunk);
}

Result<std::unique_ptr<ByteSource>> open_input(const std::string& path) {
  auto file = open_file_source(path);
  if (!file) return file.take_error();
  return open_decompressed(std::move(file.value()));
}

}  // namespace csv2ddb::csv
