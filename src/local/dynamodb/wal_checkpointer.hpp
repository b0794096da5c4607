// Keeps the SQLite write-ahead log short without making a request wait for it: checkpoints run
// on a connection and a thread of their own, asked for by the writer's commit hook every
// kCheckpointPages of WAL, rather than in the commit of whichever request filled the WAL (which
// may be on the server's reactor thread): a checkpoint copies pages and syncs two files, which
// can take long. Past a cap the writer finishes one itself (after_commit), because a thread
// chasing a writer that never pauses rarely catches the very last commit, and only a checkpoint
// that did lets the WAL start over.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "common/result.hpp"
#include "local/dynamodb/sqlite_db.hpp"

namespace csv2ddb::local::dynamodb {

class WalCheckpointer {
 public:
  // Takes over `writer`'s automatic checkpoints and starts the thread, on its own connection
  // to `path`.
  static Result<std::unique_ptr<WalCheckpointer>> start(const std::string& path,
                                                        SqliteConnection& writer);
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // After each of the writer's commits, on its thread, under the writer lock.
  void after_commit(SqliteConnection& writer);

 private:
  WalCheckpointer() = default;
  void loop(std::unique_ptr<SqliteConnection> connection);
  void on_wal_pages(int pages);  // the writer's commit hook

  std::mutex mutex_;
  std::condition_variable wanted_;
  bool due_ = false;
  bool stopping_ = false;
  int wal_pages_ = 0;           // after the last commit (writer's thread)
  int signalled_at_pages_ = 0;  // WAL pages when the thread was last asked (writer's thread)
  std::mutex running_;          // one checkpoint at a time: the thread's or the writer's
  std::thread thread_;
};

}  // namespace csv2ddb::local::dynamodb
