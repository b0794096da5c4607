#include "ingest/object_stream.hpp"

namespace csv2ddb::ingest {
namespace {

// Large enough that an S3 writer sends few parts, small enough to be nothing next to the lanes.
constexpr std::size_t kFlushBytes = std::size_t{256} * 1024;

}  // namespace

ObjectStream::ObjectStream(ObjectStore& store, std::string key, std::string content_type)
    : store_(store), key_(std::move(key)), content_type_(std::move(content_type)) {}

ObjectStream::~ObjectStream() {
  abort();
}

Status ObjectStream::open() {
  if (writer_) return {};
  if (finished_) return make_error("ObjectStoreError", key_ + " was already finished");
  Result<std::unique_ptr<ObjectWriter>> writer = store_.create(key_, content_type_);
  if (!writer) return writer.take_error();
  writer_ = std::move(writer.value());
  return {};
}

Status ObjectStream::flush() {
  if (buffer_.empty()) return {};
  if (Status opened = open(); !opened) return opened;
  Status written = writer_->write(buffer_);
  buffer_.clear();
  return written;
}

Status ObjectStream::append(std::string_view bytes) {
  buffer_.append(bytes);
  return flush_if_full();
}

Status ObjectStream::flush_if_full() {
  if (buffer_.size() < kFlushBytes) return {};
  return flush();
}

Status ObjectStream::commit() {
  if (Status opened = open(); !opened) return opened;
  if (Status flushed = flush(); !flushed) {
    abort();
    return flushed;
  }
  Status committed = writer_->commit();
  writer_.reset();
  finished_ = true;
  return committed;
}

void ObjectStream::abort() {
  buffer_.clear();
  if (writer_) writer_->abort();
  writer_.reset();
  finished_ = true;
}

}  // namespace csv2ddb::ingest
