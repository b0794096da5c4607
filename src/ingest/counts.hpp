// How the rows of a run ended and what writing them cost: the figures that reports, resume
// points, writer lanes, progress lines and the Lambda's metrics all carry, with one arithmetic
// (a chain of invocations adds up; one invocation's share is a difference) and one JSON form
// (counts_json.hpp).
#pragma once

#include <cstdint>

namespace csv2ddb::ingest {

struct Counts {
  // Every row read ends as exactly one of the five after it (balanced()).
  std::uint64_t rows_read = 0;         // records after the header, blank lines included
  std::uint64_t rows_written = 0;      // in a dry run: rows that would have been written
  std::uint64_t rows_rejected = 0;     // by the mapper or by DynamoDB (rejected/)
  std::uint64_t rows_unprocessed = 0;  // unwritten after the last retry (unprocessed/)
  std::uint64_t rows_skipped = 0;      // blank or all-empty rows
  std::uint64_t rows_conflicts = 0;    // their write's condition failed (conflicts/)
  std::uint64_t bytes_read = 0;        // of the (decompressed) input
  // What the writing cost.
  double seconds = 0;
  std::uint64_t requests = 0;  // write calls, retries included
  std::uint64_t retries = 0;   // calls that repeated earlier work (errors or UnprocessedItems)
  // Calls the table throttled: answered with a throttling error, or with UnprocessedItems (the
  // table took only part of the batch, which is how DynamoDB sheds load it has no capacity for).
  std::uint64_t throttles = 0;
  double consumed_wcu = 0;  // write capacity units the table reported

  bool balanced() const {
    return rows_read ==
           rows_written + rows_rejected + rows_unprocessed + rows_skipped + rows_conflicts;
  }
  // The rows that are accounted as something other than skipped or written (outputs hold them).
  std::uint64_t rows_set_aside() const { return rows_rejected + rows_unprocessed + rows_conflicts; }

  Counts& operator+=(const Counts& other);
  // What `*this` (a total) holds beyond `before` (an earlier total of the same run).
  Counts since(const Counts& before) const;
  friend Counts operator+(Counts total, const Counts& more) { return total += more; }
  friend bool operator==(const Counts&, const Counts&) = default;
};

}  // namespace csv2ddb::ingest
