#include "ingest/line_reader.hpp"

#include <algorithm>
#include <cstring>

namespace csv2ddb::ingest {
namespace {

constexpr std::size_t kReadChunk = std::size_t{256} * 1024;
// What a too-long line keeps of itself, for the rejection's message.
constexpr std::size_t kTooLongPrefixBytes = 1024;

std::string_view without_cr(std::string_view text) {
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  return text;
}

}  // namespace

LineReader::LineReader(std::unique_ptr<csv::ByteSource> source, std::size_t max_line_bytes)
    : source_(std::move(source)), max_line_bytes_(std::max<std::size_t>(max_line_bytes, 16)) {}

// Moves the unread bytes to the front and reads more after them.
Result<bool> LineReader::fill() {
  if (at_end_) return false;
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  const std::size_t wanted = std::min(max_line_bytes_ + 1, end_ + kReadChunk);
  if (buffer_.size() < wanted) buffer_.resize(wanted);
  Result<std::size_t> got = source_->read(buffer_.data() + end_, buffer_.size() - end_);
  if (!got) return got.take_error();
  if (*got == 0) {
    at_end_ = true;
    return false;
  }
  end_ += *got;
  return true;
}

Result<bool> LineReader::next(Line& line) {
  std::size_t scanned = 0;  // bytes after begin_ known to hold no '\n'
  while (true) {
    const char* start = buffer_.data() + begin_;
    const void* newline = std::memchr(start + scanned, '\n', end_ - begin_ - scanned);
    if (newline != nullptr) {
      const std::size_t length = static_cast<const char*>(newline) - start;
      line = Line{without_cr({start, length}), next_number_++, consumed_, false};
      begin_ += length + 1;
      consumed_ += length + 1;
      return true;
    }
    scanned = end_ - begin_;
    if (scanned > max_line_bytes_) break;
    Result<bool> more = fill();
    if (!more) return more.take_error();
    if (!*more) {
      if (begin_ == end_) return false;
      const std::size_t length = end_ - begin_;
      line = Line{without_cr({buffer_.data() + begin_, length}), next_number_++, consumed_, false};
      begin_ = end_;
      consumed_ += length;
      return true;
    }
  }
  // Too long: keep its first bytes apart, then drop the rest of it.
  const Line long_line{{}, next_number_++, consumed_, true};
  too_long_prefix_.assign(buffer_.data() + begin_, std::min(kTooLongPrefixBytes, end_ - begin_));
  Result<bool> skipped = skip_rest_of_line();
  if (!skipped) return skipped.take_error();
  line = long_line;
  line.text = too_long_prefix_;
  return true;
}

// Drops bytes up to and including the next '\n' (or the end of the stream).
Result<bool> LineReader::skip_rest_of_line() {
  while (true) {
    const char* start = buffer_.data() + begin_;
    const void* newline = std::memchr(start, '\n', end_ - begin_);
    if (newline != nullptr) {
      const std::size_t length = static_cast<const char*>(newline) - start + 1;
      begin_ += length;
      consumed_ += length;
      return true;
    }
    consumed_ += end_ - begin_;
    begin_ = end_;
    Result<bool> more = fill();
    if (!more || !*more) return more;
  }
}

Status LineReader::skip_to(std::uint64_t offset, std::uint64_t line) {
  while (consumed_ < offset) {
    if (begin_ == end_) {
      Result<bool> more = fill();
      if (!more) return more.take_error();
      if (!*more) {
        return make_error("InvalidOffset", source_->name() + ": cannot resume at byte " +
                                               std::to_string(offset) + ": input has only " +
                                               std::to_string(consumed_) + " bytes");
      }
    }
    const std::size_t step =
        static_cast<std::size_t>(std::min<std::uint64_t>(offset - consumed_, end_ - begin_));
    begin_ += step;
    consumed_ += step;
  }
  next_number_ = line;
  return {};
}

void LineReader::continue_at(std::uint64_t offset, std::uint64_t line) {
  consumed_ = offset;
  next_number_ = line;
}

}  // namespace csv2ddb::ingest
