#include "local/dynamodb/wal_checkpointer.hpp"

namespace csv2ddb::local::dynamodb {
namespace {

// WAL pages that make a background checkpoint due (4 MB, SQLite's own automatic default).
constexpr int kCheckpointPages = 1000;
// WAL pages past which the writer itself finishes a checkpoint (32 MB): the WAL stays near
// this size.
constexpr int kWalPagesCap = 8192;

}  // namespace

Result<std::unique_ptr<WalCheckpointer>> WalCheckpointer::start(const std::string& path,
                                                                SqliteConnection& writer) {
  auto connection = SqliteConnection::open(path);
  if (!connection) return connection.take_error();
  if (Status s = writer.exec("PRAGMA wal_autocheckpoint=0"); !s) return s.take_error();
  std::unique_ptr<WalCheckpointer> checkpointer(new WalCheckpointer());
  WalCheckpointer* raw = checkpointer.get();
  writer.on_wal_commit([raw](int pages) { raw->on_wal_pages(pages); });
  checkpointer->thread_ =
      std::thread([raw, own = std::move(*connection)]() mutable { raw->loop(std::move(own)); });
  return checkpointer;
}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    wanted_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
}

void WalCheckpointer::on_wal_pages(int pages) {
  wal_pages_ = pages;
  if (pages < signalled_at_pages_) signalled_at_pages_ = 0;  // the WAL started over
  if (pages - signalled_at_pages_ < kCheckpointPages) return;
  signalled_at_pages_ = pages;
  std::lock_guard<std::mutex> lock(mutex_);
  due_ = true;
  wanted_.notify_one();
}

void WalCheckpointer::after_commit(SqliteConnection& writer) {
  if (wal_pages_ < kWalPagesCap) return;
  wal_pages_ = 0;
  std::lock_guard<std::mutex> running(running_);
  (void)writer.exec("PRAGMA wal_checkpoint(PASSIVE)");
}

void WalCheckpointer::loop(std::unique_ptr<SqliteConnection> connection) {
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wanted_.wait(lock, [this] { return due_ || stopping_; });
      if (stopping_) return;
      due_ = false;
    }
    // PASSIVE: copies what it can without waiting for readers or the writer; the WAL starts
    // over from its beginning at the next commit once everything was copied.
    std::lock_guard<std::mutex> running(running_);
    (void)connection->exec("PRAGMA wal_checkpoint(PASSIVE)");
  }
}

}  // namespace csv2ddb::local::dynamodb
