// The local Lambda's accepted asynchronous events, kept on disk as Lambda keeps them durably:
// one file per event under <data-dir>/lambda/queue/<function>/, written (and synced) before
// the 202 goes out, rewritten when an attempt starts or is retried, removed once the event
// succeeded or went to its failure destination. A restart loads what is left and queues it
// again; an attempt that was running when the server stopped (kill -9 or a clean stop) counts
// as a failed attempt, as a crash of the function would.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace csv2ddb::local::lambda {

struct JournaledEvent {
  std::uint64_t sequence = 0;  // acceptance order, kept across restarts
  std::string request_id;
  std::string payload;
  std::string trace_id;
  int attempt = 1;       // the attempt that runs next (or ran, when started)
  bool started = false;  // that attempt was handed to the function
};

class AsyncJournal {
 public:
  // `folder` "" makes a journal that keeps nothing (tests of the executor alone).
  explicit AsyncJournal(std::string folder);

  bool enabled() const { return !folder_.empty(); }
  // Errors: "JournalWriteFailed" (the event is then refused, not accepted and lost).
  Status save(JournaledEvent& event);  // assigns a sequence to a new event
  void remove(const std::string& request_id);
  // What a previous run left, in acceptance order. Unreadable files are skipped and named on
  // stderr (never a crash on start).
  std::vector<JournaledEvent> load();

 private:
  std::string path_of(const std::string& request_id) const;

  std::string folder_;
  std::uint64_t next_sequence_ = 1;
};

// The record Lambda sends to an on-failure destination, as AWS documents it.
std::string failure_record(const JournaledEvent& event, const std::string& function_arn,
                           const std::string& condition, const std::string& error_document);

}  // namespace csv2ddb::local::lambda
