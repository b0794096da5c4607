#include "ingest/peeked_source.hpp"

#include <algorithm>

namespace csv2ddb::ingest {
namespace {

class PrefixedSource final : public csv::ByteSource {
 public:
  PrefixedSource(std::string prefix, std::unique_ptr<csv::ByteSource> rest)
      : prefix_(std::move(prefix)), rest_(std::move(rest)) {}
  Result<std::size_t> read(char* buffer, std::size_t capacity) override {
    if (position_ < prefix_.size()) {
      const std::size_t count = std::min(capacity, prefix_.size() - position_);
      prefix_.copy(buffer, count, position_);
      position_ += count;
      return count;
    }
    return rest_->read(buffer, capacity);
  }
  std::string name() const override { return rest_->name(); }

 private:
  std::string prefix_;
  std::size_t position_ = 0;
  std::unique_ptr<csv::ByteSource> rest_;
};

}  // namespace

std::unique_ptr<csv::ByteSource> prepend_bytes(std::string prefix,
                                               std::unique_ptr<csv::ByteSource> rest) {
  return std::make_unique<PrefixedSource>(std::move(prefix), std::move(rest));
}

Result<std::unique_ptr<csv::ByteSource>> peek_bytes(std::unique_ptr<csv::ByteSource> source,
                                                    std::string& first_bytes, std::size_t count) {
  first_bytes.resize(count);
  std::size_t filled = 0;
  while (filled < count) {
    Result<std::size_t> got = source->read(first_bytes.data() + filled, count - filled);
    if (!got) return got.take_error();
    if (*got == 0) break;
    filled += *got;
  }
  first_bytes.resize(filled);
  return prepend_bytes(first_bytes, std::move(source));
}

}  // namespace csv2ddb::ingest
