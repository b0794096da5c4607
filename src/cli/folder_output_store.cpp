// Outcome files in a folder. Each object is written to an unnamed file in its folder
// (O_TMPFILE), named only at commit and renamed into place, so readers see the old object or
// the whole new one, never a half-written file, and a run killed before it commits leaves
// nothing behind: the kernel drops an unnamed file with its last descriptor. Where the folder's
// file system has no O_TMPFILE (or /proc is not mounted), a named temporary file beside the
// final path is the fallback.
#include "cli/folder_output_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

namespace csv2ddb::cli {

using ingest::OutputStore;
using ingest::OutputWriter;
namespace {

constexpr std::size_t kWriteBuffer = std::size_t{64} * 1024;

Error io_error(const std::string& what, const std::string& path, int error_number) {
  return make_error("ObjectStoreError", what + " " + path + ": " + std::strerror(error_number));
}

// Keys are relative paths whose every segment is a plain name: no "..", ".", empty segments
// (leading '/', "a//b") or NUL, so no key can name a file outside the root.
bool is_safe_key(const std::string& key) {
  if (key.empty() || key.find('\0') != std::string::npos) return false;
  std::size_t start = 0;
  while (true) {
    std::size_t slash = key.find('/', start);
    if (slash == std::string::npos) slash = key.size();
    const std::string_view segment(key.data() + start, slash - start);
    if (segment.empty() || segment == "." || segment == "..") return false;
    if (slash == key.size()) return true;
    start = slash + 1;
  }
}

// A name for the object's bytes while it is written or committed, unique per process and object
// so that concurrent writers of one key never share it.
std::string temporary_name(const std::string& path) {
  static std::atomic<unsigned long> counter{0};
  return path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter.fetch_add(1));
}

class FolderOutputWriter final : public OutputWriter {
 public:
  // `named`: temp_path_ exists from the start (the fallback); otherwise the file is unnamed
  // until commit links it there.
  FolderOutputWriter(int fd, std::string temp_path, std::string final_path, bool named)
      : fd_(fd),
        temp_path_(std::move(temp_path)),
        final_path_(std::move(final_path)),
        named_(named) {
    buffer_.reserve(kWriteBuffer);
  }
  ~FolderOutputWriter() override { abort(); }

  Status write(std::string_view bytes) override {
    if (fd_ < 0) return make_error("ObjectStoreError", "write after commit or abort");
    if (buffer_.size() + bytes.size() > kWriteBuffer) {
      if (Status flushed = flush(); !flushed) return flushed;
      if (bytes.size() >= kWriteBuffer) return write_all(bytes);
    }
    buffer_.append(bytes);
    return {};
  }

  Status commit() override {
    if (fd_ < 0) return make_error("ObjectStoreError", "commit after commit or abort");
    if (Status flushed = flush(); !flushed) {
      abort();
      return flushed;
    }
    if (!named_) {
      const std::string by_descriptor = "/proc/self/fd/" + std::to_string(fd_);
      if (::linkat(AT_FDCWD, by_descriptor.c_str(), AT_FDCWD, temp_path_.c_str(),
                   AT_SYMLINK_FOLLOW) != 0) {
        const int error_number = errno;
        abort();
        return io_error("cannot name", temp_path_, error_number);
      }
      named_ = true;
    }
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) {
      const int error_number = errno;
      ::unlink(temp_path_.c_str());
      return io_error("cannot close", temp_path_, error_number);
    }
    if (::rename(temp_path_.c_str(), final_path_.c_str()) != 0) {
      const int error_number = errno;
      ::unlink(temp_path_.c_str());
      return io_error("cannot rename into", final_path_, error_number);
    }
    return {};
  }

  void abort() override {
    if (fd_ < 0) return;
    ::close(fd_);
    fd_ = -1;
    if (named_) ::unlink(temp_path_.c_str());
  }

 private:
  Status flush() {
    Status status = write_all(buffer_);
    buffer_.clear();
    return status;
  }

  Status write_all(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t written = ::write(fd_, bytes.data(), bytes.size());
      if (written < 0) {
        if (errno == EINTR) continue;
        return io_error("cannot write", temp_path_, errno);
      }
      bytes.remove_prefix(static_cast<std::size_t>(written));
    }
    return {};
  }

  int fd_;
  std::string temp_path_;
  std::string final_path_;
  bool named_;
  std::string buffer_;
};

// An unnamed file in `folder`, when the file system and /proc allow naming it later; -1 if not.
int open_unnamed(const std::string& folder) {
  if (::access("/proc/self/fd", X_OK) != 0) return -1;
  return ::open(folder.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
}

class FolderOutputStore final : public OutputStore {
 public:
  explicit FolderOutputStore(std::string root) : root_(std::move(root)) {
    while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
  }

  Result<std::unique_ptr<OutputWriter>> create(const std::string& key,
                                               std::string_view /*content_type*/) override {
    if (!is_safe_key(key)) return refused(key);
    const std::string path = locate(key);
    // Objects are regular files. Renaming onto a device or a pipe (say /dev/null) would replace it.
    if (struct stat existing{};
        ::lstat(path.c_str(), &existing) == 0 && !S_ISREG(existing.st_mode)) {
      return make_error("ObjectStoreError", path + " exists and is not a regular file");
    }
    std::error_code error;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), error);
    if (error) {
      return make_error("ObjectStoreError",
                        "cannot create the folder for " + path + ": " + error.message());
    }
    const std::string temp = temporary_name(path);
    const std::string folder = std::filesystem::path(path).parent_path().string();
    if (const int unnamed = open_unnamed(folder.empty() ? "." : folder); unnamed >= 0) {
      return std::unique_ptr<OutputWriter>(new FolderOutputWriter(unnamed, temp, path, false));
    }
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return io_error("cannot create", temp, errno);
    return std::unique_ptr<OutputWriter>(new FolderOutputWriter(fd, temp, path, true));
  }

  Status remove(const std::string& key) override {
    if (!is_safe_key(key)) return refused(key);
    const std::string path = locate(key);
    // Only our own objects are removed: never a device, pipe, link or folder of the same name.
    if (struct stat existing{};
        ::lstat(path.c_str(), &existing) != 0 || !S_ISREG(existing.st_mode)) {
      return {};
    }
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
      return io_error("cannot remove", path, errno);
    }
    return {};
  }

  std::string locate(const std::string& key) const override { return root_ + "/" + key; }

 private:
  static Error refused(const std::string& key) {
    return make_error("InvalidKey", "object key '" + key +
                                        "' is not a plain relative path (no '..', '.', empty "
                                        "segments or leading '/')");
  }

  std::string root_;
};

}  // namespace

std::unique_ptr<OutputStore> make_folder_output_store(std::string root) {
  return std::make_unique<FolderOutputStore>(std::move(root));
}

}  // namespace csv2ddb::cli
