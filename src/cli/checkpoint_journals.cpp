#include "cli/checkpoint_journals.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>

namespace csv2ddb::cli {
namespace {

constexpr std::array<const char*, 5> kOutputNames = {"json-copy", "unprocessed", "rejected",
                                                     "conflicts", "unprocessed-deletes"};

const char* output_name_of(ingest::OutputKind kind) {
  return kOutputNames[static_cast<std::size_t>(kind)];
}

Error journal_error(const std::string& path, const std::string& what) {
  return Error{"CheckpointError", path + ": " + what};
}

}  // namespace

// One output's journal: the previous generation's file to replay, this one's to append to.
class CheckpointJournals::File final : public ingest::OutputJournal {
 public:
  File(std::string previous, std::string path)
      : previous_(std::move(previous)), path_(std::move(path)) {}
  ~File() override {
    if (out_ != nullptr) std::fclose(out_);
  }
  File(const File&) = delete;
  File& operator=(const File&) = delete;

  Status open() {
    out_ = std::fopen(path_.c_str(), "w");
    if (out_ == nullptr) return journal_error(path_, std::strerror(errno));
    return {};
  }

  Status append(std::uint64_t line, std::string_view entry) override {
    char number[24];
    const auto [end, error] = std::to_chars(number, number + sizeof number, line);
    (void)error;  // 24 bytes hold any 64-bit number
    if (std::fwrite(number, 1, static_cast<std::size_t>(end - number), out_) == 0 ||
        std::fputc(' ', out_) == EOF ||
        std::fwrite(entry.data(), 1, entry.size(), out_) != entry.size() ||
        std::fputc('\n', out_) == EOF) {
      return journal_error(path_, "cannot write: " + std::string(std::strerror(errno)));
    }
    return {};
  }

  Status flush() override {
    if (std::fflush(out_) != 0) {
      return journal_error(path_, "cannot write: " + std::string(std::strerror(errno)));
    }
    return {};
  }

  Status replay(const EachEntry& each) override {
    if (previous_.empty()) return {};
    std::ifstream in(previous_, std::ios::binary);
    if (!in) return {};  // nothing was kept; the resume point's counts say whether that is right
    std::string text;
    std::uint64_t number = 0;
    while (std::getline(in, text)) {
      if (in.eof()) break;  // no newline: cut off by a kill, after the last checkpoint
      ++number;
      std::uint64_t line = 0;
      const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), line);
      if (error != std::errc() || end == text.data() + text.size() || *end != ' ') {
        return journal_error(previous_, "line " + std::to_string(number) + " is damaged");
      }
      const std::size_t start = static_cast<std::size_t>(end - text.data()) + 1;
      if (Status done = each(line, std::string_view(text).substr(start)); !done) return done;
    }
    if (in.bad()) return journal_error(previous_, "cannot read");
    return {};
  }

 private:
  std::string previous_;
  std::string path_;
  std::FILE* out_ = nullptr;
};

CheckpointJournals::CheckpointJournals(std::string checkpoint_path, std::uint64_t previous)
    : checkpoint_path_(std::move(checkpoint_path)), previous_(previous) {}

CheckpointJournals::~CheckpointJournals() = default;

std::string CheckpointJournals::path(std::uint64_t generation, ingest::OutputKind kind) const {
  return checkpoint_path_ + "." + std::to_string(generation) + "." + output_name_of(kind);
}

Result<ingest::OutputJournal*> CheckpointJournals::journal(ingest::OutputKind kind) {
  std::unique_ptr<File>& file = files_[static_cast<std::size_t>(kind)];
  if (!file) {
    auto opened = std::make_unique<File>(previous_ > 0 ? path(previous_, kind) : std::string(),
                                         path(generation(), kind));
    if (Status ready = opened->open(); !ready) return ready.take_error();
    file = std::move(opened);
  }
  return file.get();
}

void CheckpointJournals::remove_previous() {
  if (previous_ == 0) return;
  for (std::size_t kind = 0; kind < kOutputNames.size(); ++kind) {
    std::remove(path(previous_, static_cast<ingest::OutputKind>(kind)).c_str());
  }
}

void CheckpointJournals::remove() {
  for (std::size_t kind = 0; kind < kOutputNames.size(); ++kind) {
    files_[kind].reset();
    std::remove(path(generation(), static_cast<ingest::OutputKind>(kind)).c_str());
  }
}

}  // namespace csv2ddb::cli
