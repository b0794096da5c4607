#include "ingest/json_array_reader.hpp"

#include <algorithm>

namespace csv2ddb::ingest {
namespace {

constexpr std::size_t kChunk = std::size_t{256} * 1024;

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

}  // namespace

JsonArrayReader::JsonArrayReader(std::unique_ptr<csv::ByteSource> source,
                                 std::size_t max_element_bytes)
    : source_(std::move(source)), max_element_bytes_(max_element_bytes), buffer_(kChunk, '\0') {}

Result<bool> JsonArrayReader::fill() {
  Result<std::size_t> got = source_->read(buffer_.data(), buffer_.size());
  if (!got) return got.take_error();
  position_ = 0;
  filled_ = *got;
  return filled_ > 0;
}

Result<char> JsonArrayReader::peek_significant() {
  while (true) {
    while (position_ < filled_ && is_space(buffer_[position_])) {
      ++position_;
      ++consumed_;
    }
    if (position_ < filled_) return buffer_[position_];
    Result<bool> more = fill();
    if (!more) return more.take_error();
    if (!*more) return '\0';
  }
}

Result<bool> JsonArrayReader::finish() {
  ++position_;
  ++consumed_;
  done_ = true;
  Result<char> after = peek_significant();
  if (!after) return after.take_error();
  if (*after != '\0') {
    return make_error("InvalidJson",
                      "unexpected bytes after the item array at byte " + std::to_string(consumed_));
  }
  return false;
}

Result<bool> JsonArrayReader::next(std::string& element) {
  element.clear();
  if (done_) return false;
  Result<char> first = peek_significant();
  if (!first) return first.take_error();
  if (!started_) {
    if (*first != '[') {
      return make_error("InvalidJson", "an item file must be a JSON array of items");
    }
    ++position_;
    ++consumed_;
    started_ = true;
    first = peek_significant();
    if (!first) return first.take_error();
    if (*first == ']') return finish();
  } else {
    // After an element: ',' then the next one, or ']' and the end.
    if (*first == ']') return finish();
    if (*first != ',') {
      return make_error("InvalidJson", "expected ',' or ']' after element " +
                                           std::to_string(elements_) + " at byte " +
                                           std::to_string(consumed_));
    }
    ++position_;
    ++consumed_;
    first = peek_significant();
    if (!first) return first.take_error();
  }
  if (*first == '\0') return make_error("InvalidJson", "the item array is not closed");

  // Copy the element's bytes up to the ',' or ']' that ends it at depth 0.
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  while (true) {
    if (position_ >= filled_) {
      Result<bool> more = fill();
      if (!more) return more.take_error();
      if (!*more) return make_error("InvalidJson", "the item array is not closed");
    }
    const std::size_t start = position_;
    bool ended = false;
    for (; position_ < filled_; ++position_) {
      const char c = buffer_[position_];
      if (in_string) {
        if (escaped) {
          escaped = false;
        } else if (c == '\\') {
          escaped = true;
        } else if (c == '"') {
          in_string = false;
        }
        continue;
      }
      if (c == '"') {
        in_string = true;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (depth == 0) {
          ended = true;
          break;
        }
        --depth;
      } else if (c == ',' && depth == 0) {
        ended = true;
        break;
      }
    }
    element.append(buffer_, start, position_ - start);
    consumed_ += position_ - start;
    if (element.size() > max_element_bytes_) {
      return make_error("InvalidJson", "element " + std::to_string(elements_ + 1) +
                                           " is larger than " + std::to_string(max_element_bytes_) +
                                           " bytes");
    }
    if (ended) break;
  }
  while (!element.empty() && is_space(element.back())) element.pop_back();
  ++elements_;
  return true;
}

}  // namespace csv2ddb::ingest
