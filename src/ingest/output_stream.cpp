#include "ingest/output_stream.hpp"

namespace csv2ddb::ingest {
namespace {

// Large enough that an S3 writer sends few parts, small enough to be nothing next to the lanes.
constexpr std::size_t kFlushBytes = std::size_t{256} * 1024;

}  // namespace

OutputStream::OutputStream(OutputStore& store, std::string key, std::string content_type)
    : store_(store), key_(std::move(key)), content_type_(std::move(content_type)) {}

OutputStream::~OutputStream() {
  abort();
}

Status OutputStream::open() {
  if (writer_) return {};
  if (finished_) return make_error("ObjectStoreError", key_ + " was already finished");
  Result<std::unique_ptr<OutputWriter>> writer = store_.create(key_, content_type_);
  if (!writer) return writer.take_error();
  writer_ = std::move(writer.value());
  return {};
}

Status OutputStream::flush() {
  if (buffer_.empty()) return {};
  if (Status opened = open(); !opened) return opened;
  Status written = writer_->write(buffer_);
  buffer_.clear();
  return written;
}

Status OutputStream::append(std::string_view bytes) {
  buffer_.append(bytes);
  return flush_if_full();
}

Status OutputStream::flush_if_full() {
  if (buffer_.size() < kFlushBytes) return {};
  return flush();
}

Status OutputStream::commit() {
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

void OutputStream::abort() {
  buffer_.clear();
  if (writer_) writer_->abort();
  writer_.reset();
  finished_ = true;
}

Result<SuspendedObject> OutputStream::suspend() {
  if (finished_) return make_error("ObjectStoreError", key_ + " was already finished");
  if (!writer_ && buffer_.empty()) {
    finished_ = true;
    return SuspendedObject{};  // nothing written: no object to go on with
  }
  // Through the writer, so that whole parts are sent now and only what is below a part stays
  // behind as the tail.
  if (Status opened = open(); !opened) {
    abort();
    return opened.take_error();
  }
  finished_ = true;
  Status written = writer_->write(buffer_);
  buffer_.clear();
  if (!written) {
    abort();
    return written.take_error();
  }
  Result<SuspendedObject> suspended = writer_->suspend();
  if (!suspended) {
    abort();
    return suspended.take_error();
  }
  writer_.reset();
  return suspended;
}

Status OutputStream::resume(SuspendedObject suspended) {
  if (writer_ || finished_) return make_error("ObjectStoreError", key_ + " was already started");
  buffer_.clear();
  if (suspended.state.empty()) {
    // Nothing was sent: the tail is simply what this stream has buffered so far.
    buffer_ = std::move(suspended.tail);
    return {};
  }
  Result<std::unique_ptr<OutputWriter>> writer =
      store_.resume(key_, content_type_, std::move(suspended));
  if (!writer) return writer.take_error();
  writer_ = std::move(writer.value());
  return {};
}

}  // namespace csv2ddb::ingest
